// The local-path provisioner as the manager runs it: one loop keyed by claim, one keyed
// sync (fixed key) keeping the default `local-path` StorageClass.
import type { KubeObject } from '../../machinery/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { claimRefOf } from '../pvbinder/volumeMeta.js';
import { type ProvisionObserved, LOCAL_PATH_CLASS, decideDefaultClass, decideProvision } from './decide.js';

export const localPathProvisionerController: ControllerDefinition<ProvisionObserved> = {
  name: 'local-path-provisioner',
  primary: gvr.pvcs,
  secondary: [gvr.pvs, gvr.storageclasses],
  // A volume going away lets its claim be provisioned again.
  keysFor: (_g, obj) => {
    const ref = claimRefOf(obj);
    return ref ? [`${ref.namespace}/${ref.name}`] : [];
  },
  observe(key, cache) {
    const claim = cache.informer(gvr.pvcs).get(key);
    if (!claim) return undefined;
    return { claim, classes: cache.informer(gvr.storageclasses).list(), volumes: cache.informer(gvr.pvs).list() };
  },
  decide: (o, now) => decideProvision(o, now),
  workers: 2,
};

export const localPathStorageClassController: ControllerDefinition<{ classes: KubeObject[] }> = {
  name: 'local-path-storageclass',
  primary: gvr.storageclasses,
  primaryKey: () => LOCAL_PATH_CLASS,
  // With no class at all the primary informer never fires: namespaces (default, kube-system
  // always exist) start the first sync.
  secondary: [gvr.namespaces],
  keysFor: () => [LOCAL_PATH_CLASS],
  observe: (_key, cache) => ({ classes: cache.informer(gvr.storageclasses).list() }),
  decide: (o) => decideDefaultClass(o),
  workers: 1,
};
