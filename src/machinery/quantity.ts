// resource.Quantity (apimachinery pkg/api/resource/quantity.go): parsing, exact arithmetic
// and the canonical string the apiserver writes back ("1.5" → "1500m", "1024Mi" → "1Gi").
// Values are kept exactly as bigint × 10^exp; like upstream, anything finer than 1n is
// rounded up (away from zero) to the nearest nano unit.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The amount in base units as a float (may lose precision for huge values). */
  readonly value: number;
  /** The amount in thousandths, rounded away from zero (upstream MilliValue). */
  readonly milli: number;
  /** The amount in base units, rounded away from zero (upstream Value()). */
  readonly intValue: number;
  readonly format: QuantityFormat;
  /** Exact amount = unscaled × 10^exponent. */
  readonly unscaled: bigint;
  readonly exponent: number;
  /** The canonical form, or the input itself when upstream keeps it (already canonical). */
  toString(): string;
  /** Same as toString(), so JSON.stringify writes the canonical string. */
  toJSON(): string;
}

// Upstream's error texts (ErrFormatWrong, ErrSuffix, ErrNumeric).
export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantitySuffixError = "unable to parse quantity's suffix";
export const quantityNumericError = 'unable to parse numeric part of quantity';

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExp = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExp = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const maxInt64 = (1n << 63n) - 1n;
const digits = /^[0-9]$/;
const suffixChars = 'eEinumkKMGTP';

interface Parts {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString: sign, numerator (leading zeros stripped), fraction, suffix. */
function splitQuantity(str: string): Parts {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  const numStart = pos;
  while (pos < end && digits.test(str[pos])) pos++;
  let num = str.slice(numStart, pos);
  if (pos >= end) return { positive, num, denom: '', suffix: '' };
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    const ds = pos;
    while (pos < end && digits.test(str[pos])) pos++;
    denom = str.slice(ds, pos);
  }
  const suffixStart = pos;
  while (pos < end && suffixChars.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && digits.test(str[pos])) pos++;
  if (pos < end) throw new Error(quantityFormatError);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(s: string): { base: 10 | 2; exp: number; format: QuantityFormat } {
  if (Object.prototype.hasOwnProperty.call(decimalSuffixes, s)) return { base: 10, exp: decimalSuffixes[s], format: 'DecimalSI' };
  if (Object.prototype.hasOwnProperty.call(binarySuffixes, s)) return { base: 2, exp: binarySuffixes[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    return { base: 10, exp: Number.parseInt(s.slice(1), 10), format: 'DecimalExponent' };
  }
  throw new Error(quantitySuffixError);
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (n: bigint): bigint => (n < 0n ? -n : n);

/** Divides rounding away from zero (inf.RoundUp). */
function divUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : n < 0n ? q - 1n : q + 1n;
}

/** The amount scaled to 10^scale units, rounded away from zero (upstream ScaledValue). */
function scaled(unscaled: bigint, exponent: number, scale: number): bigint {
  const shift = exponent - scale;
  return shift >= 0 ? unscaled * pow10(shift) : divUp(unscaled, pow10(-shift));
}

function canonical(unscaled: bigint, exponent: number, format: QuantityFormat): string {
  if (unscaled === 0n) return '0';
  let fmt = format;
  if (fmt === 'BinarySI') {
    const whole = exponent >= 0 || unscaled % pow10(-exponent) === 0n;
    const int = whole ? scaled(unscaled, exponent, 0) : 0n;
    // Small or fractional binary amounts print as DecimalSI to avoid rounding.
    if (!whole || abs(int) < 1024n) fmt = 'DecimalSI';
    else {
      let v = int;
      let k = 0;
      while (v % 1024n === 0n && k < 6) {
        v /= 1024n;
        k++;
      }
      return `${v}${binaryByExp.get(k * 10) ?? ''}`;
    }
  }
  let n = unscaled;
  let e = exponent;
  while (n % 10n === 0n) {
    n /= 10n;
    e++;
  }
  while (e % 3 !== 0) {
    n *= 10n;
    e--;
  }
  if (fmt === 'DecimalExponent') return e === 0 ? `${n}` : `${n}e${e}`;
  const suffix = decimalByExp.get(e);
  // Beyond exa there is no SI suffix; fall back to exponent notation rather than lose the magnitude.
  return suffix === undefined ? `${n}e${e}` : `${n}${suffix}`;
}

class Q implements Quantity {
  constructor(
    readonly unscaled: bigint,
    readonly exponent: number,
    readonly format: QuantityFormat,
    private readonly s?: string,
  ) {}
  get value(): number {
    // Dividing by an exact power of ten keeps 1080m at 1.08 rather than 1.0800000000000001.
    return this.exponent >= 0 ? Number(this.unscaled) * 10 ** this.exponent : Number(this.unscaled) / 10 ** -this.exponent;
  }
  get milli(): number {
    return Number(scaled(this.unscaled, this.exponent, -3));
  }
  get intValue(): number {
    return Number(scaled(this.unscaled, this.exponent, 0));
  }
  toString(): string {
    return this.s ?? canonical(this.unscaled, this.exponent, this.format);
  }
  toJSON(): string {
    return this.toString();
  }
}

/** Would upstream keep the input string as-is (its int64 fast path found it canonical)? */
function keepsInput(p: Parts, base: 10 | 2, exp: number): boolean {
  let precision: number;
  let scale: number;
  let mantissa = 1n;
  if (base === 10) {
    scale = exp;
    precision = 18 - (p.num.length + p.denom.length);
  } else {
    scale = 0;
    if (exp >= 0 && p.denom.length === 0) {
      mantissa = 1n << BigInt(exp);
      precision = 15 - p.num.length - Math.trunc((exp * 3) / 10) - 1;
    } else precision = -1;
  }
  if (precision < 0) return false;
  scale -= p.denom.length;
  if (scale < -9) return false;
  const shifted = p.num + p.denom;
  const value = BigInt(shifted);
  if (value > maxInt64 || value * mantissa > maxInt64) return false;
  if (base === 2) return exp % 10 === 0 && (value & 7n) !== 0n;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** resource.ParseQuantity; throws an Error with upstream's message when `s` is not a quantity. */
export function parseQuantity(s: string): Quantity {
  if (s.length === 0) throw new Error(quantityFormatError);
  if (s === '0') return new Q(0n, 0, 'DecimalSI', s);
  const p = splitQuantity(s);
  const { base, exp, format } = interpretSuffix(p.suffix);
  let n = BigInt(p.num + p.denom) * (p.positive ? 1n : -1n);
  let e = -p.denom.length;
  if (base === 10) e += exp;
  else n *= 1n << BigInt(exp);
  const keep = keepsInput(p, base, exp);
  // Round anything finer than nano up to 1n: asking for some resource should get some.
  if (e < -9) {
    n = divUp(n, pow10(-9 - e));
    e = -9;
  }
  let fmt = format;
  if (fmt === 'BinarySI') {
    const max = maxInt64 * (e < 0 ? pow10(-e) : 1n);
    const mag = e > 0 ? abs(n) * pow10(e) : abs(n);
    if (mag > max) {
      n = n < 0n ? -maxInt64 : maxInt64;
      e = 0;
    }
    const one = e < 0 ? pow10(-e) : 1n;
    if (n !== 0n && e < 0 && abs(n) < one) fmt = 'DecimalSI';
  }
  return new Q(n, e, fmt, keep ? s : undefined);
}

/**
 * Quantity.UnmarshalJSON: a JSON string (trimmed) or a bare JSON number such as `cpu: 0.5`.
 * Throws with upstream's message for anything else.
 */
export function quantityFromJSON(v: unknown): Quantity {
  if (typeof v === 'number' && Number.isFinite(v)) return parseQuantity(String(v));
  if (typeof v === 'string') return parseQuantity(v.trim());
  throw new Error(quantityFormatError);
}

export function isValidQuantity(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

function cmpParts(a: Quantity, b: Quantity): number {
  const e = Math.min(a.exponent, b.exponent);
  const x = a.unscaled * pow10(a.exponent - e);
  const y = b.unscaled * pow10(b.exponent - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** -1, 0 or 1 as a < b, a == b, a > b (exact). Accepts Quantity objects or strings (throws on invalid). */
export function compareQuantities(a: string | Quantity, b: string | Quantity): number {
  return cmpParts(typeof a === 'string' ? parseQuantity(a) : a, typeof b === 'string' ? parseQuantity(b) : b);
}

/** a + b, keeping a's format (upstream Quantity.Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const e = Math.min(a.exponent, b.exponent);
  return new Q(a.unscaled * pow10(a.exponent - e) + b.unscaled * pow10(b.exponent - e), e, a.format);
}

/** a − b, keeping a's format (upstream Quantity.Sub). */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return addQuantities(a, new Q(-b.unscaled, b.exponent, b.format));
}

/** resource.NewQuantity: an integer number of base units. */
export function newQuantity(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return new Q(BigInt(value), 0, format);
}

/** resource.NewMilliQuantity: an integer number of thousandths. */
export function newMilliQuantity(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return new Q(BigInt(milli), -3, format);
}

/** The canonical string upstream stores for a quantity input (throws on invalid). */
export function canonicalQuantity(s: string): string {
  return parseQuantity(s).toString();
}
