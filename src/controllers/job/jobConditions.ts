// Job status conditions as the Job controller writes them (newCondition,
// ensureJobConditionStatus): both probe and transition times are "now"; an existing
// condition whose status, reason or message differs is replaced whole; a False condition is
// never added where none existed. Reasons and messages are upstream's.
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, metaTime, recs, statusOf } from '../shared/meta.js';

export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: string;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export const REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
export const MESSAGE_BACKOFF_LIMIT_EXCEEDED = 'Job has reached the specified backoff limit';
export const REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
export const MESSAGE_DEADLINE_EXCEEDED = 'Job was active longer than specified deadline';
export const REASON_POD_FAILURE_POLICY = 'PodFailurePolicy';
export const REASON_SUCCESS_POLICY = 'SuccessPolicy';
/** JobReasonCompletionsReached: the success reason since JobSuccessPolicy (GA in 1.33). */
export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
export const MESSAGE_COMPLETIONS_REACHED = 'Reached expected number of succeeded pods';

export function newCondition(type: string, status: JobCondition['status'], reason: string, message: string, now: number): JobCondition {
  const t = metaTime(now);
  const c: JobCondition = { type, status, lastProbeTime: t, lastTransitionTime: t };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

export function jobConditions(job: KubeObject): Obj[] {
  return recs(statusOf(job).conditions).map((c) => ({ ...c }));
}

export function findCondition(conditions: readonly Obj[], type: string): Obj | undefined {
  return conditions.find((c) => c.type === type);
}

export function findTrueCondition(conditions: readonly Obj[], type: string): Obj | undefined {
  const c = findCondition(conditions, type);
  return c?.status === 'True' ? c : undefined;
}

/** ensureJobConditionStatus: the new list, and whether it changed. */
export function ensureJobCondition(
  conditions: readonly Obj[],
  type: string,
  status: JobCondition['status'],
  reason: string,
  message: string,
  now: number,
): [Obj[], boolean] {
  const i = conditions.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = conditions[i];
    if (c.status !== status || (c.reason ?? '') !== reason || (c.message ?? '') !== message) {
      const next = [...conditions];
      next[i] = { ...newCondition(type, status, reason, message, now) };
      return [next, true];
    }
    return [[...conditions], false];
  }
  if (status !== 'False') return [[...conditions, { ...newCondition(type, status, reason, message, now) }], true];
  return [[...conditions], false];
}
