// The ReplicaSet controller as the manager runs it: ReplicaSets and their pods in, decideReplicaSet out.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { ownerKeys } from '../runtime/mapping.js';
import { decideReplicaSet, type ReplicaSetObserved } from './decide.js';

export const replicaSetController: ControllerDefinition<ReplicaSetObserved> = {
  name: 'replicaset',
  primary: gvr.replicasets,
  secondary: [gvr.pods],
  keysFor: (_g, pod, cache) => ownerKeys(pod, 'ReplicaSet', cache.informer(gvr.replicasets)),
  observe(key, cache) {
    const replicaSet = cache.informer(gvr.replicasets).get(key);
    if (!replicaSet) return undefined;
    const ns = splitKey(key).namespace ?? '';
    return { replicaSet, pods: cache.informer(gvr.pods).listInNamespace(ns), replicaSets: cache.informer(gvr.replicasets).listInNamespace(ns) };
  },
  decide: (o, now, lastFailure) => decideReplicaSet({ ...o, lastFailure }, now),
  workers: 4,
};
