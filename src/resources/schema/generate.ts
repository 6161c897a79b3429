// Derives the structural schemas of the served kinds from generated client model
// metadata (the `attributeTypeMap` of @kubernetes/client-node's model classes), names them
// as upstream's OpenAPI does, and lays our overlay (patch strategies, list types, quantities,
// descriptions) on top. Pure: scripts/generateSchemas.mjs feeds it the models at build time.
import type { SchemaNode } from '../../machinery/schema.js';
import { definitionPackage, metaPackage, type SchemaKind } from './kinds.js';

export interface ModelAttribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

export interface FieldDescriptions {
  description?: string;
  fields?: Readonly<Record<string, string>>;
}

/** A field patch: keys set to `undefined` are removed from the generated node. */
export type NodePatch = { [K in keyof SchemaNode]?: SchemaNode[K] | undefined };

export interface DefinitionPatch {
  /** Merged into the definition node itself (e.g. `x-kubernetes-map-type`). */
  node?: NodePatch;
  /** Merged into each named property. */
  fields?: Readonly<Record<string, NodePatch>>;
}

export interface SchemaOverlay {
  /** Model classes of apimachinery's meta/v1 package. */
  metaModels: readonly string[];
  /** Model classes whose upstream name the first-reaching-kind rule gets wrong. */
  definitionNames: Readonly<Record<string, string>>;
  /** Named definitions that have no model class (Time, Quantity, IntOrString …). */
  builtinDefinitions: Readonly<Record<string, SchemaNode>>;
  /** Per definition name. Naming a definition or field that is not generated is an error. */
  definitions: Readonly<Record<string, DefinitionPatch>>;
}

export interface GenerateInput {
  /** Model class name → its attribute list. */
  models: Readonly<Record<string, readonly ModelAttribute[] | undefined>>;
  /** Model class name → JSON names of its required (non-optional) properties. */
  required: Readonly<Record<string, readonly string[] | undefined>>;
  kinds: readonly SchemaKind[];
  overlay: SchemaOverlay;
  descriptions: Readonly<Record<string, FieldDescriptions>>;
}

export const TIME = `${metaPackage}.Time`;
export const MICRO_TIME = `${metaPackage}.MicroTime`;
export const FIELDS_V1 = `${metaPackage}.FieldsV1`;
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

const groupPrefixes: Record<string, string> = {
  Core: '',
  Events: 'events.k8s.io',
  Discovery: 'discovery.k8s.io',
  Storage: 'storage.k8s.io',
  Authentication: 'authentication.k8s.io',
  Rbac: 'rbac.authorization.k8s.io',
  Resource: 'resource.k8s.io',
  Flowcontrol: 'flowcontrol.apiserver.k8s.io',
  Admissionregistration: 'admissionregistration.k8s.io',
  Apiextensions: 'apiextensions.k8s.io',
  Apiregistration: 'apiregistration.k8s.io',
};

const modelNamePattern = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;

/** `V1ContainerPort` → { version: 'v1', short: 'ContainerPort' }; `CoreV1Event` also yields group ''. */
export function parseModelName(model: string): { group?: string; version: string; short: string } | undefined {
  const m = modelNamePattern.exec(model);
  if (!m) return undefined;
  const [, prefix, v, short] = m;
  const version = v.charAt(0).toLowerCase() + v.slice(1);
  if (prefix === undefined) return { version, short };
  const group = groupPrefixes[prefix];
  return group === undefined ? undefined : { group, version, short };
}

export function generateSchemaDefinitions(input: GenerateInput): Record<string, SchemaNode> {
  const { models, overlay } = input;
  const nameOf = new Map<string, string>();
  const defs: Record<string, SchemaNode> = {};
  const owner = new Map<string, string>();
  const metaModels = new Set(overlay.metaModels);

  const assign = (model: string, definition: string): void => {
    const prev = owner.get(definition);
    if (prev !== undefined && prev !== model) throw new Error(`schema generation: ${model} and ${prev} both map to ${definition}`);
    owner.set(definition, model);
    nameOf.set(model, definition);
  };

  for (const k of input.kinds) {
    assign(k.model, k.definition);
    if (k.list) assign(`${k.model}List`, `${k.definition}List`);
  }

  const defineModel = (model: string, kind: SchemaKind): string => {
    const known = nameOf.get(model);
    if (known !== undefined && defs[known]) return known;
    let name = known ?? overlay.definitionNames[model];
    if (name === undefined) {
      const parsed = parseModelName(model);
      if (!parsed) throw new Error(`schema generation: cannot name model class ${model}`);
      if (metaModels.has(model)) name = `${definitionPackage('meta', parsed.version)}.${parsed.short}`;
      else name = `${definitionPackage(parsed.group ?? kind.group, parsed.version)}.${parsed.short}`;
    }
    assign(model, name);
    const attrs = models[model];
    if (!attrs) throw new Error(`schema generation: model class ${model} not found in the client models`);
    const node: SchemaNode = { type: 'object', properties: {} };
    defs[name] = node;
    const props = node.properties as Record<string, SchemaNode>;
    for (const a of attrs) props[a.baseName] = typeNode(a.type, a.format, kind);
    const req = (input.required[model] ?? []).filter((r) => r in props);
    if (req.length > 0) node.required = [...req];
    return name;
  };

  const typeNode = (type: string, format: string, kind: SchemaKind): SchemaNode => {
    const t = type.trim();
    const arr = /^Array<(.*)>$/.exec(t);
    if (arr) return { type: 'array', items: typeNode(arr[1], format, kind) };
    const map = /^\{ \[key: string\]: (.*); \}$/.exec(t);
    if (map) return { type: 'object', additionalProperties: typeNode(map[1], format, kind) };
    switch (t) {
      case 'string':
        return format === '' ? { type: 'string' } : { type: 'string', format };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        if (format === 'int32' || format === 'int64') return { type: 'integer', format };
        return format === '' ? { type: 'number' } : { type: 'number', format };
      case 'Date':
        return { $ref: TIME };
      case 'V1MicroTime':
        return { $ref: MICRO_TIME };
      case 'IntOrString':
        return { $ref: INT_OR_STRING };
      case 'any':
      case 'object':
        return { $ref: RAW_EXTENSION };
      default:
        return { $ref: defineModel(t, kind) };
    }
  };

  for (const k of input.kinds) {
    defineModel(k.model, k);
    if (k.list) defineModel(`${k.model}List`, k);
  }

  for (const [name, node] of Object.entries(overlay.builtinDefinitions)) defs[name] = structuredClone(node);

  const groupVersions = uniqueGroupVersions(input.kinds);
  for (const k of input.kinds) {
    const gvk = (kind: string) => ({ group: k.group, kind, version: k.version });
    defs[k.definition]['x-kubernetes-group-version-kind'] = k.everyGroupVersion
      ? groupVersions.map((gv) => ({ group: gv.group, kind: k.kind, version: gv.version }))
      : [gvk(k.kind)];
    if (k.list) defs[`${k.definition}List`]['x-kubernetes-group-version-kind'] = [gvk(`${k.kind}List`)];
  }

  for (const [name, patch] of Object.entries(overlay.definitions)) applyPatch(defs, name, patch);
  for (const [name, d] of Object.entries(input.descriptions)) applyDescriptions(defs, name, d);

  checkRefs(defs);
  const sorted: Record<string, SchemaNode> = {};
  for (const name of Object.keys(defs).sort()) sorted[name] = defs[name];
  return sorted;
}

function uniqueGroupVersions(kinds: readonly SchemaKind[]): { group: string; version: string }[] {
  const seen = new Set<string>();
  const out: { group: string; version: string }[] = [];
  for (const k of kinds) {
    const key = `${k.group}/${k.version}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ group: k.group, version: k.version });
    }
  }
  return out;
}

function mergeNode(target: SchemaNode, patch: NodePatch): void {
  const t = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete t[key];
    else t[key] = structuredClone(value);
  }
}

function applyPatch(defs: Record<string, SchemaNode>, name: string, patch: DefinitionPatch): void {
  const def = defs[name];
  if (!def) throw new Error(`schema overlay: no definition ${name}`);
  if (patch.node) mergeNode(def, patch.node);
  for (const [field, fp] of Object.entries(patch.fields ?? {})) {
    const prop = def.properties?.[field];
    if (!prop) throw new Error(`schema overlay: ${name} has no field ${field}`);
    mergeNode(prop, fp);
  }
}

function applyDescriptions(defs: Record<string, SchemaNode>, name: string, d: FieldDescriptions): void {
  const def = defs[name];
  if (!def) throw new Error(`schema descriptions: no definition ${name}`);
  if (d.description !== undefined) def.description = d.description;
  for (const [field, text] of Object.entries(d.fields ?? {})) {
    const prop = def.properties?.[field];
    if (!prop) throw new Error(`schema descriptions: ${name} has no field ${field}`);
    prop.description = text;
  }
}

function checkRefs(defs: Record<string, SchemaNode>): void {
  const visit = (n: SchemaNode | undefined, where: string): void => {
    if (!n) return;
    if (n.$ref !== undefined && !defs[n.$ref]) throw new Error(`schema generation: ${where} refers to missing ${n.$ref}`);
    // kube-openapi's v2 parser rejects a reference that also has a type.
    if (n.$ref !== undefined && n.type !== undefined) throw new Error(`schema generation: ${where} has both $ref and type`);
    for (const [k, p] of Object.entries(n.properties ?? {})) visit(p, `${where}.${k}`);
    visit(n.items, `${where}[]`);
    visit(n.additionalProperties, `${where}{}`);
  };
  for (const [name, def] of Object.entries(defs)) visit(def, name);
}
