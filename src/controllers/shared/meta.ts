// Small readers and writers over plain JSON objects shared by the controllers: metav1.Time
// formatting, int32 fields that default to zero, deep copies, and the "omitempty" equality
// upstream gets for free from Go structs (an absent field and its zero value are the same).
import { isPlainObject, type KubeObject } from '../../machinery/types.js';
import { rfc3339 } from '../../machinery/time.js';
import { cloneJson } from '../../machinery/clone.js';

// The JSON readers are the ones the resource strategies use: one vocabulary for both layers.
export { ensureRec, num, rec, recs, str, strMap, type Obj } from '../../resources/shared/access.js';
import { num, rec, type Obj } from '../../resources/shared/access.js';

export function specOf(obj: KubeObject): Obj {
  return rec(obj.spec) ?? {};
}

export function statusOf(obj: KubeObject): Obj {
  return rec(obj.status) ?? {};
}

/** An int32 field read the way a Go value field reads: absent is 0. */
export function int(obj: Obj, key: string): number {
  return num(obj[key]) ?? 0;
}

export function clone<T>(v: T): T {
  return cloneJson(v);
}

/** metav1.Time on the wire: RFC 3339 in whole seconds, UTC. */
export const metaTime = (nowMs: number): string => rfc3339(nowMs);

/** Milliseconds since the epoch, or undefined for an absent / unparsable time (Go's zero time). */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** The tie-break upstream's sort orders share: older first (an absent time as the zero time), then by name. */
export function compareByCreation(a: KubeObject, b: KubeObject): number {
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === 0 || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

/** A copy without zero values, recursively (what `omitempty` leaves on the wire). */
export function omitEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(omitEmpty);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    const pruned = omitEmpty(val);
    if (!isEmpty(pruned)) out[k] = pruned;
  }
  return out;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * apimachinery's equality.Semantic.DeepEqual over JSON: nil and empty slices/maps are equal,
 * and (since our objects come from JSON, not Go structs) so are absent and zero scalars.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(omitEmpty(a), omitEmpty(b));
}

/** Key order-independent JSON (object keys sorted), for hashing. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
