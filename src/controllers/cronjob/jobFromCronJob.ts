// The Job a CronJob creates for a scheduled time (upstream getJobFromTemplate2): named
// `<cronjob>-<scheduled time in minutes since the epoch>` so the name doubles as a lock
// against creating the same run twice, the template's labels and annotations plus
// batch.kubernetes.io/cronjob-scheduled-timestamp (RFC 3339 in the CronJob's timeZone, UTC
// without one), the controller reference, and a copy of the template's spec.
import type { KubeObject } from '../../machinery/types.js';
import type { Gvk } from '../shared/actions.js';
import { clone, rec, specOf, str, strMap } from '../shared/meta.js';
import { newControllerRef } from '../shared/ownerRefs.js';
import { formatRFC3339 } from './zone.js';

export const CRON_JOB: Gvk = { apiVersion: 'batch/v1', kind: 'CronJob' };
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** getTimeHashInMinutes. */
export function timeHashInMinutes(scheduledTime: number): number {
  return Math.floor(Math.floor(scheduledTime / 1000) / 60);
}

/** getJobName. */
export function jobNameFor(cronJob: KubeObject, scheduledTime: number): string {
  return `${cronJob.metadata.name ?? ''}-${timeHashInMinutes(scheduledTime)}`;
}

export function jobFromCronJob(cronJob: KubeObject, scheduledTime: number): KubeObject {
  const template = rec(specOf(cronJob).jobTemplate) ?? {};
  const meta = rec(template.metadata) ?? {};
  const annotations = strMap(meta.annotations);
  annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = formatRFC3339(scheduledTime, str(specOf(cronJob).timeZone) ?? 'UTC');
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobNameFor(cronJob, scheduledTime), annotations, ownerReferences: [newControllerRef(cronJob, CRON_JOB)] },
    spec: clone(rec(template.spec) ?? {}),
  };
  const labels = strMap(meta.labels);
  if (Object.keys(labels).length) job.metadata.labels = labels;
  if (cronJob.metadata.namespace !== undefined) job.metadata.namespace = cronJob.metadata.namespace;
  return job;
}
