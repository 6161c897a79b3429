// Ages as kubectl and the apiserver's table printer show them: upstream
// k8s.io/apimachinery/pkg/util/duration (HumanDuration, ShortHumanDuration) and the
// printers' translateTimestampSince.

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** Go's int(x) of a float / integer division: truncation toward zero. */
const trunc = (x: number): number => Math.trunc(x);

/** ~2–3 significant figures: "45s", "2m3s", "10m", "3h4m", "20h", "2d3h", "30d", "2y100d", "9y". */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / second);
  // Up to 2s in the future is tolerated as clock skew and shown as "0s".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / minute);
  if (minutes < 10) {
    const s = trunc(ms / second) % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    const y = trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** One unit only: "45s", "5m", "3h", "12d", "2y" (used by some printers, e.g. events). */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / minute);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / hour);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(ms / hour / 24 / 365)}y`;
}

function parseTimestamp(timestamp: string | undefined): number | undefined {
  if (!timestamp) return undefined;
  const t = Date.parse(timestamp);
  // Go's zero time (0001-01-01T00:00:00Z) is what metav1.Time.IsZero treats as unset.
  if (Number.isNaN(t) || timestamp.startsWith('0001-01-01T00:00:00')) return undefined;
  return t;
}

/** translateTimestampSince: the AGE column; `<unknown>` for a missing timestamp. */
export function age(timestamp: string | undefined, now: number): string {
  const t = parseTimestamp(timestamp);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

/** Same with ShortHumanDuration. */
export function shortAge(timestamp: string | undefined, now: number): string {
  const t = parseTimestamp(timestamp);
  return t === undefined ? '<unknown>' : shortHumanDuration(now - t);
}
