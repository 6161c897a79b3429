// Finalizer-based pod tracking (upstream trackJobStatusAndRemoveFinalizers and
// flushUncountedAndRemoveFinalizers): a finished pod's uid is first recorded in
// status.uncountedTerminatedPods, then its batch.kubernetes.io/job-tracking finalizer is
// removed, and once the finalizer is gone the uid moves into status.succeeded / failed.
//
// Upstream performs both status writes in one sync. A decision here yields one status write,
// so the move into the counters happens on the next sync (triggered by the pod update the
// finalizer removal causes); every state written is one upstream also writes.
import type { KubeObject } from '../../machinery/types.js';
import type { PatchAction } from '../shared/actions.js';
import { POD, refOf } from '../shared/actions.js';
import { type Obj, metaTime, num, rec } from '../shared/meta.js';
import { type Interval, formatIndexes, hasIndex, totalIndexes, withIndexes } from './indexes.js';
import { type JobCondition, findTrueCondition, newCondition } from './jobConditions.js';
import {
  JOB_TRACKING_FINALIZER, completionIndexOf, completionsOf, hasJobTrackingFinalizer, isIndexedJob, isPodFailed,
  podFailurePolicyOf, podPhaseOf, unknownCompletionIndex,
} from './jobMeta.js';
import { matchPodFailurePolicy } from './podFailurePolicy.js';

/** MaxUncountedPods: keeps the uid lists roughly under 20 KB. */
export const MAX_UNCOUNTED_PODS = 500;

export interface Uncounted {
  succeeded: string[];
  failed: string[];
}

export function uncountedOf(status: Obj): Uncounted {
  const u = rec(status.uncountedTerminatedPods) ?? {};
  const uids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { succeeded: uids(u.succeeded), failed: uids(u.failed) };
}

/** removeTrackingFinalizerPatch: the strategic patch upstream sends. */
export function removeTrackingFinalizerPatch(pod: KubeObject): PatchAction {
  return {
    kind: 'patch',
    ref: refOf(pod, POD),
    patchType: 'strategic',
    patch: { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } },
    tolerate: ['NotFound'],
  };
}

/**
 * cleanUncountedPodsWithoutFinalizers: uids whose pods no longer hold the finalizer (or are
 * gone) leave the uncounted lists and are added to the counters. Mutates; returns whether
 * anything changed.
 */
export function cleanUncounted(status: Obj, uncounted: Uncounted, withFinalizer: ReadonlySet<string>): boolean {
  let changed = false;
  const keepS = uncounted.succeeded.filter((u) => withFinalizer.has(u));
  if (keepS.length !== uncounted.succeeded.length) {
    status.succeeded = (num(status.succeeded) ?? 0) + uncounted.succeeded.length - keepS.length;
    uncounted.succeeded = keepS;
    changed = true;
  }
  const keepF = uncounted.failed.filter((u) => withFinalizer.has(u));
  if (keepF.length !== uncounted.failed.length) {
    status.failed = (num(status.failed) ?? 0) + uncounted.failed.length - keepF.length;
    uncounted.failed = keepF;
    changed = true;
  }
  return changed;
}

export interface TrackInput {
  job: KubeObject;
  pods: readonly KubeObject[];
  /** The working status (mutated). */
  status: Obj;
  conditions: Obj[];
  /** Uncounted uids as observed at the start of the sync. */
  observedUncounted: { succeeded: ReadonlySet<string>; failed: ReadonlySet<string> };
  prevSucceededIndexes: readonly Interval[];
  succeededIndexes: readonly Interval[];
  finishedCondition?: JobCondition;
  terminating: number;
  needsFlush: boolean;
  now: number;
}

export interface TrackResult {
  /** Write the status (it changed, or the Job finished). */
  write: boolean;
  finalizerPatches: PatchAction[];
  /** The terminal condition written this sync (Complete / Failed), if any. */
  finished?: JobCondition;
  conditions: Obj[];
}

/** canRemoveFinalizer (without backoffLimitPerIndex's delayed deletion). */
function canRemoveFinalizer(job: KubeObject, finishedCondition: JobCondition | undefined, pod: KubeObject, considerFailed: boolean): boolean {
  return Boolean(job.metadata.deletionTimestamp) || finishedCondition !== undefined || podPhaseOf(pod) === 'Succeeded' || considerFailed;
}

export function trackJobStatus(input: TrackInput): TrackResult {
  const { job, status, now } = input;
  const indexed = isIndexedJob(job);
  const completions = completionsOf(job) ?? 0;
  let needsFlush = input.needsFlush;
  let conditions = input.conditions;
  // Indexed Jobs introduce completed indexes in order.
  const pods = indexed ? [...input.pods].sort((a, b) => completionIndexOf(a) - completionIndexOf(b)) : input.pods;
  const withFinalizer = new Set<string>();
  for (const p of pods) if (hasJobTrackingFinalizer(p) && p.metadata.uid) withFinalizer.add(p.metadata.uid);

  const uncounted = uncountedOf(status);
  if (cleanUncounted(status, uncounted, withFinalizer)) needsFlush = true;

  const policy = podFailurePolicyOf(job);
  const toRemove: KubeObject[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMax = false;
  const finishing = input.finishedCondition !== undefined && input.finishedCondition.type !== 'SuccessCriteriaMet';
  for (const pod of pods) {
    if (!hasJobTrackingFinalizer(pod)) continue;
    const uid = pod.metadata.uid ?? '';
    const considerFailed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(job, input.finishedCondition, pod, considerFailed)) continue;
    toRemove.push(pod);
    if (podPhaseOf(pod) === 'Succeeded' && !input.observedUncounted.failed.has(uid)) {
      if (indexed) {
        const ix = completionIndexOf(pod);
        if (ix !== unknownCompletionIndex && ix < completions && !hasIndex(input.prevSucceededIndexes, ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!input.observedUncounted.succeeded.has(uid)) {
        uncounted.succeeded.push(uid);
        needsFlush = true;
      }
    } else if (considerFailed || finishing) {
      // When the Job is finishing, every pod not yet terminated counts as failed.
      const ix = completionIndexOf(pod);
      if (!input.observedUncounted.failed.has(uid) && (!indexed || (ix !== unknownCompletionIndex && ix < completions))) {
        if (matchPodFailurePolicy(policy, pod).countFailed) {
          uncounted.failed.push(uid);
          needsFlush = true;
        }
      }
    }
    if (newSucceededIndexes.length + uncounted.succeeded.length + uncounted.failed.length >= MAX_UNCOUNTED_PODS) {
      reachedMax = true;
      break;
    }
  }
  status.uncountedTerminatedPods = {
    ...(uncounted.succeeded.length ? { succeeded: uncounted.succeeded } : {}),
    ...(uncounted.failed.length ? { failed: uncounted.failed } : {}),
  };
  if (indexed) {
    const succeeded = withIndexes(input.succeededIndexes, [...new Set(newSucceededIndexes)].sort((a, b) => a - b));
    const s = formatIndexes(succeeded);
    if (s !== (status.completedIndexes ?? '')) needsFlush = true;
    status.succeeded = totalIndexes(succeeded);
    status.completedIndexes = s;
  }

  let finished = input.finishedCondition;
  if (finished?.type === 'FailureTarget') {
    // The interim FailureTarget is recorded before finalizers go; Failed follows.
    conditions = [...conditions, { ...finished }];
    needsFlush = true;
    finished = newCondition('Failed', 'True', finished.reason ?? '', finished.message ?? '', now);
  } else if (finished?.type === 'SuccessCriteriaMet') {
    if (!findTrueCondition(conditions, 'SuccessCriteriaMet')) {
      conditions = [...conditions, { ...finished }];
      needsFlush = true;
    }
    finished = newCondition('Complete', 'True', finished.reason ?? '', finished.message ?? '', now);
  }

  // enactJobFinished: only with nothing uncounted and no pod still terminating.
  let enacted: JobCondition | undefined;
  if (finished && !reachedMax && uncounted.succeeded.length + uncounted.failed.length === 0 && input.terminating === 0) {
    const i = conditions.findIndex((c) => c.type === finished.type);
    const existing = i >= 0 ? conditions[i] : undefined;
    if (!existing || existing.status !== finished.status || existing.reason !== finished.reason || existing.message !== finished.message) {
      const next = [...conditions];
      if (i >= 0) next[i] = { ...finished };
      else next.push({ ...finished });
      conditions = next;
    }
    if (finished.type === 'Complete') status.completionTime = metaTime(now);
    enacted = finished;
    needsFlush = true;
  }
  return { write: needsFlush, finalizerPatches: toRemove.map(removeTrackingFinalizerPatch), finished: enacted, conditions };
}
