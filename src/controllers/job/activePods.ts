// Which active pods a Job removes first (upstream activePodsForRemoval with
// controller.ActivePods — the plain ordering, without the ranks and deletion cost the
// ReplicaSet controller uses): unscheduled < scheduled, Pending < Unknown < Running,
// not ready < ready, ready for less time < more, more restarts < fewer, newer < older.
import type { KubeObject } from '../../machinery/types.js';
import { parseTime } from '../shared/meta.js';
import { isPodReady, maxContainerRestarts, nodeNameOf, podPhase, podReadyTime } from '../shared/pods.js';
import { duplicatedIndexPods } from './indexes.js';
import { completionsOf, isIndexedJob } from './jobMeta.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** afterOrZero: a missing time counts as after any other. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

function less(a: KubeObject, b: KubeObject): boolean {
  const na = nodeNameOf(a);
  const nb = nodeNameOf(b);
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const oa = phaseOrdinal[podPhase(a)] ?? 0;
  const ob = phaseOrdinal[podPhase(b)] ?? 0;
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  if (ra && rb) {
    const ta = podReadyTime(a);
    const tb = podReadyTime(b);
    if (ta !== tb) return afterOrZero(ta, tb);
  }
  // maxContainerRestarts compares regular containers, then restartable init containers.
  const xa = maxContainerRestarts(a);
  const xb = maxContainerRestarts(b);
  if (xa.regular !== xb.regular) return xa.regular > xb.regular;
  if (xa.sidecar !== xb.sidecar) return xa.sidecar > xb.sidecar;
  const ca = parseTime(a.metadata.creationTimestamp);
  const cb = parseTime(b.metadata.creationTimestamp);
  if (ca !== cb) return afterOrZero(ca, cb);
  return false;
}

/** Comparator: pods to remove first sort first. */
export function activePodsOrder(a: KubeObject, b: KubeObject): number {
  return less(a, b) ? -1 : less(b, a) ? 1 : 0;
}

/**
 * activePodsForRemoval: for Indexed Jobs every pod with a duplicated, missing or
 * out-of-range index first; then, in ActivePods order, until `rmAtLeast` are chosen.
 */
export function activePodsForRemoval(job: KubeObject, pods: readonly KubeObject[], rmAtLeast: number): KubeObject[] {
  let rm: KubeObject[] = [];
  let left: readonly KubeObject[] = pods;
  if (isIndexedJob(job)) [rm, left] = duplicatedIndexPods(pods, completionsOf(job) ?? 0, activePodsOrder);
  if (rm.length < rmAtLeast) rm = [...rm, ...[...left].sort(activePodsOrder).slice(0, rmAtLeast - rm.length)];
  return rm;
}
