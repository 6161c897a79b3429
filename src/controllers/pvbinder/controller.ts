// The PersistentVolume binder as the manager runs it: one loop keyed by claim (binding,
// provisioning requests, selected node, pvc-protection) and one keyed by volume (phases,
// reclaim, pv-protection). Upstream resyncs both every 15 s; here a volume or class change
// maps to the claims it may serve.
import { splitKey, type GroupVersionResource } from '../../client/types.js';
import type { KubeObject } from '../../machinery/types.js';
import { gvr } from '../runtime/kinds.js';
import type { CacheView, ControllerDefinition } from '../runtime/manager.js';
import { specOf, str } from '../shared/meta.js';
import { type ClaimObserved, decideClaim } from './decide.js';
import { type VolumeObserved, decideVolume } from './decideVolume.js';
import { claimNamesOfPod, claimRefOf, classOf } from './volumeMeta.js';

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
const same = (a: GroupVersionResource, b: GroupVersionResource): boolean => a.group === b.group && a.resource === b.resource;

function unboundClaimKeys(cache: CacheView, filter: (c: KubeObject) => boolean): string[] {
  return cache
    .informer(gvr.pvcs)
    .list()
    .filter((c) => !str(specOf(c).volumeName) && filter(c))
    .map(keyOf);
}

export const pvClaimBinderController: ControllerDefinition<ClaimObserved> = {
  name: 'persistentvolume-binder-claims',
  primary: gvr.pvcs,
  secondary: [gvr.pvs, gvr.storageclasses, gvr.pods, gvr.nodes],
  keysFor(g, obj, cache) {
    if (same(g, gvr.pods)) return claimNamesOfPod(obj).map((n) => `${obj.metadata.namespace ?? ''}/${n}`);
    if (same(g, gvr.storageclasses)) return unboundClaimKeys(cache, (c) => classOf(c) === obj.metadata.name || specOf(c).storageClassName === undefined);
    if (same(g, gvr.pvs)) {
      const ref = claimRefOf(obj);
      const keys = ref ? [`${ref.namespace}/${ref.name}`] : unboundClaimKeys(cache, (c) => classOf(c) === classOf(obj));
      // Claims that name this volume (pre-bound by the user, or bound and now losing it).
      for (const c of cache.informer(gvr.pvcs).list()) if (specOf(c).volumeName === obj.metadata.name) keys.push(keyOf(c));
      return keys;
    }
    return [];
  },
  observe(key, cache) {
    const claim = cache.informer(gvr.pvcs).get(key);
    if (!claim) return undefined;
    return {
      claim,
      volumes: cache.informer(gvr.pvs).list(),
      classes: cache.informer(gvr.storageclasses).list(),
      pods: cache.informer(gvr.pods).listInNamespace(splitKey(key).namespace ?? ''),
      nodes: cache.informer(gvr.nodes).list(),
    };
  },
  decide: (o, now) => decideClaim(o, now),
  workers: 2,
};

export const pvVolumeBinderController: ControllerDefinition<VolumeObserved> = {
  name: 'persistentvolume-binder-volumes',
  primary: gvr.pvs,
  secondary: [gvr.pvcs],
  keysFor(_g, claim, cache) {
    const keys = cache
      .informer(gvr.pvs)
      .list()
      .filter((pv) => {
        const ref = claimRefOf(pv);
        return ref !== undefined && ref.namespace === claim.metadata.namespace && ref.name === claim.metadata.name;
      })
      .map((pv) => pv.metadata.name ?? '');
    const vn = str(specOf(claim).volumeName);
    if (vn && !keys.includes(vn)) keys.push(vn);
    return keys;
  },
  primaryKey: (pv) => pv.metadata.name ?? '',
  observe(key, cache) {
    const volume = cache.informer(gvr.pvs).get(key);
    if (!volume) return undefined;
    const ref = claimRefOf(volume);
    const claim = ref ? cache.informer(gvr.pvcs).get(`${ref.namespace}/${ref.name}`) : undefined;
    return claim ? { volume, claim } : { volume };
  },
  decide: (o, now) => decideVolume(o, now),
  workers: 2,
};
