// manageJob (upstream job_controller.go): how many pods should run — parallelism, never
// more than the completions still missing — and the deletes (too many, or suspended) or the
// creates (after the pod-failure back-off) that get there. Deletion takes precedence: a sync
// either deletes or creates.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type CreateAction, POD, eventFor, refOf } from '../shared/actions.js';
import { newControllerRef } from '../shared/ownerRefs.js';
import { isPodReady } from '../shared/pods.js';
import { activePodsForRemoval } from './activePods.js';
import { type BackoffOptions, type BackoffRecord, remainingBackoffMs } from './backoff.js';
import { type Interval, firstPendingIndexes, indexesOf, mergeIntervals, withIndexes } from './indexes.js';
import { JOB, completionsOf, isIndexedJob, isPodTerminating, jobSuspended, onlyReplaceFailedPods, parallelismOf } from './jobMeta.js';
import { jobPod, jobPodTemplate } from './podTemplate.js';
import { removeTrackingFinalizerPatch } from './tracking.js';

/** MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** syncJobBatchPeriod: the shortest delayed re-sync. */
export const SYNC_JOB_BATCH_PERIOD_MS = 1000;

export interface ManageInput {
  job: KubeObject;
  pods: readonly KubeObject[];
  activePods: readonly KubeObject[];
  succeeded: number;
  succeededIndexes: readonly Interval[];
  terminating: number;
  backoff: BackoffRecord;
  backoffOptions: BackoffOptions;
  now: number;
}

export interface ManageResult {
  active: number;
  /** Pods this sync removes (they count as terminating from now on). */
  removed: number;
  removedReady: number;
  actions: Action[];
  requeueAfterMs?: number;
}

/** slowStartBatch sizes: 1, 2, 4, … with the remainder last. */
export function slowStartBatches(count: number): number[] {
  const sizes: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, 1); size > 0; size = Math.min(2 * size, remaining)) {
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}

/** deleteJobPods: each pod loses the tracking finalizer (it will not be counted), then goes. */
function deleteJobPods(job: KubeObject, pods: readonly KubeObject[]): Action[] {
  const actions: Action[] = [];
  for (const pod of pods) {
    actions.push(removeTrackingFinalizerPatch(pod));
    actions.push({
      kind: 'delete',
      ref: refOf(pod, POD),
      tolerate: ['NotFound'],
      onSuccess: [eventFor(job, JOB, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`)],
      onFailure: [eventFor(job, JOB, 'Warning', 'FailedDelete', 'Error deleting: {{error}}')],
    });
  }
  return actions;
}

function removal(job: KubeObject, pods: readonly KubeObject[], active: number): ManageResult {
  return {
    active: active - pods.length,
    removed: pods.length,
    removedReady: pods.filter(isPodReady).length,
    actions: deleteJobPods(job, pods),
  };
}

export function manageJob(input: ManageInput): ManageResult {
  const { job, activePods } = input;
  const active = activePods.length;
  if (jobSuspended(job)) return removal(job, activePodsForRemoval(job, activePods, active), active);

  const parallelism = parallelismOf(job);
  const completions = completionsOf(job);
  let wantActive: number;
  if (completions === undefined) {
    // Work-queue Jobs: once any pod succeeded, whatever runs keeps running.
    wantActive = input.succeeded > 0 ? active : parallelism;
  } else {
    wantActive = Math.max(0, Math.min(completions - input.succeeded, parallelism));
  }
  const rmAtLeast = Math.max(0, active - wantActive);
  const toDelete = activePodsForRemoval(job, activePods, rmAtLeast).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (toDelete.length > 0) return removal(job, toDelete, active);

  const terminating = onlyReplaceFailedPods(job) ? input.terminating : 0;
  let diff = wantActive - terminating - active;
  if (diff <= 0) return { active, removed: 0, removedReady: 0, actions: [] };

  const remaining = remainingBackoffMs(input.backoff, input.now, input.backoffOptions);
  if (remaining > 0) {
    // Upstream returns 0 active pods from manageJob while creation waits for the back-off.
    return { active: 0, removed: 0, removedReady: 0, actions: [], requeueAfterMs: Math.max(remaining, SYNC_JOB_BATCH_PERIOD_MS) };
  }
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  const indexed = isIndexedJob(job);
  let indexes: number[] = [];
  if (indexed) {
    let nonPending = withIndexes(input.succeededIndexes, indexesOf(activePods));
    if (onlyReplaceFailedPods(job)) nonPending = mergeIntervals(nonPending, withIndexes([], indexesOf(input.pods.filter(isPodTerminating))));
    indexes = firstPendingIndexes(nonPending, diff, completions ?? 0);
    diff = indexes.length;
  }
  const template = jobPodTemplate(job, indexed);
  const ref = newControllerRef(job, JOB);
  const actions: CreateAction[] = [];
  let next = 0;
  slowStartBatches(diff).forEach((size, batch) => {
    for (let i = 0; i < size; i++) {
      const index = indexed ? indexes[next++] : undefined;
      actions.push({
        kind: 'create',
        object: jobPod(job, template, ref, index),
        batch,
        onSuccess: [eventFor(job, JOB, 'Normal', 'SuccessfulCreate', 'Created pod: {{name}}')],
        onFailure: [eventFor(job, JOB, 'Warning', 'FailedCreate', 'Error creating: {{error}}')],
      });
    }
  });
  return { active: active + diff, removed: 0, removedReady: 0, actions };
}
