// One step of a field path, as structured-merge-diff's fieldpath.PathElement: a struct or
// map field, the key fields of an associative-list item, a set element's value, or an
// index (atomic lists never descend, so `i:` appears only when we must fall back to it).
// Serialised form (`f:`, `k:`, `v:`, `i:`) doubles as the identity used in sets.
import { isPlainObject } from '../types.js';
import { compareGoStrings, goJson, goJsonString, goValueString } from './goFormat.js';

export interface KeyField {
  readonly name: string;
  readonly value: unknown;
}

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly KeyField[] }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export const fieldPE = (name: string): PathElement => ({ kind: 'field', name });

/** Key fields sorted by name, as value.FieldList.Sort does (and so as `k:` serialises them). */
export function keyPE(fields: KeyField[]): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => compareGoStrings(a.name, b.name)) };
}

/** The FieldsV1 object key for this element (serialize-pe.go). */
export function serializePE(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return 'f:' + pe.name;
    case 'key':
      return 'k:{' + pe.fields.map((f) => goJsonString(f.name, false) + ':' + goJson(f.value)).join(',') + '}';
    case 'value':
      return 'v:' + goJson(pe.value);
    case 'index':
      return 'i:' + String(pe.index);
  }
}

/** Parses a FieldsV1 key; undefined for prefixes a newer server might use (ignored upstream). */
export function deserializePE(s: string): PathElement | undefined {
  if (s.length < 2) throw new Error(`key must be 2 characters long: ${s}`);
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldPE(rest);
    case 'v':
      return { kind: 'value', value: JSON.parse(rest) as unknown };
    case 'k': {
      const obj: unknown = JSON.parse(rest);
      if (!isPlainObject(obj)) throw new Error(`expected an object in ${s}`);
      return keyPE(Object.entries(obj).map(([name, value]) => ({ name, value })));
    }
    case 'i': {
      const n = Number(rest);
      if (!Number.isInteger(n)) throw new Error(`invalid index in ${s}`);
      return { kind: 'index', index: n };
    }
    default:
      return undefined;
  }
}

/** PathElement.String(): `.name`, `[name="nginx"]`, `[=value]`, `[3]`. */
export function peString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return '.' + pe.name;
    case 'key':
      return '[' + pe.fields.map((f) => `${f.name}=${goValueString(f.value)}`).join(',') + ']';
    case 'value':
      return `[=${goValueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** fieldpath.Path.String(), the form conflict causes carry: `.spec.containers[name="x"].image`. */
export function pathString(path: Path): string {
  return path.map(peString).join('');
}

const KIND_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** PathElement.Compare: fields, then keys, then values, then indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  switch (a.kind) {
    case 'field':
      return compareGoStrings(a.name, (b as { name: string }).name);
    case 'key':
      return compareFieldLists(a.fields, (b as { fields: readonly KeyField[] }).fields);
    case 'value':
      return compareValues(a.value, (b as { value: unknown }).value);
    case 'index': {
      const j = (b as { index: number }).index;
      return a.index < j ? -1 : a.index > j ? 1 : 0;
    }
  }
}

function compareFieldLists(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const c = compareGoStrings(a[i].name, b[i].name) || compareValues(a[i].value, b[i].value);
    if (c !== 0) return c;
  }
}

function typeRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isPlainObject(v)) return 4;
  return 5;
}

/** value.Compare: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareGoStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareGoStrings);
    for (const k of keys) {
      if (!(k in a)) return 1;
      if (!(k in b)) return -1;
      const c = compareValues(a[k], b[k]);
      if (c !== 0) return c;
    }
  }
  return 0;
}

/** value.Equals: deep equality where map key order does not matter. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    // Keys with undefined values do not count. Counted in place: this runs on every write.
    let na = 0;
    for (const k in a) {
      const av = a[k];
      if (av === undefined) continue;
      na++;
      if (!(k in b) || !valuesEqual(av, b[k])) return false;
    }
    let nb = 0;
    for (const k in b) if (b[k] !== undefined) nb++;
    return na === nb;
  }
  return false;
}
