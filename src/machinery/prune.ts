// Unknown-field pruning and type checking of a decoded JSON object against its structural
// schema, as the apiserver's decoding does upstream: unknown fields are dropped (and reported
// for ?fieldValidation=Strict|Warn in sigs.k8s.io/json's strict-error form,
// `spec.template.spec.containers[0].foo`), and values of the wrong JSON type are reported with
// encoding/json's wording (`json: cannot unmarshal string into Go struct field
// ContainerPort.spec.template.spec.containers.ports.containerPort of type int32`).
// Not detectable here: duplicate keys (JSON.parse keeps the last) and number spellings
// (`1.0`, `1e3` are integers once parsed).
import { type SchemaNode, type SchemaRegistry } from './schema.js';
import { isPlainObject } from './types.js';

export interface PruneResult {
  /** Paths of the removed unknown fields, in document order. */
  unknown: string[];
  /** Decode errors in upstream's wording; upstream stops at the first, so callers usually report `typeErrors[0]`. */
  typeErrors: string[];
}

interface Walk {
  reg: SchemaRegistry;
  unknown: string[];
  typeErrors: string[];
}

/**
 * Where a value sits, as parent links: every field of every request body is walked, and
 * its path is only spelled out when something is reported there.
 */
interface PathNode {
  readonly parent: PathNode | undefined;
  readonly seg: string;
  /** `field` joins with a dot unless first, `entry` (map key) always with a dot, `index` as `[i]`. */
  readonly kind: 'field' | 'entry' | 'index';
}

function pathText(p: PathNode | undefined): string {
  if (!p) return '';
  const parent = pathText(p.parent);
  if (p.kind === 'index') return `${parent}[${p.seg}]`;
  return p.kind === 'field' && parent === '' ? p.seg : `${parent}.${p.seg}`;
}

/**
 * Go's struct-field error context: the innermost struct type and the JSON field names from
 * the root (this field's and its parents'). Undefined at the root.
 */
interface GoContext {
  readonly parent: GoContext | undefined;
  readonly field: string;
  readonly struct: string;
}

function fieldNames(go: GoContext | undefined): string[] {
  const out: string[] = [];
  for (let x = go; x; x = x.parent) out.push(x.field);
  return out.reverse();
}

interface Resolved {
  node: SchemaNode | undefined;
  /** The last definition name followed, for Go type names. */
  name: string;
  preserve: boolean;
}

const quantityNumber = /^([+-]?[0-9]*\.?[0-9]*)(.*)$/;
const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const quantitySuffixes = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function checkAndPrune(obj: unknown, lookup: { registry: SchemaRegistry; ref: string }): PruneResult {
  const w: Walk = { reg: lookup.registry, unknown: [], typeErrors: [] };
  walk(w, obj, { $ref: lookup.ref }, undefined, undefined, true);
  return { unknown: w.unknown, typeErrors: w.typeErrors };
}

/** resolve() is pure per (registry, node): remembered, as every value of a body resolves its node. */
const resolvedCache = new WeakMap<SchemaRegistry, WeakMap<SchemaNode, Resolved>>();

function resolve(reg: SchemaRegistry, node: SchemaNode | undefined): Resolved {
  if (!node) return { node: undefined, name: '', preserve: false };
  let byNode = resolvedCache.get(reg);
  if (!byNode) resolvedCache.set(reg, (byNode = new WeakMap()));
  let r = byNode.get(node);
  if (!r) byNode.set(node, (r = resolveUncached(reg, node)));
  return r;
}

function resolveUncached(reg: SchemaRegistry, node: SchemaNode): Resolved {
  let n: SchemaNode | undefined = node;
  let name = '';
  let preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  for (let i = 0; n?.$ref !== undefined && i < 16; i++) {
    name = n.$ref;
    n = reg.definitions[n.$ref];
    if (n?.['x-kubernetes-preserve-unknown-fields'] === true) preserve = true;
  }
  return { node: n, name, preserve };
}

function walk(w: Walk, value: unknown, schema: SchemaNode | undefined, path: PathNode | undefined, go: GoContext | undefined, root: boolean): void {
  // null decodes to the zero value of any Go type: never an error.
  if (value === null || value === undefined) return;
  const r = resolve(w.reg, schema);
  const node = r.node;
  if (!node) return;

  if (node['x-kubernetes-int-or-string']) return checkIntOrString(w, value);
  if (node.format === 'quantity') return checkQuantity(w, value);

  const type = node.type ?? (node.properties || node.additionalProperties ? 'object' : undefined);
  switch (type) {
    case 'object':
      if (!isPlainObject(value)) return typeError(w, value, r, go);
      if (node.properties) return walkStruct(w, value, node, r, path, go, root);
      if (node.additionalProperties) {
        for (const [k, v] of Object.entries(value)) walk(w, v, node.additionalProperties, { parent: path, seg: k, kind: 'entry' }, go, false);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) return typeError(w, value, r, go);
      value.forEach((item, i) => walk(w, item, node.items, { parent: path, seg: String(i), kind: 'index' }, go, false));
      return;
    case 'string':
      if (typeof value !== 'string') {
        if (node.format === 'date-time') return pushError(w, `json: cannot unmarshal ${jsonKind(value)} into Go value of type string`);
        return typeError(w, value, r, go);
      }
      if (node.format === 'date-time' && !rfc3339.test(value)) {
        return pushError(w, `parsing time "${value}" as "2006-01-02T15:04:05Z07:00": cannot parse "${value}" as "2006"`);
      }
      if (node.format === 'byte') {
        const bad = base64Error(value);
        if (bad !== undefined) pushError(w, `illegal base64 data at input byte ${bad}`);
      }
      return;
    case 'integer':
      if (typeof value !== 'number') return typeError(w, value, r, go);
      if (!Number.isInteger(value) || !fitsInteger(value, node.format)) return typeError(w, value, r, go, `number ${value}`);
      return;
    case 'number':
      if (typeof value !== 'number') return typeError(w, value, r, go);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') return typeError(w, value, r, go);
      return;
    default:
      return;
  }
}

function walkStruct(w: Walk, value: Record<string, unknown>, node: SchemaNode, r: Resolved, path: PathNode | undefined, go: GoContext | undefined, root: boolean): void {
  const props = node.properties ?? {};
  const struct = shortName(r.name);
  for (const key of Object.keys(value)) {
    const fieldPath: PathNode = { parent: path, seg: key, kind: 'field' };
    const prop = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
    if (prop) {
      walk(w, value[key], prop, fieldPath, { parent: go, field: key, struct }, false);
      continue;
    }
    if (root && (key === 'apiVersion' || key === 'kind')) continue;
    if (r.preserve) continue;
    if (node.additionalProperties) {
      walk(w, value[key], node.additionalProperties, fieldPath, go, false);
      continue;
    }
    delete value[key];
    w.unknown.push(pathText(fieldPath));
  }
}

function pushError(w: Walk, msg: string): void {
  w.typeErrors.push(msg);
}

function typeError(w: Walk, value: unknown, r: Resolved, go: GoContext | undefined, what = jsonKind(value)): void {
  const type = goTypeName(w.reg, r);
  if (!go || go.struct === '') {
    pushError(w, `json: cannot unmarshal ${what} into Go value of type ${type}`);
  } else {
    pushError(w, `json: cannot unmarshal ${what} into Go struct field ${go.struct}.${fieldNames(go).join('.')} of type ${type}`);
  }
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/** `io.k8s.api.core.v1.ContainerPort` → `ContainerPort`. */
function shortName(ref: string): string {
  return ref.slice(ref.lastIndexOf('.') + 1);
}

/** The Go type upstream names in decode errors: `v1.Container`, `[]string`, `map[string]string`, `int32`. */
function goTypeName(reg: SchemaRegistry, r: Resolved, depth = 0): string {
  if (r.name !== '') {
    const parts = r.name.split('.');
    if (parts.length >= 2) return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  const n = r.node;
  if (!n || depth > 8) return 'interface {}';
  const sub = (s: SchemaNode | undefined): string => goTypeName(reg, resolve(reg, s), depth + 1);
  switch (n.type) {
    case 'string':
      return n.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return n.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${sub(n.items)}`;
    case 'object':
      return n.additionalProperties ? `map[string]${sub(n.additionalProperties)}` : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

function fitsInteger(v: number, format: string | undefined): boolean {
  if (format === 'int32') return v >= -2147483648 && v <= 2147483647;
  return Math.abs(v) <= Number.MAX_SAFE_INTEGER * 1024;
}

/** intstr.IntOrString.UnmarshalJSON: a string, or else decoded into an int32. */
function checkIntOrString(w: Walk, value: unknown): void {
  if (typeof value === 'string') return;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && fitsInteger(value, 'int32')) return;
    return pushError(w, `json: cannot unmarshal number ${value} into Go value of type int32`);
  }
  pushError(w, `json: cannot unmarshal ${jsonKind(value)} into Go value of type int32`);
}

/** resource.Quantity.UnmarshalJSON accepts a JSON string or number in quantity syntax. */
function checkQuantity(w: Walk, value: unknown): void {
  if (typeof value === 'number') return;
  if (typeof value !== 'string') return pushError(w, quantityFormatError);
  // Like resource.ParseQuantity: a signed decimal number, then whatever follows is the suffix.
  const m = quantityNumber.exec(value.trim());
  if (!m || !/[0-9]/.test(m[1])) return pushError(w, quantityFormatError);
  const suffix = m[2];
  if (!quantitySuffixes.has(suffix) && !/^[eE][-+]?[0-9]+$/.test(suffix)) pushError(w, "unable to parse quantity's suffix");
}

/** Offset of the first problem as Go's base64.StdEncoding reports it, or undefined if valid. */
function base64Error(s: string): number | undefined {
  const alphabet = /[A-Za-z0-9+/]/;
  let quantum = 0;
  let quantumStart = 0;
  let padding = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\r' || c === '\n') continue;
    if (padding > 0) {
      if (c !== '=' || quantum + padding >= 4) return i;
      padding++;
      continue;
    }
    if (c === '=') {
      if (quantum < 2) return i;
      padding = 1;
      continue;
    }
    if (!alphabet.test(c)) return i;
    if (quantum === 0) quantumStart = i;
    quantum = (quantum + 1) % 4;
  }
  if (padding > 0) return quantum + padding === 4 ? undefined : s.length;
  return quantum === 0 ? undefined : quantumStart;
}
