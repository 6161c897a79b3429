// Timestamps of CRI log records. A JS Date keeps milliseconds and forgets the offset, but
// the kubelet parses each record's time with Go's lenient RFC3339Nano layout and prints it
// back with the fixed-width one ("2006-01-02T15:04:05.000000000Z07:00") in the offset it was
// written with — so we keep the nanoseconds and the original offset ourselves.

export interface LogTimestamp {
  /** Whole seconds since the Unix epoch (UTC). */
  readonly seconds: number;
  /** 0..999_999_999. */
  readonly nanos: number;
  /** As the kubelet prints it for `timestamps=true`: RFC3339 with exactly 9 fraction digits. */
  readonly fixed: string;
}

// Go's time.Parse accepts 1–9 fraction digits and either Z or ±hh:mm for "Z07:00".
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days from 1970-01-01 to the civil date (proleptic Gregorian; Date.UTC maps years < 100 to 19xx). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses an RFC3339 timestamp with optional 1–9 fraction digits (Go's RFC3339NanoLenient),
 * rejecting out-of-range fields as time.Parse does. Returns a reason string on failure.
 */
export function parseLogTimestamp(text: string): LogTimestamp | string {
  const m = rfc3339.exec(text);
  if (!m) return `cannot parse ${JSON.stringify(text)} as RFC3339`;
  const [, ys, mos, ds, hs, mis, ss, frac = '', zone] = m as unknown as string[];
  const y = Number(ys), mo = Number(mos), d = Number(ds), h = Number(hs), mi = Number(mis), s = Number(ss);
  if (mo < 1 || mo > 12) return 'month out of range';
  const dim = mo === 2 && isLeap(y) ? 29 : monthDays[mo - 1]!;
  if (d < 1 || d > dim) return 'day out of range';
  if (h > 23) return 'hour out of range';
  if (mi > 59) return 'minute out of range';
  if (s > 59) return 'second out of range';
  let offset = 0;
  let zoneOut = 'Z';
  if (zone !== 'Z') {
    const zh = Number(zone!.slice(1, 3)), zm = Number(zone!.slice(4, 6));
    if (zh > 23 || zm > 59) return 'time zone offset out of range';
    offset = (zone![0] === '-' ? -1 : 1) * (zh * 3600 + zm * 60);
    // Go prints a zero offset as "Z" whatever it was parsed from.
    if (offset !== 0) zoneOut = zone!;
  }
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
  const digits = frac.padEnd(9, '0');
  return {
    seconds,
    nanos: Number(digits),
    fixed: `${ys}-${mos}-${ds}T${hs}:${mis}:${ss}.${digits}${zoneOut}`,
  };
}

/** Go's zero time.Time, which a Docker JSON record without "time" decodes to. */
export const zeroLogTimestamp: LogTimestamp = {
  seconds: daysFromCivil(1, 1, 1) * 86400,
  nanos: 0,
  fixed: '0001-01-01T00:00:00.000000000Z',
};

/** time.Before: strictly earlier than `since` (a Date, so millisecond precision). */
export function isBefore(ts: LogTimestamp, since: Date): boolean {
  const ms = since.getTime();
  const sec = Math.floor(ms / 1000);
  const nanos = (ms - sec * 1000) * 1_000_000;
  return ts.seconds < sec || (ts.seconds === sec && ts.nanos < nanos);
}

/** Go's RFC3339Nano (trailing fraction zeros trimmed), in UTC — what containerd writes. */
export function formatRfc3339Nano(time: Date): string {
  const iso = time.toISOString(); // 2024-01-02T03:04:05.060Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}
