// Pod-failure back-off of the Job controller (upstream backoff_utils.go): after N
// consecutive failures (no success finished after them) the next pod is created no sooner
// than 10 s · 2^(N-1) after the last failure, capped.
//
// Upstream keeps the failure count in an in-memory store fed by newly finished pods; a pure
// decision has no memory, so the same record is rebuilt from the Job's pods each sync: the
// failures finishing after the last success, and the latest failure time. That equals
// upstream's record as long as the finished pods still exist (they do until the Job goes).
import type { KubeObject } from '../../machinery/types.js';
import { num, parseTime, rec, recs, statusOf } from '../shared/meta.js';
import { isPodFailed, podPhaseOf } from './jobMeta.js';

/** DefaultJobPodFailureBackOff. */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
/**
 * The cap. The Job docs (and skiff's issue) say six minutes; the 1.33 controller's
 * MaxJobPodFailureBackOff is 10 minutes. Kept as an option; see BackoffOptions.
 */
export const MAX_POD_FAILURE_BACKOFF_MS = 360_000;

export interface BackoffOptions {
  defaultBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/**
 * getFinishedTime: the latest container finishedAt when every container terminated, else the
 * Ready=False transition, else deletionTimestamp − grace period, else creation.
 */
export function podFinishedTime(pod: KubeObject): number {
  const status = statusOf(pod);
  const containers = recs(status.containerStatuses);
  let fromContainers: number | undefined;
  let allFinished = containers.length > 0;
  for (const c of containers) {
    const finishedAt = parseTime(rec(rec(c.state)?.terminated)?.finishedAt);
    if (finishedAt === undefined) {
      allFinished = false;
      break;
    }
    fromContainers = Math.max(fromContainers ?? finishedAt, finishedAt);
  }
  if (allFinished && fromContainers !== undefined) return fromContainers;
  const ready = recs(status.conditions).find((c) => c.type === 'Ready');
  if (ready?.status === 'False') {
    const t = parseTime(ready.lastTransitionTime);
    if (t !== undefined) return t;
  }
  const deletedAt = parseTime(pod.metadata.deletionTimestamp);
  if (deletedAt !== undefined) return deletedAt - (num(pod.metadata.deletionGracePeriodSeconds) ?? 0) * 1000;
  return parseTime(pod.metadata.creationTimestamp) ?? 0;
}

/** The back-off record the Job's pods imply (see the header). */
export function backoffRecordOf(job: KubeObject, pods: readonly KubeObject[]): BackoffRecord {
  let lastSuccess: number | undefined;
  const failures: number[] = [];
  for (const p of pods) {
    if (podPhaseOf(p) === 'Succeeded') {
      const t = podFinishedTime(p);
      lastSuccess = lastSuccess === undefined ? t : Math.max(lastSuccess, t);
    } else if (isPodFailed(p, job)) {
      failures.push(podFinishedTime(p));
    }
  }
  const after = lastSuccess === undefined ? failures : failures.filter((t) => t > lastSuccess);
  if (after.length === 0) return { failuresAfterLastSuccess: 0 };
  return { failuresAfterLastSuccess: after.length, lastFailureTime: Math.max(...after) };
}

/** The back-off after `failures` consecutive failures (0 for none). */
export function backoffDelayMs(failures: number, opts: BackoffOptions = {}): number {
  if (failures <= 0) return 0;
  const max = opts.maxBackoffMs ?? MAX_POD_FAILURE_BACKOFF_MS;
  let d = opts.defaultBackoffMs ?? DEFAULT_POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < failures; i++) {
    d *= 2;
    if (d >= max) return max;
  }
  return d;
}

/** getRemainingTimeForFailuresCount: how long pod creation must still wait at `now`. */
export function remainingBackoffMs(record: BackoffRecord, now: number, opts: BackoffOptions = {}): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  const delay = backoffDelayMs(record.failuresAfterLastSuccess, opts);
  const elapsed = now - record.lastFailureTime;
  return delay < elapsed ? 0 : delay - elapsed;
}
