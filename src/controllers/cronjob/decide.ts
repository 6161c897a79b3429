// The CronJob controller's decision (upstream pkg/controller/cronjob/cronjob_controllerv2.go
// sync, syncCronJob and cleanupFinishedJobs): track the Jobs it created in status.active,
// record lastSuccessfulTime, and when a scheduled time is due create
// `<cronjob>-<minutes since epoch>` — unless suspended, past startingDeadlineSeconds, already
// done, or forbidden by concurrencyPolicy (Replace deletes the running Jobs first) — then
// trim finished Jobs to the history limits and requeue for the next activation.
//
// A created Job's uid is only known once it exists, so the status written with the create
// records lastScheduleTime, and the next sync (the Job's add event triggers it) puts the Job
// into status.active — the path upstream takes when its own status update was lost. Upstream
// re-reads objects from the API server before declaring a Job unexpected or missing; here the
// observed lists are taken as fresh.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type EventDescriptor, eventFor } from '../shared/actions.js';
import { type DeleteWithOptions, deleteWithOptions } from '../shared/deleteOptions.js';
import { type Obj, clone, metaTime, parseTime, recs, specOf, statusOf, str } from '../shared/meta.js';
import { getControllerOf } from '../shared/ownerRefs.js';
import { JOB } from '../job/jobMeta.js';
import { CRON_JOB, jobFromCronJob, jobNameFor } from './jobFromCronJob.js';
import { loadLocationError, parseStandard } from './schedule.js';
import { mostRecentScheduleTime, nextScheduleTimeDuration } from './scheduleTimes.js';
import { formatRFC1123ZUtc, localTimeZone } from './zone.js';

export interface CronJobObserved {
  cronJob: KubeObject;
  /** Every Job in the CronJob's namespace. */
  jobs: readonly KubeObject[];
}

export interface CronJobDecideOptions {
  /** The zone of schedules without a timeZone (Go's time.Local); default: this process's. */
  localTimeZone?: string;
}

function finishedStatus(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of recs(statusOf(job).conditions)) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** corev1.ObjectReference of a Job, as getRef builds it. */
function jobRef(job: KubeObject): Obj {
  const ref: Obj = { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1' };
  if (job.metadata.resourceVersion) ref.resourceVersion = job.metadata.resourceVersion;
  return ref;
}

/** byJobStartTime: started before not started, earlier first, name as tie-breaker. */
function byJobStartTime(a: KubeObject, b: KubeObject): number {
  const ta = parseTime(statusOf(a).startTime);
  const tb = parseTime(statusOf(b).startTime);
  if (ta === undefined && tb !== undefined) return 1;
  if (ta !== undefined && tb === undefined) return -1;
  if (ta === tb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return (ta ?? 0) - (tb ?? 0);
}

/** deleteJob: Background propagation (batch/v1 Jobs would orphan their pods otherwise). */
function deleteJobAction(cj: KubeObject, job: KubeObject): DeleteWithOptions {
  return deleteWithOptions(job, JOB, { propagationPolicy: 'Background' }, {
    onSuccess: [eventFor(cj, CRON_JOB, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name ?? ''}`)],
    onFailure: [eventFor(cj, CRON_JOB, 'Warning', 'FailedDelete', 'Deleted job: {{error}}')],
  });
}

/** cleanupFinishedJobs: the oldest finished Jobs beyond each history limit. */
function historyDeletes(cj: KubeObject, jobs: readonly KubeObject[]): KubeObject[] {
  const spec = specOf(cj);
  const out: KubeObject[] = [];
  for (const [type, limit] of [['Complete', spec.successfulJobsHistoryLimit], ['Failed', spec.failedJobsHistoryLimit]] as const) {
    if (typeof limit !== 'number') continue;
    const finished = jobs.filter((j) => finishedStatus(j) === type).sort(byJobStartTime);
    out.push(...finished.slice(0, Math.max(0, finished.length - limit)));
  }
  return out;
}

/** formatSchedule: the robfig spec, with the CronJob's time zone as a TZ= prefix. */
function formatSchedule(cj: KubeObject, events: EventDescriptor[]): string {
  const schedule = str(specOf(cj).schedule) ?? '';
  if (schedule.includes('TZ')) {
    events.push(eventFor(cj, CRON_JOB, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`));
    return schedule;
  }
  const tz = str(specOf(cj).timeZone);
  return tz !== undefined && loadLocationError(tz) === undefined ? `TZ=${tz} ${schedule}` : schedule;
}

export function decideCronJob(observed: CronJobObserved, now: number, opts: CronJobDecideOptions = {}): Action[] {
  const cj = observed.cronJob;
  const spec = specOf(cj);
  const ev = (type: 'Normal' | 'Warning', reason: string, message: string): EventDescriptor => eventFor(cj, CRON_JOB, type, reason, message);
  const jobs = observed.jobs.filter((j) => j.metadata.namespace === cj.metadata.namespace && getControllerOf(j)?.name === cj.metadata.name);
  const status = clone(statusOf(cj));
  let active = recs(status.active);
  const events: EventDescriptor[] = [];
  let changed = false;
  const inActive = (uid: string | undefined): boolean => active.some((r) => r.uid === uid);
  const lastSchedule = parseTime(status.lastScheduleTime);

  for (const j of jobs) {
    const found = inActive(j.metadata.uid);
    const finished = finishedStatus(j);
    if (!found && finished === undefined) {
      const ours = getControllerOf(j)?.uid === cj.metadata.uid;
      if (ours && lastSchedule !== undefined && j.metadata.name === jobNameFor(cj, lastSchedule)) {
        // The Job this controller created on the last sync: now its uid is known.
        active = [...active, jobRef(j)];
        changed = true;
      } else {
        events.push(ev('Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name ?? ''}`));
      }
    } else if (found && finished !== undefined) {
      active = active.filter((r) => r.uid !== j.metadata.uid);
      events.push(ev('Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name ?? ''}, status: ${finished}`));
      changed = true;
    } else if (finished === 'Complete') {
      const completion = parseTime(statusOf(j).completionTime);
      const last = parseTime(status.lastSuccessfulTime);
      if (completion !== undefined && (last === undefined || completion > last)) {
        status.lastSuccessfulTime = statusOf(j).completionTime;
        changed = true;
      }
    }
  }
  const children = new Set(jobs.map((j) => j.metadata.uid));
  for (const r of active) {
    if (children.has(str(r.uid))) continue;
    events.push(ev('Normal', 'MissingJob', `Active job went missing: ${str(r.name) ?? ''}`));
    active = active.filter((x) => x !== r);
    changed = true;
  }

  const writes: Action[] = [];
  let requeueMs: number | undefined;
  const schedule = (): void => {
    if (cj.metadata.deletionTimestamp) return;
    const tz = str(spec.timeZone);
    if (tz !== undefined) {
      const err = loadLocationError(tz);
      if (err !== undefined) {
        events.push(ev('Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: ${err}`));
        return;
      }
    }
    if (spec.suspend === true) return;
    const sched = parseStandard(formatSchedule(cj, events), opts.localTimeZone ?? localTimeZone());
    if ('error' in sched) {
      events.push(ev('Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(str(spec.schedule) ?? '')} : ${sched.error}`));
      return;
    }
    const cjNow: KubeObject = { ...cj, status: { ...status, active } };
    const recent = mostRecentScheduleTime(cjNow, now, sched, true);
    if (recent.error !== undefined) {
      events.push(ev('Warning', 'InvalidSchedule', `invalid schedule: ${str(spec.schedule) ?? ''} : ${recent.error}`));
      return;
    }
    const next = (): number | undefined => nextScheduleTimeDuration(cjNow, now, sched);
    const scheduled = recent.mostRecentTime;
    if (scheduled === undefined || scheduled > now) {
      requeueMs = next();
      return;
    }
    if (recent.missed === 'many') {
      events.push(ev('Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'));
    }
    const deadline = spec.startingDeadlineSeconds;
    if (typeof deadline === 'number' && scheduled + deadline * 1000 < now) {
      events.push(ev('Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRFC1123ZUtc(scheduled)}`));
      requeueMs = next();
      return;
    }
    const name = jobNameFor(cj, scheduled);
    if (active.some((r) => r.name === name && r.namespace === cj.metadata.namespace) || lastSchedule === scheduled) {
      requeueMs = next();
      return;
    }
    if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      events.push(ev('Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid'));
      requeueMs = next();
      return;
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const r of active) {
        const job = jobs.find((j) => j.metadata.uid === r.uid);
        if (job) writes.push(deleteJobAction(cj, job));
      }
      if (active.length) changed = true;
      active = [];
    }
    const existing = observed.jobs.find((j) => j.metadata.namespace === cj.metadata.namespace && j.metadata.name === name);
    if (existing) {
      // AlreadyExists: a Job of ours missing from the active list goes back into it.
      if (getControllerOf(existing)?.uid !== cj.metadata.uid || inActive(existing.metadata.uid)) return;
      active = [...active, jobRef(existing)];
    } else {
      writes.push({
        kind: 'create',
        object: jobFromCronJob(cj, scheduled),
        tolerate: ['AlreadyExists'],
        onSuccess: [ev('Normal', 'SuccessfulCreate', `Created job ${name}`)],
        onFailure: [ev('Warning', 'FailedCreate', 'Error creating job: {{error}}')],
      });
    }
    status.lastScheduleTime = metaTime(scheduled);
    changed = true;
    requeueMs = nextScheduleTimeDuration({ ...cj, status: { ...status, active } }, now, sched);
  };
  schedule();

  const out: Action[] = events.map((event) => ({ kind: 'event', event }));
  out.push(...writes);
  const history = historyDeletes(cj, jobs);
  if (history.length) {
    const gone = new Set(history.map((j) => j.metadata.uid));
    if (active.some((r) => gone.has(str(r.uid)))) {
      active = active.filter((r) => !gone.has(str(r.uid)));
      changed = true;
    }
  }
  if (changed) {
    const next: Obj = { ...status };
    if (active.length) next.active = active;
    else delete next.active;
    out.push({ kind: 'updateStatus', object: { ...clone(cj), apiVersion: CRON_JOB.apiVersion, kind: CRON_JOB.kind, status: next } });
  }
  out.push(...history.map((j) => deleteJobAction(cj, j)));
  if (requeueMs !== undefined) out.push({ kind: 'requeueAfter', ms: Math.max(1, requeueMs) });
  return out;
}

