import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { cronJobStrategy as s } from './cronjob.js';
import { cronScheduleError, goDurationError, knownTimeZone } from './cronSchedule.js';

function cronJob(spec: Record<string, unknown> = {}, name = 'hello'): KubeObject {
  const o: KubeObject = {
    metadata: { name, namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox' }] } } } },
      ...spec,
    },
  };
  s.defaults(o);
  return o;
}
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);

test('defaults: Allow, not suspended, history 3/1; the job template gets pod defaults only', () => {
  const spec = cronJob().spec as Record<string, any>;
  assert.equal(spec.concurrencyPolicy, 'Allow');
  assert.equal(spec.suspend, false);
  assert.equal(spec.successfulJobsHistoryLimit, 3);
  assert.equal(spec.failedJobsHistoryLimit, 1);
  assert.equal(spec.jobTemplate.spec.template.spec.schedulerName, 'default-scheduler');
  assert.equal(spec.jobTemplate.spec.backoffLimit, undefined);
  assert.equal(spec.jobTemplate.spec.completions, undefined);
});

test('schedules robfig/cron accepts', () => {
  for (const ok of ['* * * * *', '0 0 * * 0', '*/15 9-17 * * MON-FRI', '0 0 1 jan,jul *', '5 4 * * sun', '0 0 ? * *', '@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '@every 1h30m', '1,2,3 * * * *', '0 */2 1-15/3 * *']) {
    assert.equal(cronScheduleError(ok), undefined, ok);
  }
});

test('schedule errors carry robfig/cron wording', () => {
  const cases: Array<[string, string]> = [
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['@every 5x', 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
    ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
  ];
  for (const [spec, msg] of cases) assert.equal(cronScheduleError(spec), msg, spec);
  assert.equal(goDurationError('90'), 'time: missing unit in duration "90"');
});

test('schedule and TZ messages on the field', () => {
  assert.deepEqual(errors(cronJob({ schedule: '61 * * * *' })), ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
  assert.deepEqual(errors(cronJob({ schedule: 'CRON_TZ=UTC 0 * * * *' })), [
    'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  assert.deepEqual(errors(cronJob({ schedule: 'TZ=Nowhere/City 0 * * * *' })), [
    'spec.schedule: Invalid value: "TZ=Nowhere/City 0 * * * *": provided bad location Nowhere/City: unknown time zone Nowhere/City',
    'spec.schedule: Invalid value: "TZ=Nowhere/City 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  const noSchedule = cronJob();
  delete (noSchedule.spec as any).schedule;
  assert.deepEqual(errors(noSchedule), ['spec.schedule: Required value']);
});

test('time zones', () => {
  assert.deepEqual(errors(cronJob({ timeZone: 'Europe/Paris' })), []);
  assert.deepEqual(errors(cronJob({ timeZone: 'Etc/UTC' })), []);
  assert.deepEqual(errors(cronJob({ timeZone: 'Europe/Pariss' })), ['spec.timeZone: Invalid value: "Europe/Pariss": unknown time zone Europe/Pariss']);
  assert.deepEqual(errors(cronJob({ timeZone: '' })), ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']);
  assert.deepEqual(errors(cronJob({ timeZone: 'Local' })), [
    'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
  ]);
  assert.deepEqual(errors(cronJob({ timeZone: '../etc/passwd' })), ['spec.timeZone: Invalid value: "../etc/passwd": unknown time zone ../etc/passwd']);
  assert.equal(knownTimeZone('europe/paris'), false);
  assert.equal(knownTimeZone('US/Eastern'), true);
});

test('policy, deadlines, history limits and the job template', () => {
  assert.deepEqual(errors(cronJob({ concurrencyPolicy: 'Sometimes', startingDeadlineSeconds: -1, successfulJobsHistoryLimit: -1 })), [
    'spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
  ]);
  const o = cronJob();
  (o.spec as any).jobTemplate.spec.selector = { matchLabels: { a: 'b' } };
  (o.spec as any).jobTemplate.spec.manualSelector = true;
  (o.spec as any).jobTemplate.spec.template.spec.restartPolicy = 'Always';
  assert.deepEqual(errors(o), [
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
    'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
  ]);
});

test('name limit and warnings', () => {
  assert.deepEqual(s.validateName('a'.repeat(52)), []);
  assert.deepEqual(s.validateName('a'.repeat(53)).map(fieldErrorMessage), [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`]);
  assert.deepEqual(s.warnings(cronJob({ schedule: 'TZ=UTC * * * * *' })), ['cannot use TZ or CRON_TZ in schedule "TZ=UTC * * * * *", use timeZone field instead']);
});

test('table cells', () => {
  const o = cronJob({ timeZone: 'Europe/Paris' });
  o.status = { active: [{ name: 'hello-1' }], lastScheduleTime: '2024-01-01T00:55:00Z' };
  assert.deepEqual(s.table.row(o, Date.parse('2024-01-01T01:00:00Z')), [
    'hello', '*/5 * * * *', 'Europe/Paris', 'False', 1, '5m', '60m', 'hello', 'busybox', '<none>',
  ]);
  assert.deepEqual(s.table.row(cronJob(), 0).slice(2, 6), ['<none>', 'False', 0, '<none>']);
  assert.deepEqual(s.table.columns.map((c) => c.name), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector']);
});
