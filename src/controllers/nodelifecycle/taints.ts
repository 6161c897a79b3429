// The taints the node lifecycle controller owns (doNoScheduleTaintingPass and
// doNoExecuteTaintingPass):
// - NoSchedule, from conditions: Ready False → node.kubernetes.io/not-ready, Ready Unknown →
//   node.kubernetes.io/unreachable, MemoryPressure/DiskPressure/PIDPressure True →
//   memory-/disk-/pid-pressure, NetworkUnavailable True → network-unavailable; and
//   spec.unschedulable → node.kubernetes.io/unschedulable. Added and removed at once.
// - NoExecute: not-ready / unreachable the same way, but new ones only at the zone's eviction
//   rate (one node per 1/qps seconds; none at all in a small partially disrupted zone or when
//   every zone is fully disrupted); a swap between the two happens at once; both go when
//   the node is Ready again (and everywhere in "master disruption mode").
// Added taints carry timeAdded (SwapNodeControllerTaint stamps every added taint).
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, metaTime, rec, recs, str } from '../shared/meta.js';
import { type ConditionStatus, defaults, type NodeLifecycleOptions, NOT_READY_TAINT, UNREACHABLE_TAINT, type ZoneSummary } from './health.js';

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** nodeConditionToTaintKeyStatusMap. */
const conditionTaints: Record<string, Partial<Record<ConditionStatus, string>>> = {
  Ready: { False: NOT_READY_TAINT, Unknown: UNREACHABLE_TAINT },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

const managedNoScheduleKeys = new Set([UNSCHEDULABLE_TAINT, ...Object.values(conditionTaints).flatMap((m) => Object.values(m))]);

const sameTaint = (a: Obj, key: string, effect: string): boolean => a.key === key && a.effect === effect;

export interface TaintPlan {
  taints: Obj[];
  changed: boolean;
  /** A NoExecute taint is due but held back by the zone's rate: look again after this long. */
  retryInMs?: number;
}

export function planTaints(node: KubeObject, conditions: readonly Obj[], ready: ConditionStatus, zone: ZoneSummary | undefined, now: number, opts: NodeLifecycleOptions = {}): TaintPlan {
  const current = recs(rec(node.spec)?.taints);
  const wanted = new Set<string>();
  for (const c of conditions) {
    const key = conditionTaints[str(c.type) ?? '']?.[str(c.status) as ConditionStatus];
    if (key) wanted.add(key);
  }
  if (rec(node.spec)?.unschedulable === true) wanted.add(UNSCHEDULABLE_TAINT);

  let changed = false;
  const next: Obj[] = [];
  for (const t of current) {
    if (t.effect === 'NoSchedule' && managedNoScheduleKeys.has(str(t.key) ?? '') && !wanted.has(str(t.key) ?? '')) {
      changed = true;
      continue;
    }
    next.push(t);
  }
  for (const key of wanted) {
    if (next.some((t) => sameTaint(t, key, 'NoSchedule'))) continue;
    next.push({ key, effect: 'NoSchedule', timeAdded: metaTime(now) });
    changed = true;
  }

  let retryInMs: number | undefined;
  const want = ready === 'False' ? NOT_READY_TAINT : ready === 'Unknown' ? UNREACHABLE_TAINT : undefined;
  const other = want === NOT_READY_TAINT ? UNREACHABLE_TAINT : NOT_READY_TAINT;
  const removeNoExecute = (key: string): boolean => {
    const i = next.findIndex((t) => sameTaint(t, key, 'NoExecute'));
    if (i < 0) return false;
    next.splice(i, 1);
    return true;
  };
  if (zone?.allZonesFullyDisrupted || want === undefined) {
    // markNodeAsReachable (Ready again, or every zone down: assume the control plane is cut off).
    if (removeNoExecute(NOT_READY_TAINT)) changed = true;
    if (removeNoExecute(UNREACHABLE_TAINT)) changed = true;
  } else if (!next.some((t) => sameTaint(t, want, 'NoExecute'))) {
    if (removeNoExecute(other)) {
      next.push({ key: want, effect: 'NoExecute', timeAdded: metaTime(now) });
      changed = true;
    } else {
      const qps = zoneQPS(zone, opts);
      if (qps > 0) {
        const interval = 1000 / qps;
        const last = zone?.lastNoExecuteTaintAt;
        if (last === undefined || now - last >= interval) {
          next.push({ key: want, effect: 'NoExecute', timeAdded: metaTime(now) });
          changed = true;
        } else retryInMs = Math.ceil(last + interval - now);
      }
    }
  }
  return { taints: next, changed, ...(retryInMs !== undefined ? { retryInMs } : {}) };
}

/** setLimiterInZone: the eviction rate for the zone's state. */
export function zoneQPS(zone: ZoneSummary | undefined, opts: NodeLifecycleOptions = {}): number {
  const normal = opts.evictionLimiterQPS ?? defaults.evictionLimiterQPS;
  if (!zone || zone.state === 'Normal' || zone.state === 'FullDisruption') return normal;
  const large = opts.largeClusterSizeThreshold ?? defaults.largeClusterSizeThreshold;
  return zone.size > large ? (opts.secondaryEvictionLimiterQPS ?? defaults.secondaryEvictionLimiterQPS) : 0;
}
