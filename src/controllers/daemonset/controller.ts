// The DaemonSet controller as the manager runs it.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideDaemonSet, type DaemonSetObserved } from './decide.js';
import { daemonSetKeysForNode, daemonSetKeysForOwned } from './index.js';

export const daemonSetController: ControllerDefinition<DaemonSetObserved> = {
  name: 'daemonset',
  primary: gvr.daemonsets,
  secondary: [gvr.pods, gvr.controllerrevisions, gvr.nodes],
  keysFor(g, obj, cache) {
    const all = cache.informer(gvr.daemonsets).list();
    if (g === gvr.nodes) return daemonSetKeysForNode(obj, undefined, all);
    return daemonSetKeysForOwned(obj, all);
  },
  observe(key, cache) {
    const daemonSet = cache.informer(gvr.daemonsets).get(key);
    if (!daemonSet) return undefined;
    const ns = splitKey(key).namespace ?? '';
    return {
      daemonSet,
      nodes: cache.informer(gvr.nodes).list(),
      pods: cache.informer(gvr.pods).listInNamespace(ns),
      revisions: cache.informer(gvr.controllerrevisions).listInNamespace(ns),
    };
  },
  decide: (o, now, lastFailure) => decideDaemonSet({ ...o, lastFailure }, now),
  workers: 2,
};
