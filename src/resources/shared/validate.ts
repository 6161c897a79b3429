// Field-level checks the kinds share, each returning FieldErrors with upstream wording
// (pkg/apis/core/validation: ValidateDNS1123Label, ValidateNonnegativeField,
// ValidateImmutableField, ValidatePortNumOrName, ValidateNonnegativeQuantity …).
import { type FieldError, invalid, required } from '../../machinery/fieldErrors.js';
import {
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
} from '../../machinery/names.js';
import { fieldImmutableErrorMsg, isNegativeErrorMsg } from '../../machinery/objectMeta.js';
import { compareQuantities, parseQuantity, quantityFormatError } from '../../machinery/quantity.js';
import { jsonEqual } from './access.js';

export const maxInt32 = 2147483647;

export function dns1123Label(value: string, field: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(field, value, m));
}

export function dns1123Subdomain(value: string, field: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(field, value, m));
}

export function qualifiedName(value: string, field: string): FieldError[] {
  return isQualifiedName(value).map((m) => invalid(field, value, m));
}

export function configMapKey(value: string, field: string): FieldError[] {
  return isConfigMapKey(value).map((m) => invalid(field, value, m));
}

/** ValidateNonnegativeField: numbers below zero. Absent or non-numbers pass (the schema checks types). */
export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, isNegativeErrorMsg)] : [];
}

/** Integer in [lo, hi] (InclusiveRangeError wording), when present. */
export function inRange(value: unknown, lo: number, hi: number, field: string): FieldError[] {
  if (typeof value !== 'number') return [];
  return value < lo || value > hi ? [invalid(field, value, inclusiveRangeError(lo, hi))] : [];
}

/** ValidateImmutableField: `Invalid value: <new>: field is immutable`. */
export function immutable(newValue: unknown, oldValue: unknown, field: string): FieldError[] {
  return jsonEqual(newValue ?? null, oldValue ?? null) ? [] : [invalid(field, newValue ?? null, fieldImmutableErrorMsg)];
}

/** ValidatePortNumOrName: an IntOrString naming a port number or an IANA service name. */
export function portNumOrName(value: unknown, field: string): FieldError[] {
  if (typeof value === 'number') return isValidPortNum(value).map((m) => invalid(field, value, m));
  if (typeof value === 'string') return isValidPortName(value).map((m) => invalid(field, value, m));
  return [required(field)];
}

export function portNum(value: unknown, field: string): FieldError[] {
  if (typeof value !== 'number') return [required(field)];
  return isValidPortNum(value).map((m) => invalid(field, value, m));
}

/** A quantity string or number that parses and is not negative (ValidateNonnegativeQuantity). */
export function nonNegativeQuantity(value: unknown, field: string): FieldError[] {
  const q = quantityOf(value);
  if (q === undefined) return [invalid(field, value, quantityFormatError)];
  return compareQuantities(q, '0') < 0 ? [invalid(field, q, isNegativeErrorMsg)] : [];
}

/** The string form of a quantity value if it parses, else undefined. */
export function quantityOf(value: unknown): string | undefined {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  if (s === undefined) return undefined;
  try {
    parseQuantity(s);
    return s;
  } catch {
    return undefined;
  }
}

/** Rewrites the quantities of a resource list to upstream's canonical form ("1.5" → "1500m"). */
export function canonicalizeResourceList(list: unknown): void {
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return;
  const rl = list as Record<string, unknown>;
  for (const [k, v] of Object.entries(rl)) {
    const s = quantityOf(v);
    if (s !== undefined) rl[k] = parseQuantity(s).toString();
  }
}

/** A path that must stay inside its parent (validateLocalDescendingPath). */
export function localDescendingPath(p: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(field, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(field, p, "must not contain '..'"));
  return errs;
}

/** validateLocalNonReservedPath: a descending path that also may not start with `..`. */
export function localNonReservedPath(p: string, field: string): FieldError[] {
  const errs = localDescendingPath(p, field);
  if (p.startsWith('..')) errs.push(invalid(field, p, "must not start with '..'"));
  return errs;
}
