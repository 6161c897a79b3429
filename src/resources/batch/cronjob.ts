// batch/v1 CronJob: upstream SetDefaults_CronJob, ValidateCronJobCreate / validateCronJobSpec
// (schedule through robfig/cron's parser, timeZone through the zone database, the 52-character
// name limit), pkg/registry/batch/cronjob/strategy.go and the printers' printCronJob.
import { type FieldError, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { formatLabelSelector } from '../../machinery/labels.js';
import { isDNS1123Label } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { defaultPodTemplateSpec } from '../core/podSpec.js';
import { type Obj, at, arr, ensureRec, rec, setDefault, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { nonNegative } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import { clearStatus, containerCells, keepSpec, keepStatus, labelSelectorOf, spec } from '../apps/workload.js';
import { cronScheduleError, knownTimeZone } from './cronSchedule.js';
import { validateJobSpecFields } from './jobSpecValidation.js';

/** The controller appends an 11-character `-<timestamp>` to Job names, which are DNS labels. */
export const maxCronJobNameLength = 52;

function validateSchedule(schedule: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const err = cronScheduleError(schedule);
  if (err !== undefined) errs.push(invalid(field, schedule, err));
  if (schedule.includes('TZ')) errs.push(invalid(field, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

// IANA naming rules (theory.html#naming), with digits and '+' tolerated for legacy names.
const timeZonePart = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(tz: unknown, field: string): FieldError[] {
  if (typeof tz !== 'string') return [];
  if (tz.length === 0) return [invalid(field, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !timeZonePart.test(part)) return [invalid(field, tz, `unknown time zone ${tz}`)];
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(invalid(field, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!knownTimeZone(tz)) errs.push(invalid(field, tz, `unknown time zone ${tz}`));
  return errs;
}

/** ValidateJobTemplateSpec: the job rules, and the selector is always generated. */
function validateJobTemplate(template: unknown): FieldError[] {
  const jobSpec = rec(rec(template)?.spec) ?? {};
  const errs = validateJobSpecFields(jobSpec, 'spec.jobTemplate.spec');
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) {
    errs.push(invalid('spec.jobTemplate.spec.selector', jobSpec.selector, '`selector` will be auto-generated'));
  }
  if (jobSpec.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  return errs;
}

function validateCronJobSpec(s: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = str(s.schedule) ?? '';
  if (schedule === '') errs.push(required('spec.schedule'));
  else errs.push(...validateSchedule(schedule, 'spec.schedule'));
  errs.push(...nonNegative(s.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  errs.push(...validateTimeZone(s.timeZone, 'spec.timeZone'));
  const policy = s.concurrencyPolicy ?? '';
  if (policy === '') errs.push(required('spec.concurrencyPolicy'));
  else if (policy !== 'Allow' && policy !== 'Forbid' && policy !== 'Replace') errs.push(notSupported('spec.concurrencyPolicy', policy, ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplate(s.jobTemplate));
  errs.push(...nonNegative(s.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(s.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

/** printBoolPtr. */
function boolCell(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>';
}

export const cronJobStrategy = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.batch.v1.CronJob',
  hasStatus: true,

  defaults(obj: KubeObject): void {
    const s = spec(obj);
    if (!s.concurrencyPolicy) s.concurrencyPolicy = 'Allow';
    setDefault(s, 'suspend', false);
    setDefault(s, 'successfulJobsHistoryLimit', 3);
    setDefault(s, 'failedJobsHistoryLimit', 1);
    // Only the pod template is defaulted: SetDefaults_Job applies to Jobs, not job templates.
    defaultPodTemplateSpec(ensureRec(ensureRec(ensureRec(s, 'jobTemplate'), 'spec'), 'template'));
  },

  prepareForCreate: clearStatus,
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,

  validateName(name: string): FieldError[] {
    return name.length > maxCronJobNameLength ? [invalid('metadata.name', name, `must be no more than ${maxCronJobNameLength} characters`)] : [];
  },

  validate(obj: KubeObject): FieldError[] {
    return validateCronJobSpec(rec(obj.spec) ?? {});
  },

  warnings(obj: KubeObject): string[] {
    const out: string[] = [];
    const msgs = isDNS1123Label(obj.metadata.name ?? '');
    if (msgs.length > 0) {
      out.push(`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`);
    }
    const schedule = str(at(obj, 'spec.schedule')) ?? '';
    if (schedule.includes('TZ')) out.push(`cannot use TZ or CRON_TZ in schedule ${JSON.stringify(schedule)}, use timeZone field instead`);
    return out;
  },

  table: {
    columns: [
      nameColumn,
      col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
      col('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones'),
      col('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.', 0, 'boolean'),
      col('Active', 'A list of pointers to currently running jobs.', 0, 'integer'),
      col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
      ageColumn,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
      col('Selector', 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', 1),
    ],
    row(obj: KubeObject, now: number) {
      const s = rec(obj.spec);
      const jobSpec = rec(at(s, 'jobTemplate.spec'));
      const [names, images] = containerCells(jobSpec?.template);
      const last = str(at(obj, 'status.lastScheduleTime'));
      return [
        obj.metadata.name ?? '',
        str(s?.schedule) ?? '',
        str(s?.timeZone) ?? '<none>',
        boolCell(s?.suspend),
        arr(at(obj, 'status.active')).length,
        last ? age(last, now) : '<none>',
        age(obj.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(labelSelectorOf(jobSpec?.selector)),
      ];
    },
  },
} satisfies ResourceStrategy;
