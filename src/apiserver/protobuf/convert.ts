// Turns a decoded protobufjs message into the JSON shape Go's encoding/json gives the same
// object, i.e. what kubectl would have sent had it used JSON:
// - gogo-protobuf writes every non-pointer scalar even when zero, so a zero scalar is dropped
//   (Go `omitempty`) unless the field carries (emit_zero) (Go pointer, or no omitempty);
// - message fields present on the wire are kept, even empty (`emptyDir: {}`, `status: {}`);
// - empty repeated fields and maps are dropped (proto cannot tell nil from empty; Go decodes nil);
// - (inline) fields are Go embedded structs: their fields are merged into the parent;
// - bytes become base64; int64 become numbers; apimachinery wrapper types get their JSON forms.
import protobuf from 'protobufjs';
import { formatGoDuration } from './goDuration.js';

/** Decodes a RawExtension whose bytes are themselves a `k8s\0` protobuf envelope. */
export type NestedDecoder = (raw: Uint8Array) => Record<string, unknown>;

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1.';
const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const PROTOBUF_MAGIC = [0x6b, 0x38, 0x73, 0x00];

type Special = (msg: object, nested: NestedDecoder) => unknown;

const SPECIAL: Record<string, Special> = {
  // metav1.Time.Unmarshal: empty bytes mean the zero time (JSON null); nanos are dropped.
  [`${META}Time`]: (msg) => (has(msg, 'seconds') || has(msg, 'nanos') ? rfc3339(int64Of(msg, 'seconds'), 0, false) : undefined),
  // metav1.MicroTime keeps microseconds: RFC3339 with exactly six fraction digits.
  [`${META}MicroTime`]: (msg) =>
    has(msg, 'seconds') || has(msg, 'nanos') ? rfc3339(int64Of(msg, 'seconds'), Number(Reflect.get(msg, 'nanos') ?? 0), true) : undefined,
  [`${META}Duration`]: (msg) => formatGoDuration(BigInt(int64Text(Reflect.get(msg, 'duration') ?? 0))),
  [`${META}FieldsV1`]: (msg) => rawJson(Reflect.get(msg, 'Raw'), 'FieldsV1'),
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': (msg, nested) => rawExtension(Reflect.get(msg, 'raw'), nested),
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': (msg) => {
    // An empty Quantity unmarshals to zero, which marshals as "0".
    const text = Reflect.get(msg, 'string');
    return typeof text === 'string' && text !== '' ? text : '0';
  },
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': (msg) => {
    const type = Number(int64Text(Reflect.get(msg, 'type') ?? 0));
    if (type === 0) return Number(Reflect.get(msg, 'intVal') ?? 0);
    if (type === 1) return String(Reflect.get(msg, 'strVal') ?? '');
    throw new Error(`impossible IntOrString.Type ${type}`);
  },
};

/** JSON object (or wrapper value) for one decoded message of `type`. */
export function messageToJson(type: protobuf.Type, msg: object, nested: NestedDecoder): unknown {
  const special = SPECIAL[type.fullName];
  if (special) return special(msg, nested);
  // ExtraValue (authentication, authorization, certificates) is a Go []string.
  if (type.name === 'ExtraValue') return listOf(msg, 'items');
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!has(msg, field.name)) continue;
    const raw: unknown = Reflect.get(msg, field.name);
    if (field.map) {
      const entries = raw !== null && typeof raw === 'object' ? Object.entries(raw) : [];
      if (entries.length === 0) continue;
      out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(field, v, nested) ?? null]));
      continue;
    }
    if (field.repeated) {
      if (!Array.isArray(raw) || raw.length === 0) continue;
      out[field.name] = raw.map((v: unknown) => valueToJson(field, v, nested) ?? null);
      continue;
    }
    const value = valueToJson(field, raw, nested);
    if (field.resolvedType instanceof protobuf.Type) {
      if (value === undefined) continue;
      if (field.options?.['(inline)'] === true && value !== null && typeof value === 'object') Object.assign(out, value);
      else out[field.name] = value;
      continue;
    }
    if (isZero(value) && field.options?.['(emit_zero)'] !== true) continue;
    out[field.name] = value;
  }
  return out;
}

function valueToJson(field: protobuf.Field, value: unknown, nested: NestedDecoder): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    if (value === null || typeof value !== 'object') return undefined;
    return messageToJson(resolved, value, nested);
  }
  if (resolved instanceof protobuf.Enum) return value;
  if (field.type === 'bytes') return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : '';
  if (INT64_TYPES.has(field.type)) return Number(int64Text(value));
  return value;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false || value === undefined || value === null;
}

function has(msg: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, name);
}

function listOf(msg: object, name: string): unknown[] {
  const v: unknown = Reflect.get(msg, name);
  return Array.isArray(v) ? [...v] : [];
}

/** Decimal text of an int64 as protobufjs hands it over: a number or a Long. */
function int64Text(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value) return String(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  throw new Error(`unexpected int64 value ${String(value)}`);
}

function int64Of(msg: object, name: string): number {
  return Number(int64Text(Reflect.get(msg, name) ?? 0));
}

/** Go's RFC3339 (seconds) or RFC3339Micro rendering of a UTC instant. */
function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const iso = new Date(seconds * 1000).toISOString();
  const base = iso.slice(0, iso.indexOf('.'));
  if (!micro) return `${base}Z`;
  const micros = Math.floor(Math.max(0, nanos) / 1000);
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

function rawJson(raw: unknown, what: string): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new Error(`${what} does not hold valid JSON`);
  }
}

function rawExtension(raw: unknown, nested: NestedDecoder): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  if (raw.length >= 4 && PROTOBUF_MAGIC.every((b, i) => raw[i] === b)) return nested(raw);
  return rawJson(raw, 'RawExtension');
}
