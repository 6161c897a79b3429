// Validation errors with field paths, formatted the way upstream's field.Error does, so the
// messages users paste into a search engine are the ones Kubernetes prints.

export type FieldErrorType =
  | 'NotFound'
  | 'Required'
  | 'Duplicate'
  | 'Invalid'
  | 'NotSupported'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany'
  | 'Internal'
  | 'TypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indexes and keys: `spec.template.spec.containers[0].image`, `data[a b]`. */
  field: string;
  value?: unknown;
  detail?: string;
}

const typeText: Record<FieldErrorType, string> = {
  NotFound: 'Not found',
  Required: 'Required value',
  Duplicate: 'Duplicate value',
  Invalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  Internal: 'Internal error',
  TypeInvalid: 'Invalid value',
};

const causeReason: Record<FieldErrorType, string> = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
};

/** Types whose message omits the value (as upstream's ErrorBody does). */
const valueless = new Set<FieldErrorType>(['Required', 'Forbidden', 'TooLong', 'Internal', 'TooMany']);

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** The message without the field: `Invalid value: "Foo": a lowercase RFC 1123 …`. */
export function fieldErrorBody(e: FieldError): string {
  let s = typeText[e.type];
  if (!valueless.has(e.type) && e.value !== undefined) s += `: ${formatValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

export function fieldErrorCause(e: FieldError): { reason: string; message: string; field: string } {
  return { reason: causeReason[e.type], message: fieldErrorBody(e), field: e.field };
}

// Constructors, named after upstream's field.Required / field.Invalid / …
export const required = (field: string, detail = ''): FieldError => ({ type: 'Required', field, detail });
export const invalid = (field: string, value: unknown, detail = ''): FieldError => ({ type: 'Invalid', field, value, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail });
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'Duplicate', field, value });
export const notFound = (field: string, value: unknown): FieldError => ({ type: 'NotFound', field, value });
export const tooLong = (field: string, max: number): FieldError => ({ type: 'TooLong', field, detail: `may not be more than ${max} bytes` });
export const tooMany = (field: string, actual: number, max: number): FieldError => ({ type: 'TooMany', field, detail: `must have at most ${max} items`, value: actual });
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  return { type: 'NotSupported', field, value, detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` };
}

/** Builds child paths: `path('spec').child('containers').index(0).child('image')`. */
export class FieldPath {
  constructor(readonly text: string) {}
  child(...names: string[]): FieldPath {
    let t = this.text;
    for (const n of names) t = t ? `${t}.${n}` : n;
    return new FieldPath(t);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

export function path(...names: string[]): FieldPath {
  return new FieldPath('').child(...names);
}
