// Node health as the node lifecycle controller judges it (node_lifecycle_controller.go
// tryUpdateNodeHealth and the zone bookkeeping of handleDisruption):
// - the probe time is the later of the Lease's renewTime and the Ready condition's
//   lastHeartbeatTime; a node that never posted a Ready condition is measured from its
//   creation with the startup grace period (60 s) instead of the monitor grace (40 s);
// - once probe + grace is strictly before now, Ready, MemoryPressure, DiskPressure and
//   PIDPressure become Unknown: reason NodeStatusUnknown, "Kubelet stopped posting node
//   status." (NodeStatusNeverUpdated / "Kubelet never posted node status." for a condition
//   that never existed), lastTransitionTime now, lastHeartbeatTime kept;
// - zones (topology.kubernetes.io/region + zone) are Normal, PartialDisruption (> 2 nodes and
//   ≥ 55 % not Ready) or FullDisruption (none Ready).
// Upstream measures the probe time on its own clock when it sees the Lease change; here the
// timestamps are read from the objects, which assumes the writers' clocks agree with ours
// (true in one process; otherwise keep clocks synced).
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, clone, metaTime, parseTime, rec, recs, str } from '../shared/meta.js';

export interface NodeLifecycleOptions {
  /** --node-monitor-grace-period (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period (default 60 s). */
  nodeStartupGracePeriodMs?: number;
  /** --node-monitor-period: how often a not-Ready node is looked at again (default 5 s). */
  nodeMonitorPeriodMs?: number;
  /** --node-eviction-rate: NoExecute taints added per second per healthy zone (default 0.1). */
  evictionLimiterQPS?: number;
  /** --secondary-node-eviction-rate, for large partially disrupted zones (default 0.01). */
  secondaryEvictionLimiterQPS?: number;
  /** --large-cluster-size-threshold (default 50). */
  largeClusterSizeThreshold?: number;
  /** --unhealthy-zone-threshold (default 0.55). */
  unhealthyZoneThreshold?: number;
}

export const defaults = {
  nodeMonitorGracePeriodMs: 40_000,
  nodeStartupGracePeriodMs: 60_000,
  nodeMonitorPeriodMs: 5_000,
  evictionLimiterQPS: 0.1,
  secondaryEvictionLimiterQPS: 0.01,
  largeClusterSizeThreshold: 50,
  unhealthyZoneThreshold: 0.55,
};

export type ConditionStatus = 'True' | 'False' | 'Unknown';
export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** The controller-managed conditions it turns Unknown (NetworkUnavailable is left alone). */
const monitoredConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface NodeHealth {
  /** The node's conditions after this pass (the node's own objects when unchanged: read-only). */
  conditions: Obj[];
  /** The conditions changed (a status update is due). */
  changed: boolean;
  /** Ready's status before and after this pass. */
  readyBefore: ConditionStatus;
  ready: ConditionStatus;
  /** When the node turns stale if nothing is heard from it (ms since the epoch). */
  staleAt?: number;
}

function statusOfCondition(c: Obj | undefined): ConditionStatus {
  const s = str(c?.status);
  return s === 'True' || s === 'False' ? s : 'Unknown';
}

export function readyStatus(node: KubeObject): ConditionStatus {
  return statusOfCondition(recs(rec(node.status)?.conditions).find((c) => c.type === 'Ready'));
}

/** The Lease's renewTime (ms), when it has one. */
export function leaseRenewTime(lease: KubeObject | undefined): number | undefined {
  return parseTime(rec(lease?.spec)?.renewTime);
}

export function evaluateHealth(node: KubeObject, lease: KubeObject | undefined, now: number, opts: NodeLifecycleOptions = {}): NodeHealth {
  // Read in place: this runs for every node once a second (zone summaries), and only a stale
  // node has its conditions changed, on a copy made below.
  const current = recs(rec(node.status)?.conditions);
  const ready = current.find((c) => c.type === 'Ready');
  const readyBefore = statusOfCondition(ready);
  let probe: number;
  let grace: number;
  if (!ready) {
    probe = parseTime(node.metadata.creationTimestamp) ?? now;
    grace = opts.nodeStartupGracePeriodMs ?? defaults.nodeStartupGracePeriodMs;
  } else {
    const heartbeat = parseTime(ready.lastHeartbeatTime);
    const renew = leaseRenewTime(lease);
    probe = Math.max(heartbeat ?? -Infinity, renew ?? -Infinity);
    if (!Number.isFinite(probe)) probe = parseTime(node.metadata.creationTimestamp) ?? now;
    grace = opts.nodeMonitorGracePeriodMs ?? defaults.nodeMonitorGracePeriodMs;
  }
  if (!(probe + grace < now)) return { conditions: current, changed: false, readyBefore, ready: readyBefore, staleAt: probe + grace + 1 };

  const conditions = current.map((c) => clone(c));

  let changed = false;
  for (const type of monitoredConditions) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type,
        status: 'Unknown',
        lastHeartbeatTime: node.metadata.creationTimestamp ?? null,
        lastTransitionTime: metaTime(now),
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = metaTime(now);
      changed = true;
    }
  }
  return { conditions, changed, readyBefore, ready: 'Unknown' };
}

/** utilnode.GetZoneKey: region and zone labels (the GA ones, else the beta ones). */
export function zoneKey(node: KubeObject): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

export interface ZoneSummary {
  key: string;
  state: ZoneState;
  size: number;
  notReady: number;
  /** Every zone of the cluster is fully disrupted ("master disruption mode"): no evictions at all. */
  allZonesFullyDisrupted: boolean;
  /** The newest not-ready/unreachable NoExecute taint in the zone (ms), for the eviction rate limit. */
  lastNoExecuteTaintAt?: number;
}

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/** ComputeZoneState. */
export function zoneState(ready: number, notReady: number, unhealthyThreshold = defaults.unhealthyZoneThreshold): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyThreshold) return 'PartialDisruption';
  return 'Normal';
}

/**
 * One pass over all nodes (with their Leases, by node name): each node's zone summary,
 * counted with the Ready status this pass would leave it in.
 */
export function summarizeZones(nodes: readonly KubeObject[], leases: ReadonlyMap<string, KubeObject>, now: number, opts: NodeLifecycleOptions = {}): Map<string, ZoneSummary> {
  const zones = new Map<string, { ready: number; notReady: number; last?: number; members: string[] }>();
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const h = evaluateHealth(node, leases.get(name), now, opts);
    const key = zoneKey(node);
    let z = zones.get(key);
    if (!z) zones.set(key, (z = { ready: 0, notReady: 0, members: [] }));
    if (h.ready === 'True') z.ready++;
    else z.notReady++;
    z.members.push(name);
    for (const t of recs(rec(node.spec)?.taints)) {
      if (t.effect !== 'NoExecute' || (t.key !== NOT_READY_TAINT && t.key !== UNREACHABLE_TAINT)) continue;
      const added = parseTime(t.timeAdded);
      if (added !== undefined && (z.last === undefined || added > z.last)) z.last = added;
    }
  }
  const threshold = opts.unhealthyZoneThreshold ?? defaults.unhealthyZoneThreshold;
  const states = new Map([...zones].map(([k, z]) => [k, zoneState(z.ready, z.notReady, threshold)]));
  const allFull = states.size > 0 && [...states.values()].every((s) => s === 'FullDisruption');
  const out = new Map<string, ZoneSummary>();
  for (const [key, z] of zones) {
    const summary: ZoneSummary = { key, state: states.get(key) ?? 'Normal', size: z.ready + z.notReady, notReady: z.notReady, allZonesFullyDisrupted: allFull };
    if (z.last !== undefined) summary.lastNoExecuteTaintAt = z.last;
    for (const m of z.members) out.set(m, summary);
  }
  return out;
}
