// The schema as structured-merge-diff sees it: every node is a scalar, a list (atomic, a set,
// or a map keyed by some fields) or a map/struct (granular or atomic). The conversion from
// OpenAPI follows kube-openapi's schemaconv: `x-kubernetes-list-type` wins; otherwise a list
// with patch strategy `merge` is associative, keyed by `x-kubernetes-patch-merge-key` if
// present (a set if not); every other list is atomic. Where the schema says nothing (unknown
// fields, preserve-unknown-fields) the type is deduced from the value: maps granular, lists
// atomic.
import { type SchemaNode, type SchemaRegistry, resolveSchema } from '../schema.js';
import { isPlainObject } from '../types.js';
import { type PathElement, keyPE, serializePE as peId } from './pathElement.js';

export interface SchemaLookup {
  registry: SchemaRegistry;
  /** Definition name of the kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  ref: string;
}

/** A schema position: the registry plus a node (undefined = deduced from the value). */
export interface TypeRef {
  readonly reg: SchemaRegistry;
  readonly node: SchemaNode | undefined;
}

export type Atom =
  | { readonly t: 'scalar' }
  | { readonly t: 'list'; readonly atomic: boolean; readonly keys: readonly string[] | undefined; readonly elem: TypeRef }
  | { readonly t: 'map'; readonly atomic: boolean; readonly fields: Readonly<Record<string, SchemaNode>> | undefined; readonly elem: TypeRef };

export function rootType(lookup: SchemaLookup): TypeRef {
  return { reg: lookup.registry, node: { $ref: lookup.ref } };
}

const SCALAR: Atom = { t: 'scalar' };

function deduced(reg: SchemaRegistry, value: unknown): Atom {
  if (Array.isArray(value)) return { t: 'list', atomic: true, keys: undefined, elem: { reg, node: undefined } };
  if (isPlainObject(value)) return { t: 'map', atomic: false, fields: undefined, elem: { reg, node: undefined } };
  return SCALAR;
}

function listAtom(reg: SchemaRegistry, node: SchemaNode): Atom {
  const elem: TypeRef = { reg, node: node.items };
  const item = resolveSchema(reg, node.items);
  const itemIsObject = !!item && (item.type === 'object' || !!item.properties);
  const listType = node['x-kubernetes-list-type'];
  let atomic = true;
  let keys: string[] | undefined;
  if (listType === 'map') {
    atomic = false;
    keys = node['x-kubernetes-list-map-keys'] ?? [];
  } else if (listType === 'set') {
    atomic = false;
  } else if (listType === undefined) {
    const strategy = node['x-kubernetes-patch-strategy'];
    if (strategy === 'merge' || strategy === 'merge,retainKeys') {
      atomic = false;
      const mk = node['x-kubernetes-patch-merge-key'];
      if (mk) keys = [mk];
    }
  }
  // A keyed list of scalars, or a keyless "set" of objects, cannot be tracked item by item;
  // upstream would reject it, we treat it as one value.
  if (!atomic && keys !== undefined && (keys.length === 0 || (item && !itemIsObject))) atomic = true;
  if (!atomic && keys === undefined && itemIsObject) atomic = true;
  return { t: 'list', atomic, keys: atomic ? undefined : keys, elem };
}

/** The atom for a schema position, deduced from the value where the schema leaves it open. */
export function atomOf(tr: TypeRef, value: unknown): Atom {
  const node = resolveSchema(tr.reg, tr.node);
  if (!node) return deduced(tr.reg, value);
  const isList = node.type === 'array' || (!!node.items && node.type === undefined);
  const isMap = node.type === 'object' || (node.type === undefined && (!!node.properties || !!node.additionalProperties));
  if (isList) return Array.isArray(value) || value === null || value === undefined ? listAtom(tr.reg, node) : deduced(tr.reg, value);
  if (isMap) {
    if (!(isPlainObject(value) || value === null || value === undefined)) return deduced(tr.reg, value);
    const atomic = node['x-kubernetes-map-type'] === 'atomic';
    return { t: 'map', atomic, fields: node.properties, elem: { reg: tr.reg, node: node.additionalProperties } };
  }
  if (node.type === undefined && !node['x-kubernetes-int-or-string']) return deduced(tr.reg, value);
  return SCALAR;
}

/** The type of a map entry: a declared struct field, else the map's element type. */
export function fieldType(atom: Atom & { t: 'map' }, key: string): TypeRef {
  const f = atom.fields && Object.prototype.hasOwnProperty.call(atom.fields, key) ? atom.fields[key] : undefined;
  return f ? { reg: atom.elem.reg, node: f } : atom.elem;
}

/** The struct's `required` fields (Go fields without omitempty, present even when zero). */
export function requiredFields(tr: TypeRef): readonly string[] {
  return resolveSchema(tr.reg, tr.node)?.required ?? [];
}

export function isNamedField(atom: Atom, key: string): boolean {
  return atom.t === 'map' && !!atom.fields && Object.prototype.hasOwnProperty.call(atom.fields, key);
}

/**
 * The path element of a list item (helpers.go listItemToPathElement): key fields (with
 * schema defaults for absent ones) for keyed lists, the value itself for sets. Returns an
 * error message when the item cannot be identified.
 */
export function listItemPE(atom: Atom & { t: 'list' }, item: unknown): PathElement | string {
  if (atom.keys) {
    if (item === null) return 'associative list with keys may not have a null element';
    if (!isPlainObject(item)) return 'associative list with keys may not have non-map elements';
    const itemNode = resolveSchema(atom.elem.reg, atom.elem.node);
    const fields = [];
    for (const k of atom.keys) {
      if (item[k] !== undefined) {
        fields.push({ name: k, value: item[k] });
        continue;
      }
      const prop = itemNode?.properties?.[k];
      const def = prop?.default ?? resolveSchema(atom.elem.reg, prop)?.default;
      if (def === undefined) return `associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`;
      fields.push({ name: k, value: def });
    }
    return keyPE(fields);
  }
  if (isPlainObject(item)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null) return "associative list without keys has an element that's an explicit null";
  return { kind: 'value', value: item };
}

/** Item identities of a granular list, first occurrence wins; unidentifiable items keep their index. */
export function indexList(atom: Atom & { t: 'list' }, list: readonly unknown[]): { pe: PathElement; item: unknown }[] {
  const seen = new Set<string>();
  const out: { pe: PathElement; item: unknown }[] = [];
  list.forEach((item, i) => {
    const r = listItemPE(atom, item);
    const pe: PathElement = typeof r === 'string' ? { kind: 'index', index: i } : r;
    const id = peId(pe);
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ pe, item });
  });
  return out;
}

