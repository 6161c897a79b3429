// The StatefulSet controller as the manager runs it.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideStatefulSet, statefulSetKeysForClaim, statefulSetKeysForPod, statefulSetKeysForRevision, type StatefulSetObserved } from './index.js';

export const statefulSetController: ControllerDefinition<StatefulSetObserved> = {
  name: 'statefulset',
  primary: gvr.statefulsets,
  secondary: [gvr.pods, gvr.controllerrevisions, gvr.pvcs],
  keysFor(g, obj, cache) {
    const sets = cache.informer(gvr.statefulsets).listInNamespace(obj.metadata.namespace ?? '');
    if (g === gvr.pods) return statefulSetKeysForPod(obj, sets);
    if (g === gvr.controllerrevisions) return statefulSetKeysForRevision(obj, sets);
    return statefulSetKeysForClaim(obj, sets);
  },
  observe(key, cache) {
    const statefulSet = cache.informer(gvr.statefulsets).get(key);
    if (!statefulSet) return undefined;
    const ns = splitKey(key).namespace ?? '';
    return {
      statefulSet,
      pods: cache.informer(gvr.pods).listInNamespace(ns),
      revisions: cache.informer(gvr.controllerrevisions).listInNamespace(ns),
      claims: cache.informer(gvr.pvcs).listInNamespace(ns),
    };
  },
  decide: (o, now, lastFailure) => decideStatefulSet({ ...o, lastFailure }, now),
  workers: 2,
};
