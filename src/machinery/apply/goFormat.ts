// Text the way Go prints it. FieldsV1 keys, conflict paths and the last-applied annotation
// are produced by Go code upstream (jsoniter/encoding/json with HTML escaping, fmt's %q and
// %v), and clients compare or display them verbatim, so we reproduce those encoders here.
import { isPlainObject } from '../types.js';

// Characters goJsonString rewrites (with and without EscapeHTML).
const needsEscape = /["\\\u0000-\u001f\u2028\u2029]/;
const needsEscapeHtml = /["\\\u0000-\u001f\u2028\u2029<>&]/;

/** JSON string literal as encoding/json writes it (EscapeHTML on: `<`, `>`, `&`, U+2028/9). */
export function goJsonString(s: string, escapeHtml = true): string {
  // Most strings (field names, label values) need no escape: skip the char-by-char copy.
  if (!(escapeHtml ? needsEscapeHtml : needsEscape).test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20) out += '\\u00' + c.toString(16).padStart(2, '0');
    else if (escapeHtml && (c === 0x3c || c === 0x3e || c === 0x26)) out += '\\u00' + c.toString(16);
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else out += s[i];
  }
  return out + '"';
}

/** encoding/json Marshal of a JSON value: map keys sorted, HTML escaped, no spaces. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  if (isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(compareGoStrings);
    return '{' + keys.map((k) => goJsonString(k) + ':' + goJson(v[k])).join(',') + '}';
  }
  return 'null';
}

/** strings.Compare: byte order of the UTF-8 encoding, which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code point in UTF-8.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** fmt's %q (strconv.Quote) for the printable strings Kubernetes names and values are. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    switch (c) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c < 0xa0) out += '\\u' + c.toString(16).padStart(4, '0');
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/**
 * fmt's %v for a float64: shortest digits, exponent form when the exponent is < -4 or >= 6
 * (strconv 'g' with shortest precision). Integers arrive as int64 upstream and print plainly.
 */
export function goFormatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mant, expStr] = n.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(n);
}

/** value.ToString from structured-merge-diff: how key and set values appear in field paths. */
export function goValueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return goFormatNumber(v);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(goValueString).join(',') + ']';
  if (isPlainObject(v)) return Object.keys(v).map((k) => `${k}=${goValueString(v[k])}`).join('');
  return '{{undefined}}';
}
