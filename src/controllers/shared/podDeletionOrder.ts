// Which pods a controller deletes first when scaling down: upstream
// controller.ActivePodsWithRanks.Less with PodDeletionCost and LogarithmicScaleDown on (both
// default since 1.22, GA by 1.31), ranked by replica_set.go's
// getPodsRankedByRelatedPodsOnSameNode. Earlier in the order = deleted first:
//   1. unscheduled < scheduled
//   2. Pending < Unknown < Running (other phases sort with Pending)
//   3. not ready < ready
//   4. lower pod-deletion-cost < higher
//   5. more related active pods on the same node < fewer ("doubled up" first)
//   6. both ready: ready more recently < longer (timestamps bucketed by log2 of their age;
//      equal buckets fall back to UID order)
//   7. more restarts < fewer (regular containers, then sidecars)
//   8. created more recently < earlier (same log2 bucketing); a missing time sorts first
import type { KubeObject } from '../../machinery/types.js';
import { parseTime } from './meta.js';
import { isPodActive, isPodReady, maxContainerRestarts, nodeNameOf, podDeletionCost, podPhase, podReadyTime } from './pods.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** afterOrZero: t1 is after t2, a zero (missing) time counting as after any other. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** floor(log2(age in ns)) of t1 minus that of t2; -1 for a non-positive age. */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number): number => {
    const ns = (now - t) * 1e6;
    return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
  };
  return rank(t1) - rank(t2);
}

interface Ranked {
  pod: KubeObject;
  rank: number;
}

function uidLess(a: KubeObject, b: KubeObject): boolean {
  return (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
}

/** The comparison: true when `a` should be deleted before `b`. */
function less(a: Ranked, b: Ranked, now: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = nodeNameOf(pa);
  const nb = nodeNameOf(pb);
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const oa = phaseOrdinal[podPhase(pa)] ?? 0;
  const ob = phaseOrdinal[podPhase(pb)] ?? 0;
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  const ca = podDeletionCost(pa);
  const cb = podDeletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const ta = podReadyTime(pa);
    const tb = podReadyTime(pb);
    if (ta !== tb) {
      if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
      const diff = logarithmicRankDiff(ta, tb, now);
      return diff === 0 ? uidLess(pa, pb) : diff < 0;
    }
  }
  const xa = maxContainerRestarts(pa);
  const xb = maxContainerRestarts(pb);
  if (xa.regular !== xb.regular) return xa.regular > xb.regular;
  if (xa.sidecar !== xb.sidecar) return xa.sidecar > xb.sidecar;
  const ka = parseTime(pa.metadata.creationTimestamp);
  const kb = parseTime(pb.metadata.creationTimestamp);
  if (ka !== kb) {
    if (ka === undefined || kb === undefined) return afterOrZero(ka, kb);
    const diff = logarithmicRankDiff(ka, kb, now);
    return diff === 0 ? uidLess(pa, pb) : diff < 0;
  }
  return false;
}

/**
 * `pods` sorted so the ones to delete first come first. Each pod's rank is the number of
 * active pods in `related` (pods of every ReplicaSet under the same controller) on its node.
 */
export function sortPodsForDeletion(pods: readonly KubeObject[], related: readonly KubeObject[], now: number): KubeObject[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const n = nodeNameOf(p);
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked: Ranked[] = pods.map((pod) => ({ pod, rank: onNode.get(nodeNameOf(pod)) ?? 0 }));
  ranked.sort((a, b) => (less(a, b, now) ? -1 : less(b, a, now) ? 1 : 0));
  return ranked.map((r) => r.pod);
}

/** replica_set.go getPodsToDelete: the first `diff` pods in deletion order (no sort when all go). */
export function podsToDelete(pods: readonly KubeObject[], related: readonly KubeObject[], diff: number, now: number): KubeObject[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  return sortPodsForDeletion(pods, related, now).slice(0, diff);
}
