// The CronJob controller as the lead wires it (see README.md).
export { type CronJobDecideOptions, type CronJobObserved, decideCronJob } from './decide.js';
export { CRON_JOB, SCHEDULED_TIMESTAMP_ANNOTATION, jobFromCronJob, jobNameFor } from './jobFromCronJob.js';
export { type Schedule, parseStandard } from './schedule.js';
export { NEXT_SCHEDULE_DELTA_MS, mostRecentScheduleTime, nextScheduleTimeDuration } from './scheduleTimes.js';
import { decideCronJob } from './decide.js';

export const cronJobController = {
  name: 'cronjob',
  /** kube-controller-manager's --concurrent-cron-job-syncs default. */
  workers: 5,
  primary: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  secondary: [
    {
      group: 'batch',
      version: 'v1',
      resource: 'jobs',
      ownerKind: 'CronJob',
      // A Job maps to the CronJob its controller ownerReference names (kind CronJob, same
      // uid); Jobs without a controller are ignored. Adds, updates and deletes all enqueue.
      mapping: 'controllerRef',
    },
  ],
  /**
   * decideCronJob({ cronJob, jobs: every Job in its namespace }, now, { localTimeZone }).
   * Upstream also enqueues a CronJob whose schedule or timeZone changed after
   * nextScheduleTimeDuration; the returned requeueAfter covers that on the next sync.
   */
  decide: decideCronJob,
} as const;
