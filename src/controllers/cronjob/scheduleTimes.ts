// Which scheduled time a CronJob sync acts on, and when to look again (upstream
// pkg/controller/cronjob/utils.go mostRecentScheduleTime, nextScheduleTime and
// nextScheduleTimeDuration). The missed-schedule count is upstream's approximation from the
// interval between the first two activations; more than 100 counts as "many".
import type { KubeObject } from '../../machinery/types.js';
import { num, parseTime, specOf, statusOf } from '../shared/meta.js';
import type { Schedule } from './schedule.js';

/** nextScheduleDelta: requeue a little after the activation, for clock skew. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export type MissedSchedules = 'none' | 'few' | 'many';

export interface MostRecent {
  earliestTime: number;
  mostRecentTime?: number;
  missed: MissedSchedules;
  error?: string;
}

/** Go's time.Duration.Round(time.Second), in seconds (halves away from zero). */
function roundSeconds(ms: number): number {
  return Math.sign(ms) * Math.round(Math.abs(ms) / 1000);
}

export function mostRecentScheduleTime(cronJob: KubeObject, now: number, schedule: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliestTime = parseTime(statusOf(cronJob).lastScheduleTime) ?? parseTime(cronJob.metadata.creationTimestamp) ?? 0;
  const deadline = num(specOf(cronJob).startingDeadlineSeconds);
  if (includeStartingDeadline && deadline !== undefined) {
    // The controller is not going to schedule anything below this point.
    const schedulingDeadline = now - deadline * 1000;
    if (schedulingDeadline > earliestTime) earliestTime = schedulingDeadline;
  }
  const t1 = schedule.next(earliestTime);
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 === undefined || t2 === undefined) {
    // robfig returns the zero time for schedules that never fire (31 February): the
    // interval between the first two activations is then zero.
    return { earliestTime, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  }
  if (now < t1) return { earliestTime, missed: 'none' };
  if (now < t2) return { earliestTime, mostRecentTime: t1, missed: 'none' };
  const interval = roundSeconds(t2 - t1);
  if (interval < 1) return { earliestTime, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / interval) + 1;
  // Start one interval before the estimate and let the schedule find the real times, which
  // matters for uneven schedules ("30 6-16/4 * * 1-5") and @every.
  let mostRecentTime: number | undefined;
  for (let t = schedule.next(t1 + (missedCount - 2) * interval * 1000); t !== undefined && t <= now; t = schedule.next(t)) mostRecentTime = t;
  const missed: MissedSchedules = missedCount > 100 ? 'many' : missedCount > 0 ? 'few' : 'none';
  return mostRecentTime === undefined ? { earliestTime, missed } : { earliestTime, mostRecentTime, missed };
}

/** nextScheduleTimeDuration: ms until the activation after the most recent one, plus 100 ms. */
export function nextScheduleTimeDuration(cronJob: KubeObject, now: number, schedule: Schedule): number | undefined {
  const r = mostRecentScheduleTime(cronJob, now, schedule, false);
  let from: number;
  if (r.error !== undefined) from = now;
  else if (r.mostRecentTime === undefined) from = r.missed === 'none' ? r.earliestTime : now;
  else from = r.mostRecentTime;
  const next = schedule.next(from);
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS - now;
}
