// Narrowing helpers for reading kind-specific fields out of plain JSON objects, so every
// strategy reads `spec.containers` the same careful way (wrong types read as absent; the
// schema check reports the type error, validation reports what is missing).
import { num, record, str, stringMap } from '../../machinery/jsonAccess.js';
import { isPlainObject } from '../../machinery/types.js';

export type Obj = Record<string, unknown>;

export const rec: (v: unknown) => Obj | undefined = record;

/** The object at `parent[key]`, created (as `{}`) when absent or not an object. */
export function ensureRec(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isPlainObject(v)) return v;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Array items that are objects (non-objects are skipped; the schema check reports them). */
export function recs(v: unknown): Obj[] {
  return arr(v).filter(isPlainObject);
}

export { num, str };

export function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** Reads a dotted path (`spec.template.spec`) through nested objects. */
export function at(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Record of string values (labels, selectors, data maps); non-string values are dropped. */
export const strMap: (v: unknown) => Record<string, string> = stringMap;

/** Sets `obj[key] = value` only when the field is absent (upstream defaulting's "if nil"). */
export function setDefault(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
