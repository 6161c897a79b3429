// The Job controller's decision (upstream pkg/controller/job/job_controller.go syncJob):
// claim pods, count finished ones through the tracking finalizer, decide whether the Job
// failed (pod failure policy, backoffLimit, activeDeadlineSeconds) or succeeded
// (completions, success policy), run or remove pods, and write the status with the 1.31+
// condition sequence: FailureTarget → Failed, SuccessCriteriaMet → Complete, the terminal
// one only once no pod is uncounted or terminating.
//
// Output order: claim patches, the status update (with the Events upstream records after
// it), tracking-finalizer removals, pod deletes or creates, and a requeue. The status comes
// before pod writes so that a create that keeps failing (quota) does not also hold back the
// counting of finished pods; the observed state is assumed fresh (no expectations).
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type EventDescriptor, POD, type PatchAction, eventFor, refOf } from '../shared/actions.js';
import { type Obj, clone, int, metaTime, num, parseTime, rec, recs, specOf, statusOf } from '../shared/meta.js';
import { claimObjects, getControllerOf } from '../shared/ownerRefs.js';
import { filterActivePods, isPodReady } from '../shared/pods.js';
import { selectorOf } from '../shared/selectors.js';
import { type BackoffOptions, backoffRecordOf } from './backoff.js';
import { type Interval, parseIndexes, totalIndexes, withIndexes } from './indexes.js';
import {
  type JobCondition, MESSAGE_BACKOFF_LIMIT_EXCEEDED, MESSAGE_COMPLETIONS_REACHED, MESSAGE_DEADLINE_EXCEEDED, REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED, REASON_DEADLINE_EXCEEDED, REASON_POD_FAILURE_POLICY, REASON_SUCCESS_POLICY, ensureJobCondition,
  findTrueCondition, jobConditions, newCondition,
} from './jobConditions.js';
import {
  JOB, JOB_TRACKING_FINALIZER, backoffLimitOf, completionIndexOf, completionsOf, hasJobTrackingFinalizer, isIndexedJob, isJobFinished,
  isPodFailed, isPodTerminating, jobSuspended, managedByExternalController, podFailurePolicyOf, podPhaseOf, unknownCompletionIndex,
} from './jobMeta.js';
import { manageJob } from './manage.js';
import { matchPodFailurePolicy } from './podFailurePolicy.js';
import { matchSuccessPolicy } from './successPolicy.js';
import { removeTrackingFinalizerPatch, trackJobStatus, uncountedOf } from './tracking.js';

export interface JobObserved {
  job: KubeObject;
  /** Every pod in the Job's namespace (owned pods that stopped matching get released). */
  pods: readonly KubeObject[];
}

export type JobDecideOptions = BackoffOptions;

/** The adoption patch of ClaimPods for Jobs also adds the tracking finalizer. */
function withTrackingFinalizer(p: PatchAction): PatchAction {
  const meta = rec(rec(p.patch)?.metadata);
  const adopting = recs(meta?.ownerReferences).some((r) => r.controller === true);
  if (!meta || !adopting) return p;
  return { ...p, patch: { metadata: { ...meta, finalizers: [JOB_TRACKING_FINALIZER] } } };
}

/** pastBackoffLimitOnFailure: restartPolicy OnFailure counts container restarts of live pods. */
function pastBackoffLimitOnFailure(job: KubeObject, pods: readonly KubeObject[]): boolean {
  if (rec(rec(specOf(job).template)?.spec)?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = podPhaseOf(p);
    if (phase !== 'Running' && phase !== 'Pending') continue;
    const st = statusOf(p);
    for (const c of [...recs(st.initContainerStatuses), ...recs(st.containerStatuses)]) restarts += num(c.restartCount) ?? 0;
  }
  const limit = backoffLimitOf(job);
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** Pods with the finalizer, not yet uncounted, with a valid index for Indexed Jobs. */
function newFinishedPods(job: KubeObject, pods: readonly KubeObject[], uncounted: ReadonlySet<string>, pick: (p: KubeObject) => boolean): KubeObject[] {
  const completions = completionsOf(job) ?? 0;
  return pods.filter((p) => {
    if (!hasJobTrackingFinalizer(p) || uncounted.has(p.metadata.uid ?? '')) return false;
    if (isIndexedJob(job)) {
      const ix = completionIndexOf(p);
      if (ix === unknownCompletionIndex || ix >= completions) return false;
    }
    return pick(p);
  });
}

/** calculateSucceededIndexes: status.completedIndexes plus succeeded pods still tracked. */
function succeededIndexesOf(job: KubeObject, pods: readonly KubeObject[]): [Interval[], Interval[]] {
  const completions = completionsOf(job) ?? 0;
  const prev = parseIndexes(typeof statusOf(job).completedIndexes === 'string' ? (statusOf(job).completedIndexes as string) : '', completions);
  const fresh = new Set<number>();
  for (const p of pods) {
    const ix = completionIndexOf(p);
    if (podPhaseOf(p) === 'Succeeded' && ix !== unknownCompletionIndex && ix < completions && hasJobTrackingFinalizer(p)) fresh.add(ix);
  }
  return [prev, withIndexes(prev, [...fresh].sort((a, b) => a - b))];
}

/** Finished Jobs: pods still holding the finalizer lose it (upstream's orphan-pod cleanup). */
function finishedJobCleanup(job: KubeObject, pods: readonly KubeObject[]): Action[] {
  return pods
    .filter((p) => p.metadata.namespace === job.metadata.namespace && getControllerOf(p)?.uid === job.metadata.uid && hasJobTrackingFinalizer(p))
    .map(removeTrackingFinalizerPatch);
}

/** The status as the API shows it: zero counters and empty strings are omitted. */
function normalizeStatus(status: Obj): Obj {
  for (const key of ['active', 'succeeded', 'failed']) if (num(status[key]) === 0) delete status[key];
  if (status.completedIndexes === '') delete status.completedIndexes;
  if (Array.isArray(status.conditions) && status.conditions.length === 0) delete status.conditions;
  return status;
}

export function decideJob(observed: JobObserved, now: number, opts: JobDecideOptions = {}): Action[] {
  const job = observed.job;
  if (managedByExternalController(job) !== undefined) return [];
  if (isJobFinished(job)) return finishedJobCleanup(job, observed.pods);
  const spec = specOf(job);
  if (spec.completionMode !== undefined && spec.completionMode !== 'NonIndexed' && spec.completionMode !== 'Indexed') {
    return [{ kind: 'event', event: eventFor(job, JOB, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown') }];
  }
  const selector = selectorOf(spec.selector);
  if (!selector) return [];

  const nsPods = observed.pods.filter((p) => p.metadata.namespace === job.metadata.namespace);
  const claim = claimObjects(job, JOB, nsPods, POD, (p) => selector.matches(p.metadata.labels ?? {}));
  const actions: Action[] = claim.patches.map(withTrackingFinalizer);
  // Adopted pods get the finalizer from the patch; count them as if they had it already.
  const pods = claim.claimed.map((p) => {
    if (getControllerOf(p)?.uid === job.metadata.uid || hasJobTrackingFinalizer(p)) return p;
    const copy = clone(p);
    copy.metadata.finalizers = [...(p.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
    return copy;
  });

  const status = clone(statusOf(job));
  let conditions = jobConditions(job);
  const observedUncounted = uncountedOf(status);
  const uncountedSets = { succeeded: new Set(observedUncounted.succeeded), failed: new Set(observedUncounted.failed) };
  const activePods = filterActivePods(pods);
  let ready = activePods.filter(isPodReady).length;
  let terminating = pods.filter(isPodTerminating).length;
  let active = activePods.length;
  const policy = podFailurePolicyOf(job);
  const newSucceeded = newFinishedPods(job, pods, uncountedSets.succeeded, (p) => podPhaseOf(p) === 'Succeeded');
  const newFailed = newFinishedPods(job, pods, uncountedSets.failed, (p) => isPodFailed(p, job));
  let succeeded = int(status, 'succeeded') + newSucceeded.length + uncountedSets.succeeded.size;
  const failed = int(status, 'failed') + newFailed.filter((p) => matchPodFailurePolicy(policy, p).countFailed).length + uncountedSets.failed.size;

  const suspended = jobSuspended(job);
  const startTimeBefore = status.startTime;
  if (status.startTime === undefined && !suspended) status.startTime = metaTime(now);
  const backoff = backoffRecordOf(job, pods);
  let requeueAfterMs: number | undefined;
  const requeue = (ms: number): void => {
    requeueAfterMs = requeueAfterMs === undefined ? ms : Math.min(requeueAfterMs, ms);
  };

  // The terminal decision, in upstream's order of precedence.
  let finishedCondition: JobCondition | undefined;
  const successCriteriaMet = findTrueCondition(conditions, 'SuccessCriteriaMet');
  if (successCriteriaMet) {
    finishedCondition = newCondition('SuccessCriteriaMet', 'True', String(successCriteriaMet.reason ?? ''), String(successCriteriaMet.message ?? ''), now);
  } else {
    const failureTarget = findTrueCondition(conditions, 'FailureTarget');
    if (failureTarget) {
      finishedCondition = newCondition('Failed', 'True', String(failureTarget.reason ?? ''), String(failureTarget.message ?? ''), now);
    } else if (policy) {
      const msg = pods.filter((p) => isPodFailed(p, job)).map((p) => matchPodFailurePolicy(policy, p).failJobMessage).find((m) => m !== undefined);
      if (msg !== undefined) finishedCondition = newCondition('FailureTarget', 'True', REASON_POD_FAILURE_POLICY, msg, now);
    }
  }
  const startTime = parseTime(status.startTime);
  const ads = num(spec.activeDeadlineSeconds);
  if (!finishedCondition) {
    if (failed > backoffLimitOf(job) || pastBackoffLimitOnFailure(job, pods)) {
      finishedCondition = newCondition('FailureTarget', 'True', REASON_BACKOFF_LIMIT_EXCEEDED, MESSAGE_BACKOFF_LIMIT_EXCEEDED, now);
    } else if (ads !== undefined && startTime !== undefined && !suspended && now - startTime >= ads * 1000) {
      finishedCondition = newCondition('FailureTarget', 'True', REASON_DEADLINE_EXCEEDED, MESSAGE_DEADLINE_EXCEEDED, now);
    } else if (ads !== undefined && startTime !== undefined && !suspended) {
      requeue(ads * 1000 - (now - startTime));
    }
  }

  let prevSucceededIndexes: Interval[] = [];
  let succeededIndexes: Interval[] = [];
  if (isIndexedJob(job)) {
    [prevSucceededIndexes, succeededIndexes] = succeededIndexesOf(job, pods);
    succeeded = totalIndexes(succeededIndexes);
    if (!finishedCondition) {
      const msg = matchSuccessPolicy(rec(spec.successPolicy), completionsOf(job) ?? 0, succeededIndexes);
      if (msg !== undefined) finishedCondition = newCondition('SuccessCriteriaMet', 'True', REASON_SUCCESS_POLICY, msg, now);
    }
  }

  const podActions: Action[] = [];
  const events: EventDescriptor[] = [];
  let suspendChanged = false;
  if (finishedCondition) {
    // deleteActivePods: plain deletes; the finalizers go through tracking below.
    for (const pod of activePods) {
      podActions.push({
        kind: 'delete',
        ref: refOf(pod, POD),
        tolerate: ['NotFound'],
        onSuccess: [eventFor(job, JOB, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`)],
        onFailure: [eventFor(job, JOB, 'Warning', 'FailedDelete', 'Error deleting: {{error}}')],
      });
    }
    terminating += active;
    ready -= activePods.filter(isPodReady).length;
    active = 0;
  } else {
    let managed = false;
    if (!job.metadata.deletionTimestamp) {
      const m = manageJob({ job, pods, activePods, succeeded, succeededIndexes, terminating, backoff, backoffOptions: opts, now });
      active = m.active;
      terminating += m.removed;
      ready -= m.removedReady;
      podActions.push(...m.actions);
      if (m.requeueAfterMs !== undefined) requeue(m.requeueAfterMs);
      managed = true;
    }
    const completions = completionsOf(job);
    const complete = completions === undefined ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0;
    if (complete) {
      finishedCondition = newCondition('SuccessCriteriaMet', 'True', REASON_COMPLETIONS_REACHED, MESSAGE_COMPLETIONS_REACHED, now);
    } else if (managed) {
      if (suspended) {
        [conditions, suspendChanged] = ensureJobCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        if (suspendChanged) events.push(eventFor(job, JOB, 'Normal', 'Suspended', 'Job suspended'));
      } else {
        [conditions, suspendChanged] = ensureJobCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
        if (suspendChanged) {
          events.push(eventFor(job, JOB, 'Normal', 'Resumed', 'Job resumed'));
          // activeDeadlineSeconds counts continuous activity: resuming restarts the clock.
          status.startTime = metaTime(now);
        }
      }
    }
  }

  const needsStatusUpdate = suspendChanged || active !== int(status, 'active') || num(status.ready) !== ready || num(status.terminating) !== terminating;
  status.active = active;
  status.ready = ready;
  status.terminating = terminating;
  const tracked = trackJobStatus({
    job, pods, status, conditions, observedUncounted: uncountedSets, prevSucceededIndexes, succeededIndexes,
    terminating, needsFlush: needsStatusUpdate || status.startTime !== startTimeBefore, now,
    ...(finishedCondition ? { finishedCondition } : {}),
  });
  status.conditions = tracked.conditions;
  const out: Action[] = [...actions];
  if (tracked.write) {
    if (tracked.finished?.type === 'Complete') {
      const completions = completionsOf(job);
      if (completions !== undefined && int(status, 'succeeded') > completions) {
        events.push(eventFor(job, JOB, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached'));
      }
      events.push(eventFor(job, JOB, 'Normal', 'Completed', 'Job completed'));
    } else if (tracked.finished) {
      events.push(eventFor(job, JOB, 'Warning', tracked.finished.reason ?? '', tracked.finished.message ?? ''));
    }
    const object: KubeObject = { ...clone(job), apiVersion: JOB.apiVersion, kind: JOB.kind, status: normalizeStatus(status) };
    out.push({ kind: 'updateStatus', object, ...(events.length ? { onSuccess: events } : {}) });
  } else {
    for (const e of events) out.push({ kind: 'event', event: e });
  }
  out.push(...tracked.finalizerPatches, ...podActions);
  if (requeueAfterMs !== undefined) out.push({ kind: 'requeueAfter', ms: requeueAfterMs });
  return out;
}
