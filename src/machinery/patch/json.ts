// Small helpers over plain JSON values (the output of JSON.parse), shared by the patch
// implementations. Go-style formatting lives here because upstream error messages print
// maps and lists with fmt's %v, and kubectl users search for those exact strings.

import { cloneJson } from '../clone.js';

export type JsonMap = Record<string, unknown>;

export function isMap(v: unknown): v is JsonMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

export function deepClone<T>(v: T): T {
  return cloneJson(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Go's `==` on interface values holding JSON scalars (maps and lists never compare equal). */
export function goEq(a: unknown, b: unknown): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x !== null && typeof x === 'object') return false;
  return x === y;
}

/** The type class Go's reflect.TypeOf would give a decoded JSON value. */
export type JsonKind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';

export function jsonKind(v: unknown): JsonKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    default:
      return 'bool';
  }
}

function goNumber(n: number): string {
  if (Number.isInteger(n)) return n.toFixed(0);
  // Go prints exponents with at least two digits (1e-07), JS with one (1e-7).
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** fmt.Sprintf("%v", v) for a decoded JSON value: `map[a:1 b:[x y]]`, `<nil>`. */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

/** reflect.TypeOf(v).String() for a decoded JSON value (the apiserver decodes integers as int64). */
export function goTypeName(v: unknown): string {
  switch (jsonKind(v)) {
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'bool':
      return 'bool';
    default:
      return '%!s(<nil>)';
  }
}
