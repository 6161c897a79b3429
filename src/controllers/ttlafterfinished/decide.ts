// The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): a Job with
// spec.ttlSecondsAfterFinished that finished (Complete or Failed condition True) is deleted
// once lastTransitionTime of that condition plus the TTL has passed — with Foreground
// propagation and a uid precondition, as upstream — and re-checked when it will expire.
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { deleteWithOptions } from '../shared/deleteOptions.js';
import { num, parseTime, recs, specOf, statusOf } from '../shared/meta.js';
import { JOB } from '../job/jobMeta.js';

export interface TTLObserved {
  job: KubeObject;
}

/** When the Job finished (jobFinishTime), or undefined when it has not (or says not when). */
export function jobFinishTime(job: KubeObject): number | undefined {
  for (const c of recs(statusOf(job).conditions)) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return parseTime(c.lastTransitionTime);
  }
  return undefined;
}

/** ms until the Job's TTL expires (≤ 0: expired), or undefined when it needs no cleanup. */
export function timeLeftMs(job: KubeObject, now: number): number | undefined {
  const ttl = num(specOf(job).ttlSecondsAfterFinished);
  if (ttl === undefined || job.metadata.deletionTimestamp) return undefined;
  const finishedAt = jobFinishTime(job);
  return finishedAt === undefined ? undefined : finishedAt + ttl * 1000 - now;
}

export function decideTTLAfterFinished(observed: TTLObserved, now: number): Action[] {
  const left = timeLeftMs(observed.job, now);
  if (left === undefined) return [];
  if (left > 0) return [{ kind: 'requeueAfter', ms: left }];
  return [deleteWithOptions(observed.job, JOB, { propagationPolicy: 'Foreground' }, { uidPrecondition: true })];
}
