// Wall-clock arithmetic in an IANA time zone with Go's time package semantics, which
// robfig/cron's schedule search relies on: reading calendar fields of an instant in a zone,
// time.Date (field overflow normalised, offset resolved the way Go resolves it around DST
// transitions) and the RFC 3339 / RFC 1123Z formats. Time zone data comes from Node's ICU.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

const isUtc = (zone: string): boolean => zone === 'UTC' || zone === 'Etc/UTC' || zone === '';

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

/** Calendar fields of instant `ms` in `zone`. */
export function wallClock(ms: number, zone: string): WallClock {
  const sec = Math.floor(ms / 1000) * 1000;
  let local = sec;
  if (!isUtc(zone)) local = sec + offsetSeconds(sec, zone) * 1000;
  const d = new Date(local);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/** The zone's UTC offset (seconds east) at instant `ms`. */
export function offsetSeconds(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  const sec = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(sec))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - sec) / 1000);
}

/**
 * time.Date(year, month, day, hour, min, sec, 0, zone): overflowing fields normalise; for a
 * wall time skipped or repeated by a transition the offset is found as Go finds it (the
 * offset at the wall time read as UTC, corrected once if that instant lies elsewhere).
 */
export function zonedDate(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const local = d.getTime();
  if (isUtc(zone)) return local;
  const off1 = offsetSeconds(local, zone);
  if (off1 === 0) return local;
  const utc = local - off1 * 1000;
  const off2 = offsetSeconds(utc, zone);
  return off2 === off1 ? utc : local - off2 * 1000;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetText(off: number, colon: boolean): string {
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${sign}${pad(Math.floor(a / 3600))}${colon ? ':' : ''}${pad(Math.floor((a % 3600) / 60))}`;
}

/** time.RFC3339 in `zone` ("Z" for a zero offset in UTC, else ±hh:mm). */
export function formatRFC3339(ms: number, zone: string): string {
  const w = wallClock(ms, zone);
  const off = offsetSeconds(ms, zone);
  const tz = isUtc(zone) ? 'Z' : offsetText(off, true);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${tz}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
export function formatRFC1123ZUtc(ms: number): string {
  const w = wallClock(ms, 'UTC');
  return `${DAYS[w.weekday]}, ${pad(w.day)} ${MONTHS[w.month - 1]} ${pad(w.year, 4)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)} +0000`;
}

/** The process's local zone (Go's time.Local), as the controller manager would use it. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
