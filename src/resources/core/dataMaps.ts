// What ConfigMaps and Secrets share: key checks (IsConfigMapKey), the 1 MiB total size,
// base64 byte maps, and the `immutable` rule (validation.go ValidateConfigMapUpdate /
// ValidateSecretUpdate).
import { type FieldError, forbidden, invalid, tooLong } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { jsonEqual, rec } from '../shared/access.js';
import { configMapKey } from '../shared/validate.js';

/** core.MaxSecretSize, also the ConfigMap limit. */
export const maxDataSize = 1024 * 1024;

/**
 * field.TooLong for the 1 MiB limit. Since Kubernetes 1.32 it reads `Too long: may not be
 * more than 1048576 bytes` (older servers said `must have at most …`); we serve 1.33.
 */
export function tooLongBytes(field: string): FieldError {
  return tooLong(field, maxDataSize);
}

const base64Re = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decoded length of a base64 value ([]byte fields are base64 in JSON), or the Go decoder's
 * error text when it is not valid standard base64.
 */
export function base64Length(value: string): number | string {
  if (value.length % 4 !== 0 || !base64Re.test(value)) {
    const bad = value.search(/[^A-Za-z0-9+/=]/);
    const at = bad >= 0 ? bad : Math.max(0, value.length - (value.length % 4 || 4));
    return `illegal base64 data at input byte ${at}`;
  }
  return Buffer.from(value, 'base64').length;
}

/** Keys valid, values strings; returns the summed byte size (UTF-8 or decoded base64). */
export function validateDataMap(map: unknown, field: string, binary: boolean, errs: FieldError[]): number {
  let total = 0;
  for (const [k, v] of Object.entries(rec(map) ?? {})) {
    errs.push(...configMapKey(k, `${field}[${k}]`));
    if (typeof v !== 'string') continue;
    if (!binary) {
      total += Buffer.byteLength(v, 'utf8');
      continue;
    }
    const n = base64Length(v);
    if (typeof n === 'string') errs.push(invalid(`${field}[${k}]`, '<secret contents redacted>', n));
    else total += n;
  }
  return total;
}

/** Once `immutable: true`, the flag and the data stay as they are. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  const msg = 'field is immutable when `immutable` is set';
  if (obj.immutable !== true) errs.push(forbidden('immutable', msg));
  for (const f of fields) {
    if (!jsonEqual(emptyToUndefined(obj[f]), emptyToUndefined(old[f]))) errs.push(forbidden(f, msg));
  }
  return errs;
}

// Go's reflect.DeepEqual tells nil from empty maps, but JSON round trips drop the difference.
function emptyToUndefined(v: unknown): unknown {
  const r = rec(v);
  return r && Object.keys(r).length === 0 ? undefined : v;
}

export function dataCount(...maps: unknown[]): number {
  return maps.reduce<number>((n, m) => n + Object.keys(rec(m) ?? {}).length, 0);
}
