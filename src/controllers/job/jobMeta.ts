// Names and small readers the Job controller shares across its files (upstream
// k8s.io/api/batch/v1 constants and job_controller.go / utils.go predicates).
import type { KubeObject } from '../../machinery/types.js';
import type { Gvk } from '../shared/actions.js';
import { type Obj, num, rec, recs, specOf, statusOf, str } from '../shared/meta.js';

export const JOB: Gvk = { apiVersion: 'batch/v1', kind: 'Job' };

/** batch.JobTrackingFinalizer: a pod keeps it until the Job status has counted it. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** batch.JobCompletionIndexAnnotation (also the label key since PodIndexLabel went GA in 1.32). */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** spec.managedBy value that means "this controller". */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

export const unknownCompletionIndex = -1;

export function isIndexedJob(job: KubeObject): boolean {
  return specOf(job).completionMode === 'Indexed';
}

export function jobSuspended(job: KubeObject): boolean {
  return specOf(job).suspend === true;
}

/** spec.completions, or undefined for work-queue Jobs (nil completions). */
export function completionsOf(job: KubeObject): number | undefined {
  return num(specOf(job).completions);
}

export function parallelismOf(job: KubeObject): number {
  return num(specOf(job).parallelism) ?? 1;
}

export function backoffLimitOf(job: KubeObject): number {
  return num(specOf(job).backoffLimit) ?? 6;
}

export function podFailurePolicyOf(job: KubeObject): Obj | undefined {
  return rec(specOf(job).podFailurePolicy);
}

/** onlyReplaceFailedPods: podReplacementPolicy Failed, or any pod failure policy. */
export function onlyReplaceFailedPods(job: KubeObject): boolean {
  const spec = specOf(job);
  return spec.podReplacementPolicy === 'Failed' || rec(spec.podFailurePolicy) !== undefined;
}

export function hasJobTrackingFinalizer(pod: KubeObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/** getCompletionIndex: a non-negative decimal annotation, else -1. */
export function completionIndexOf(pod: KubeObject): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return unknownCompletionIndex;
  const i = Number.parseInt(v, 10);
  return i < 0 || !Number.isSafeInteger(i) ? unknownCompletionIndex : i;
}

export function podPhaseOf(pod: KubeObject): string {
  return str(statusOf(pod).phase) ?? '';
}

/**
 * isPodFailed: phase Failed, or (unless only failed pods are replaced) being deleted without
 * having succeeded — orphaned pods may never reach the Failed phase.
 */
export function isPodFailed(pod: KubeObject, job: KubeObject): boolean {
  const phase = podPhaseOf(pod);
  if (phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Succeeded';
}

/** controller.FilterTerminatingPods: being deleted and not yet terminal. */
export function isPodTerminating(pod: KubeObject): boolean {
  const phase = podPhaseOf(pod);
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Failed' && phase !== 'Succeeded';
}

/** The Job's finished condition type (util.FinishedCondition), if any. */
export function finishedConditionType(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of recs(statusOf(job).conditions)) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export function isJobFinished(job: KubeObject): boolean {
  return finishedConditionType(job) !== undefined;
}

/** managedByExternalController: spec.managedBy naming another controller. */
export function managedByExternalController(job: KubeObject): string | undefined {
  const by = str(specOf(job).managedBy);
  return by !== undefined && by !== JOB_CONTROLLER_NAME ? by : undefined;
}
