// CronJob schedules as kube-controller-manager evaluates them: robfig/cron/v3's
// ParseStandard (five fields, names, ranges, steps, `?`, the @yearly/@annually/@monthly/
// @weekly/@daily/@midnight/@hourly descriptors, `@every <duration>`, a `TZ=`/`CRON_TZ=`
// prefix) and SpecSchedule.Next / ConstantDelaySchedule.Next.
//
// Ported rather than delegated to cron-parser because the schedule times must be
// robfig's: day-of-month and day-of-week combine with AND when either field starts with `*`
// or `?` (without a step), else with OR; wall times skipped by a DST change are skipped;
// impossible dates ("0 0 31 2 *") yield no time instead of an error; `@midnight` and
// `@every` exist. The tests check the port against cron-parser where the two agree.
import { cronScheduleError, knownTimeZone } from '../../resources/batch/cronSchedule.js';
import { wallClock, zonedDate } from './zone.js';

export interface Schedule {
  /** The first activation strictly after `ms` (whole seconds), or undefined (Go's zero time). */
  next(ms: number): number | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DOW_NAMES },
];

/** A field's allowed values plus robfig's star bit. */
interface FieldSet {
  values: boolean[];
  star: boolean;
}

function parseIntOrName(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase() as keyof typeof b.names];
  return named ?? Number.parseInt(s, 10);
}

/** getField / getRange (the expression was already validated by cronScheduleError). */
function parseField(field: string, b: Bounds): FieldSet {
  const set: FieldSet = { values: [], star: false };
  for (const expr of field.split(',')) {
    const [range, stepText] = expr.split('/');
    const lowHigh = range.split('-');
    let start: number;
    let end: number;
    let star = false;
    if (lowHigh[0] === '*' || lowHigh[0] === '?') {
      start = b.min;
      end = b.max;
      star = true;
    } else {
      start = parseIntOrName(lowHigh[0], b);
      end = lowHigh.length === 2 ? parseIntOrName(lowHigh[1], b) : start;
    }
    let step = 1;
    if (stepText !== undefined) {
      step = Number.parseInt(stepText, 10);
      // "N/step" means "N-max/step"; a step above 1 is no longer a wildcard.
      if (lowHigh.length === 1) end = b.max;
      if (step > 1) star = false;
    }
    for (let v = start; v <= end; v += step) set.values[v] = true;
    if (star) set.star = true;
  }
  return set;
}

const all = (b: Bounds): FieldSet => ({ values: Array.from({ length: b.max + 1 }, (_, i) => i >= b.min), star: true });
const only = (v: number): FieldSet => ({ values: Object.assign([], { [v]: true }), star: false });

class SpecSchedule implements Schedule {
  constructor(
    readonly minute: FieldSet,
    readonly hour: FieldSet,
    readonly dom: FieldSet,
    readonly month: FieldSet,
    readonly dow: FieldSet,
    readonly zone: string,
  ) {}

  private dayMatches(day: number, weekday: number): boolean {
    const domMatch = this.dom.values[day] === true;
    const dowMatch = this.dow.values[weekday] === true;
    return this.dom.star || this.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  /** SpecSchedule.Next, step by step (the seconds field is always 0). */
  next(from: number): number | undefined {
    const z = this.zone;
    let t = Math.floor(from / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = wallClock(t, z).year + 5;
    wrap: for (;;) {
      let w = wallClock(t, z);
      if (w.year > yearLimit) return undefined;
      while (this.month.values[w.month] !== true) {
        if (!added) {
          added = true;
          t = zonedDate(w.year, w.month, 1, 0, 0, 0, z);
          w = wallClock(t, z);
        }
        t = zonedDate(w.year, w.month + 1, w.day, w.hour, w.minute, w.second, z);
        w = wallClock(t, z);
        if (w.month === 1) continue wrap;
      }
      while (!this.dayMatches(w.day, w.weekday)) {
        if (!added) {
          added = true;
          t = zonedDate(w.year, w.month, w.day, 0, 0, 0, z);
          w = wallClock(t, z);
        }
        t = zonedDate(w.year, w.month, w.day + 1, w.hour, w.minute, w.second, z);
        w = wallClock(t, z);
        // Where DST moves midnight, land back on it.
        if (w.hour !== 0) {
          t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000;
          w = wallClock(t, z);
        }
        if (w.day === 1) continue wrap;
      }
      while (this.hour.values[w.hour] !== true) {
        if (!added) {
          added = true;
          t = zonedDate(w.year, w.month, w.day, w.hour, 0, 0, z);
        }
        t += 3_600_000;
        w = wallClock(t, z);
        if (w.hour === 0) continue wrap;
      }
      while (this.minute.values[w.minute] !== true) {
        if (!added) {
          added = true;
          t = Math.floor(t / 60_000) * 60_000;
        }
        t += 60_000;
        w = wallClock(t, z);
        if (w.minute === 0) continue wrap;
      }
      while (w.second !== 0) {
        if (!added) added = true;
        t += 1000;
        w = wallClock(t, z);
        if (w.second === 0) continue wrap;
      }
      return t;
    }
  }
}

/** ConstantDelaySchedule: `@every d`, d rounded down to whole seconds, at least 1 s. */
class ConstantDelaySchedule implements Schedule {
  constructor(readonly delayMs: number) {}

  next(from: number): number {
    return from - (((from % 1000) + 1000) % 1000) + this.delayMs;
  }
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration's value in milliseconds (the text was validated already). */
export function goDurationMs(text: string): number {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  let total = 0;
  for (const m of s.matchAll(/([0-9]*(?:\.[0-9]*)?)([^0-9.]+)/g)) total += Number(m[1] || '0') * (DURATION_UNITS[m[2]] ?? 0);
  return sign * total;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function descriptorSchedule(spec: string, zone: string): SpecSchedule {
  const [mi, h, dom, mo, dow] = DESCRIPTORS[spec].split(' ');
  // robfig builds descriptors from bit masks: fixed fields are single values, the rest all().
  const field = (text: string, b: Bounds): FieldSet => (text === '*' ? all(b) : only(Number(text)));
  return new SpecSchedule(field(mi, FIELDS[0]), field(h, FIELDS[1]), field(dom, FIELDS[2]), field(mo, FIELDS[3]), field(dow, FIELDS[4]), zone);
}

/**
 * cron.ParseStandard: a Schedule, or robfig's error text. `defaultZone` is the zone of a
 * spec without a TZ= prefix (time.Local of the controller manager).
 */
export function parseStandard(spec: string, defaultZone: string): Schedule | { error: string } {
  const error = cronScheduleError(spec);
  if (error !== undefined) return { error };
  let rest = spec;
  let zone = defaultZone;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    zone = rest.slice(rest.indexOf('=') + 1, space);
    rest = rest.slice(space).trim();
  }
  if (zone === 'Local') zone = defaultZone;
  if (rest.startsWith('@every ')) {
    const d = goDurationMs(rest.slice('@every '.length));
    return new ConstantDelaySchedule(d < 1000 ? 1000 : d - (d % 1000));
  }
  if (rest.startsWith('@')) return descriptorSchedule(rest, zone);
  const f = rest.split(/\s+/).filter((x) => x !== '');
  return new SpecSchedule(parseField(f[0], FIELDS[0]), parseField(f[1], FIELDS[1]), parseField(f[2], FIELDS[2]), parseField(f[3], FIELDS[3]), parseField(f[4], FIELDS[4]), zone);
}

/** time.LoadLocation's error for a CronJob timeZone, or undefined when it loads. */
export function loadLocationError(zone: string): string | undefined {
  return knownTimeZone(zone) ? undefined : `unknown time zone ${zone}`;
}
