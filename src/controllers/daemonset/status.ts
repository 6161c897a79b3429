// DaemonSet status (upstream daemon_controller.go updateDaemonSetStatus and
// storeDaemonSetStatus): per node that should run the daemon, the oldest of its pods
// (scheduled first, then by creation time and name) decides ready/available/updated.
import type { KubeObject } from '../../machinery/types.js';
import { compareByCreation, int, num, specOf, statusOf } from '../shared/meta.js';
import { isPodAvailable, isPodReady, nodeNameOf } from '../shared/pods.js';
import { nodeShouldRunDaemonPod } from './nodeEligibility.js';
import { isPodUpdated } from './podTemplate.js';

export interface DaemonSetCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name. */
export function byCreationAndPhase(a: KubeObject, b: KubeObject): number {
  const sa = nodeNameOf(a) !== '';
  const sb = nodeNameOf(b) !== '';
  if (sa !== sb) return sa ? -1 : 1;
  return compareByCreation(a, b);
}

export function countDaemonPods(
  ds: KubeObject,
  nodes: readonly KubeObject[],
  nodeToPods: ReadonlyMap<string, readonly KubeObject[]>,
  hash: string,
  generation: string | undefined,
  now: number,
): DaemonSetCounts {
  const minReady = int(specOf(ds), 'minReadySeconds');
  const c: DaemonSetCounts = {
    desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0,
    updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0,
  };
  for (const node of nodes) {
    const pods = nodeToPods.get(node.metadata.name ?? '') ?? [];
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!scheduled) continue;
    c.currentNumberScheduled++;
    const pod = [...pods].sort(byCreationAndPhase)[0];
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, minReady, now)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, generation)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/** storeDaemonSetStatus's short-cut: nothing to write when the counts match and generation was seen. */
export function daemonSetStatusUnchanged(ds: KubeObject, c: DaemonSetCounts): boolean {
  const s = statusOf(ds);
  return (Object.keys(c) as (keyof DaemonSetCounts)[]).every((k) => int(s, k) === c[k]) &&
    int(s, 'observedGeneration') >= (num(ds.metadata.generation) ?? 0);
}

/**
 * The stored status with the counts and observedGeneration; the `omitempty` counts
 * (updated, available, unavailable) are left out at zero as Go's encoder does.
 */
export function daemonSetStatus(ds: KubeObject, c: DaemonSetCounts): Record<string, unknown> {
  const status: Record<string, unknown> = { ...statusOf(ds), ...c };
  const generation = num(ds.metadata.generation);
  if (generation) status.observedGeneration = generation;
  for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const) if (c[k] === 0) delete status[k];
  return status;
}
