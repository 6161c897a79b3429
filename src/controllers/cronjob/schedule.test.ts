// The robfig/cron port: activation times, checked against cron-parser where the two agree
// and against robfig's own semantics where they do not (DOM/DOW combination, DST gaps,
// impossible dates, @midnight, @every), plus the missed-schedule arithmetic of utils.go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronExpressionParser } from 'cron-parser';
import type { KubeObject } from '../../machinery/types.js';
import { type Schedule, parseStandard } from './schedule.js';
import { mostRecentScheduleTime, nextScheduleTimeDuration } from './scheduleTimes.js';
import { formatRFC1123ZUtc, formatRFC3339, zonedDate } from './zone.js';

const T = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string => (ms === undefined ? 'zero' : new Date(ms).toISOString());

function sched(spec: string, zone = 'UTC'): Schedule {
  const s = parseStandard(spec, zone);
  if ('error' in s) throw new Error(s.error);
  return s;
}

function take(s: Schedule, from: number, n: number): string[] {
  const out: string[] = [];
  let t: number | undefined = from;
  for (let i = 0; i < n && t !== undefined; i++) {
    t = s.next(t);
    out.push(iso(t));
  }
  return out;
}

describe('robfig schedule', () => {
  const agree: [string, string, string][] = [
    ['* * * * *', '2024-01-01T00:00:30Z', 'UTC'],
    ['*/15 * * * *', '2024-01-01T00:07:00Z', 'UTC'],
    ['5/15 * * * *', '2024-01-01T00:00:00Z', 'UTC'],
    ['0 9 * * MON-FRI', '2024-01-05T10:00:00Z', 'UTC'],
    ['30 2 1 * *', '2024-01-15T00:00:00Z', 'UTC'],
    ['0 0 1,15 * 1', '2024-01-01T00:00:30Z', 'UTC'],
    ['0 9 * * *', '2024-01-01T00:00:00Z', 'Asia/Tokyo'],
    ['15 10 * * *', '2024-06-01T00:00:00Z', 'Europe/Berlin'],
    ['0 0 * jan-dec/3 *', '2024-01-01T00:00:30Z', 'UTC'],
  ];
  for (const [spec, from, zone] of agree) {
    it(`"${spec}" in ${zone} agrees with cron-parser`, () => {
      const expected = CronExpressionParser.parse(spec, { currentDate: from, tz: zone }).take(4).map((d) => d.toISOString());
      assert.deepEqual(take(sched(spec, zone), T(from), 4), expected);
    });
  }

  it('descriptors, including @midnight and @annually', () => {
    const from = T('2024-01-01T00:00:30Z');
    assert.deepEqual(take(sched('@hourly'), from, 2), ['2024-01-01T01:00:00.000Z', '2024-01-01T02:00:00.000Z']);
    assert.deepEqual(take(sched('@midnight'), from, 1), ['2024-01-02T00:00:00.000Z']);
    assert.deepEqual(take(sched('@daily'), from, 1), ['2024-01-02T00:00:00.000Z']);
    assert.deepEqual(take(sched('@weekly'), from, 1), ['2024-01-07T00:00:00.000Z']);
    assert.deepEqual(take(sched('@monthly'), from, 1), ['2024-02-01T00:00:00.000Z']);
    assert.deepEqual(take(sched('@annually'), from, 1), ['2025-01-01T00:00:00.000Z']);
    assert.deepEqual(take(sched('@yearly'), from, 1), ['2025-01-01T00:00:00.000Z']);
  });

  it('@every counts from the given time, in whole seconds, at least 1 s', () => {
    assert.deepEqual(take(sched('@every 1h30m'), T('2024-01-01T00:00:10.500Z'), 2), ['2024-01-01T01:30:10.000Z', '2024-01-01T03:00:10.000Z']);
    assert.deepEqual(take(sched('@every 1500ms'), T('2024-01-01T00:00:00Z'), 1), ['2024-01-01T00:00:01.000Z']);
    assert.deepEqual(take(sched('@every 10ms'), T('2024-01-01T00:00:00Z'), 1), ['2024-01-01T00:00:01.000Z']);
  });

  it('day-of-month and day-of-week: AND when one starts with * or ?, OR otherwise ("*/2" is no wildcard)', () => {
    const from = T('2024-01-01T00:00:30Z');
    // Mondays in January 2024: 1, 8, 15, 22, 29.
    assert.deepEqual(take(sched('0 0 * * 1'), from, 2), ['2024-01-08T00:00:00.000Z', '2024-01-15T00:00:00.000Z']);
    assert.deepEqual(take(sched('0 0 ? * 1'), from, 1), ['2024-01-08T00:00:00.000Z']);
    assert.deepEqual(take(sched('0 0 */2 * 1'), from, 3), ['2024-01-03T00:00:00.000Z', '2024-01-05T00:00:00.000Z', '2024-01-07T00:00:00.000Z']);
    assert.deepEqual(take(sched('0 0 */1 * 1'), from, 2), ['2024-01-08T00:00:00.000Z', '2024-01-15T00:00:00.000Z']);
    assert.deepEqual(take(sched('0 0 13 * 5'), from, 3), ['2024-01-05T00:00:00.000Z', '2024-01-12T00:00:00.000Z', '2024-01-13T00:00:00.000Z']);
  });

  it('a wall time skipped by DST does not run that day; a repeated one runs twice (as robfig v3.0.1)', () => {
    // America/New_York springs forward 2024-03-10 02:00 → 03:00.
    assert.deepEqual(take(sched('30 2 * * *', 'America/New_York'), T('2024-03-09T12:00:00Z'), 2), ['2024-03-11T06:30:00.000Z', '2024-03-12T06:30:00.000Z']);
    // Falls back 2024-11-03 02:00 → 01:00: 01:30 EDT (05:30Z) and 01:30 EST (06:30Z).
    assert.deepEqual(take(sched('30 1 * * *', 'America/New_York'), T('2024-11-02T12:00:00Z'), 3), ['2024-11-03T05:30:00.000Z', '2024-11-03T06:30:00.000Z', '2024-11-04T06:30:00.000Z']);
  });

  it('an impossible date yields no time; parse errors are robfig\'s', () => {
    assert.equal(sched('0 0 31 2 *').next(T('2024-01-01T00:00:00Z')), undefined);
    assert.deepEqual(parseStandard('61 * * * *', 'UTC'), { error: 'end of range (61) above maximum (59): 61' });
    assert.deepEqual(parseStandard('* * * *', 'UTC'), { error: 'expected exactly 5 fields, found 4: [* * * *]' });
  });

  it('a TZ= prefix overrides the default zone', () => {
    assert.deepEqual(take(sched('TZ=Asia/Tokyo 0 9 * * *', 'America/New_York'), T('2024-01-01T00:00:00Z'), 1), ['2024-01-02T00:00:00.000Z']);
  });

  it('zone helpers: time.Date resolution and the RFC 3339 / 1123Z formats', () => {
    assert.equal(iso(zonedDate(2024, 13, 1, 0, 0, 0, 'UTC')), '2025-01-01T00:00:00.000Z');
    assert.equal(formatRFC3339(T('2024-01-01T00:00:00Z'), 'Asia/Tokyo'), '2024-01-01T09:00:00+09:00');
    assert.equal(formatRFC3339(T('2024-01-01T00:00:00Z'), 'UTC'), '2024-01-01T00:00:00Z');
    assert.equal(formatRFC3339(T('2024-07-01T12:00:00Z'), 'America/New_York'), '2024-07-01T08:00:00-04:00');
    assert.equal(formatRFC1123ZUtc(T('2024-01-01T00:01:00Z')), 'Mon, 01 Jan 2024 00:01:00 +0000');
  });
});

describe('missed schedules (utils.go)', () => {
  const cj = (created: string, last?: string, deadline?: number): KubeObject => ({
    metadata: { name: 'c', creationTimestamp: created },
    spec: deadline === undefined ? {} : { startingDeadlineSeconds: deadline },
    status: last ? { lastScheduleTime: last } : {},
  });
  const every = sched('* * * * *');

  it('nothing due before the first activation; the first when only it passed', () => {
    assert.deepEqual(mostRecentScheduleTime(cj('2024-01-01T00:00:30Z'), T('2024-01-01T00:00:59Z'), every, true), { earliestTime: T('2024-01-01T00:00:30Z'), missed: 'none' });
    assert.equal(iso(mostRecentScheduleTime(cj('2024-01-01T00:00:30Z'), T('2024-01-01T00:01:10Z'), every, true).mostRecentTime), '2024-01-01T00:01:00.000Z');
  });

  it('several missed: the latest, "few"; over 100: "many"; a starting deadline narrows the window', () => {
    const few = mostRecentScheduleTime(cj('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'), T('2024-01-01T00:10:30Z'), every, true);
    assert.equal(iso(few.mostRecentTime), '2024-01-01T00:10:00.000Z');
    assert.equal(few.missed, 'few');
    const many = mostRecentScheduleTime(cj('2024-01-01T00:00:00Z'), T('2024-01-01T03:00:30Z'), every, true);
    assert.equal(iso(many.mostRecentTime), '2024-01-01T03:00:00.000Z');
    assert.equal(many.missed, 'many');
    const bounded = mostRecentScheduleTime(cj('2024-01-01T00:00:00Z', undefined, 200), T('2024-01-01T03:00:30Z'), every, true);
    assert.equal(bounded.missed, 'few');
  });

  it('uneven schedules: the search starts one interval before the estimate (and, as upstream, finds nothing when the estimate overshoots)', () => {
    const s = sched('30 6-16/4 * * 1-5');
    const r = mostRecentScheduleTime(cj('2024-01-01T00:00:00Z'), T('2024-01-01T15:00:00Z'), s, true);
    assert.equal(iso(r.mostRecentTime), '2024-01-01T14:30:00.000Z');
    // Days later the 4 h estimate passes Friday's last run: upstream then reports none due.
    const late = mostRecentScheduleTime(cj('2024-01-01T00:00:00Z'), T('2024-01-05T20:00:00Z'), s, true);
    assert.equal(late.mostRecentTime, undefined);
    assert.equal(late.missed, 'few');
  });

  it('requeue: the next activation after the most recent one, plus 100 ms', () => {
    assert.equal(nextScheduleTimeDuration(cj('2024-01-01T00:00:30Z'), T('2024-01-01T00:00:30Z'), every), 30_100);
    assert.equal(nextScheduleTimeDuration(cj('2024-01-01T00:00:00Z', '2024-01-01T00:05:00Z'), T('2024-01-01T00:05:00.200Z'), every), 59_900);
  });

  it('an impossible schedule is an error', () => {
    assert.equal(mostRecentScheduleTime(cj('2024-01-01T00:00:00Z'), T('2024-03-01T00:00:00Z'), sched('0 0 31 2 *'), true).error, 'time difference between two schedules is less than 1 second');
  });
});
