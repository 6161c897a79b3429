// Pod predicates the workload controllers share (upstream pkg/api/v1/pod and
// pkg/controller/controller_utils.go): readiness, availability after minReadySeconds,
// "active" (not terminal, not being deleted), restart counts and the deletion-cost annotation.
import { isPlainObject, type KubeObject } from '../../machinery/types.js';
import { num, parseTime, rec, recs, specOf, statusOf, str } from './meta.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

export function podPhase(pod: KubeObject): string {
  return str(statusOf(pod).phase) ?? '';
}

export function nodeNameOf(pod: KubeObject): string {
  return str(specOf(pod).nodeName) ?? '';
}

function readyCondition(pod: KubeObject): Record<string, unknown> | undefined {
  // Read for every pod of a ReplicaSet on each of its syncs: a plain scan, no copies.
  const conditions = statusOf(pod).conditions;
  if (!Array.isArray(conditions)) return undefined;
  for (const c of conditions) if (isPlainObject(c) && c.type === 'Ready') return c;
  return undefined;
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (ms), or undefined when not ready or unknown. */
export function podReadyTime(pod: KubeObject): number | undefined {
  const c = readyCondition(pod);
  return c?.status === 'True' ? parseTime(c.lastTransitionTime) : undefined;
}

/**
 * podutil.IsPodAvailable: ready, and (with minReadySeconds) ready since strictly before
 * now - minReadySeconds.
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const t = podReadyTime(pod);
  return t !== undefined && t + minReadySeconds * 1000 < now;
}

/**
 * Milliseconds until a ready-but-not-yet-available pod becomes available, or undefined
 * when that is not pending (not ready, already available, or no minReadySeconds).
 */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds === 0 || !isPodReady(pod) || isPodAvailable(pod, minReadySeconds, now)) return undefined;
  const t = podReadyTime(pod);
  return t === undefined ? undefined : Math.max(0, t + minReadySeconds * 1000 - now);
}

/** controller.IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function filterActivePods(pods: readonly KubeObject[]): KubeObject[] {
  return pods.filter(isPodActive);
}

/**
 * The highest restart count among regular containers, then among restartable (sidecar) init
 * containers — upstream compares the first, then the second.
 */
export function maxContainerRestarts(pod: KubeObject): { regular: number; sidecar: number } {
  let regular = 0;
  for (const c of recs(statusOf(pod).containerStatuses)) regular = Math.max(regular, num(c.restartCount) ?? 0);
  const sidecars = new Set(recs(specOf(pod).initContainers).filter((c) => c.restartPolicy === 'Always').map((c) => str(c.name)));
  let sidecar = 0;
  for (const c of recs(statusOf(pod).initContainerStatuses)) {
    if (sidecars.has(str(c.name))) sidecar = Math.max(sidecar, num(c.restartCount) ?? 0);
  }
  return { regular, sidecar };
}

/** helper.GetDeletionCostFromPodAnnotations: an int32, 0 when absent or invalid. */
export function podDeletionCost(pod: KubeObject): number {
  const v = rec(pod.metadata.annotations)?.[POD_DELETION_COST_ANNOTATION];
  if (typeof v !== 'string' || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number.parseInt(v, 10);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}
