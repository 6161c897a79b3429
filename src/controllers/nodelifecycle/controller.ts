// The node lifecycle controller as the manager runs it: one key per node, woken by its
// Lease, its pods and a periodic re-check, with zone health summarised at most once a second.
import { gvr } from '../runtime/kinds.js';
import type { CacheView, ControllerDefinition } from '../runtime/manager.js';
import type { KubeObject } from '../../machinery/types.js';
import { decideNodeLifecycle, type NodeLifecycleObserved } from './decide.js';
import { summarizeZones, type NodeLifecycleOptions, type ZoneSummary } from './health.js';

const byNodeName = 'spec.nodeName';
const leaseNamespace = 'kube-node-lease';

export function nodeLifecycleController(opts: NodeLifecycleOptions = {}): ControllerDefinition<NodeLifecycleObserved> {
  let zones: { at: number; map: Map<string, ZoneSummary> } | undefined;
  const zonesNow = (cache: CacheView, now: number): Map<string, ZoneSummary> => {
    if (zones && now - zones.at < 1000) return zones.map;
    const leases = new Map<string, KubeObject>();
    for (const l of cache.informer(gvr.leases).listInNamespace(leaseNamespace)) leases.set(l.metadata.name ?? '', l);
    zones = { at: now, map: summarizeZones(cache.informer(gvr.nodes).list(), leases, now, opts) };
    return zones.map;
  };
  const podsOn = (cache: CacheView, node: string): KubeObject[] => {
    const inf = cache.informer(gvr.pods);
    if (!inf.hasIndexer(byNodeName)) inf.addIndexer(byNodeName, (p) => [String((p.spec as { nodeName?: string } | undefined)?.nodeName ?? '')]);
    return inf.byIndex(byNodeName, node);
  };
  return {
    name: 'node-lifecycle',
    primary: gvr.nodes,
    secondary: [gvr.leases, gvr.pods],
    keysFor(g, obj) {
      if (g === gvr.leases) return obj.metadata.namespace === leaseNamespace ? [obj.metadata.name ?? ''] : [];
      const node = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
      return node ? [node] : [];
    },
    observe(key, cache) {
      const node = cache.informer(gvr.nodes).get(key);
      if (!node) return undefined;
      const now = Date.now();
      return { node, lease: cache.informer(gvr.leases).get(`${leaseNamespace}/${key}`), pods: podsOn(cache, key), zone: zonesNow(cache, now).get(key) };
    },
    decide: (o, now) => {
      const actions = decideNodeLifecycle(o, now, opts);
      // A healthy node is looked at again when its Lease could first be stale.
      if (!actions.some((a) => a.kind === 'requeueAfter')) actions.push({ kind: 'requeueAfter', ms: opts.nodeMonitorPeriodMs ?? 5000 });
      return actions;
    },
    workers: 4,
  };
}
