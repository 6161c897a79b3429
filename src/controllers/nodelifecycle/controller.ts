// The node lifecycle controller as the manager runs it: one key per node, woken by its
// Lease (while not Ready), its pods (while not Ready or NoExecute-tainted) and a re-check when
// its Lease could go stale, with zone health summarised at most once a second.
import { gvr } from '../runtime/kinds.js';
import type { CacheView, ControllerDefinition } from '../runtime/manager.js';
import type { KubeObject } from '../../machinery/types.js';
import { decideNodeLifecycle, type NodeLifecycleObserved } from './decide.js';
import { readyStatus, summarizeZones, type NodeLifecycleOptions, type ZoneSummary } from './health.js';
import { noExecuteTaints } from './eviction.js';

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
    // Upstream polls every node each --node-monitor-period rather than reacting to Leases and
    // pods. Here a Ready node is re-checked when its Lease could first go stale (decide's
    // requeue), so its renewals, which only move that moment later, need not wake it; and its
    // pods matter only once it is not Ready (MarkPodsNotReady) or has NoExecute taints
    // (evictions). Skipping those events keeps 5,000 renewing nodes from costing a sync each.
    keysFor(g, obj, cache) {
      const name = g === gvr.leases ? (obj.metadata.namespace === leaseNamespace ? obj.metadata.name : undefined) : (obj.spec as { nodeName?: string } | undefined)?.nodeName;
      if (!name) return [];
      const node = cache.informer(gvr.nodes).get(name);
      if (node && readyStatus(node) === 'True' && (g === gvr.leases || noExecuteTaints(node).length === 0)) return [];
      return [name];
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
