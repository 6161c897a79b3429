// Formats nanoseconds the way Go's time.Duration.String() does, which is how metav1.Duration
// appears in JSON ("1h0m0s", "1m30s", "1.5s", "250ms", "1.5µs", "7ns").
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  const u = negative ? -ns : ns;
  let text: string;
  if (u < 1_000n) text = `${u}ns`;
  else if (u < 1_000_000n) text = `${decimal(u, 3)}µs`;
  else if (u < 1_000_000_000n) text = `${decimal(u, 6)}ms`;
  else {
    const totalSeconds = u / 1_000_000_000n;
    const hours = totalSeconds / 3600n;
    const minutes = (totalSeconds / 60n) % 60n;
    const seconds = decimal((totalSeconds % 60n) * 1_000_000_000n + (u % 1_000_000_000n), 9);
    text = (hours > 0n ? `${hours}h` : '') + (hours > 0n || minutes > 0n ? `${minutes}m` : '') + `${seconds}s`;
  }
  return negative ? `-${text}` : text;
}

/** value / 10^digits as a decimal with trailing zeros (and a bare point) trimmed. */
function decimal(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const frac = value % scale;
  if (frac === 0n) return `${whole}`;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
