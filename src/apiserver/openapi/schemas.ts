// Turns registry SchemaNodes into OpenAPI schema objects. v3 wraps a `$ref` that has
// siblings in `allOf` (OpenAPI 3.0 ignores siblings of `$ref`; kubectl's patch-meta lookup
// reads the extensions on the wrapping node and follows `allOf[0]`), v2 keeps them side by
// side as upstream's swagger.json does. Quantity and IntOrString get upstream's published
// shapes (v3 `oneOf`, v2 `type: string`).
import type { SchemaNode, SchemaRegistry } from '../../machinery/schema.js';
import type { GroupVersionKind } from '../../machinery/types.js';
import type { ResourceStrategy } from '../../resources/types.js';
import { listRef, META } from './operations.js';

export type JsonObject = Record<string, unknown>;
export type OpenApiVersion = 'v2' | 'v3';

const refPrefix: Record<OpenApiVersion, string> = { v2: '#/definitions/', v3: '#/components/schemas/' };

const passThrough: readonly (keyof SchemaNode)[] = [
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-group-version-kind',
];

/** One schema node (recursively) in the given OpenAPI version. */
export function renderSchema(node: SchemaNode, v: OpenApiVersion): JsonObject {
  const out: JsonObject = {};
  if (node.$ref !== undefined) {
    const ref = { $ref: refPrefix[v] + node.$ref };
    const siblings = renderSiblings(node);
    if (Object.keys(siblings).length === 0) return ref;
    return v === 'v3' ? { allOf: [ref], ...siblings } : { ...ref, ...siblings };
  }
  if (node.format === 'quantity') {
    if (node.description !== undefined) out.description = node.description;
    if (v === 'v3') out.oneOf = [{ type: 'string' }, { type: 'number' }];
    else out.type = 'string';
    return out;
  }
  if (node['x-kubernetes-int-or-string'] && node.type === undefined && node.properties === undefined) {
    if (node.description !== undefined) out.description = node.description;
    out.format = 'int-or-string';
    if (v === 'v3') out.oneOf = [{ type: 'integer' }, { type: 'string' }];
    else out.type = 'string';
    return out;
  }
  if (node.description !== undefined) out.description = node.description;
  if (node.type !== undefined) out.type = node.type;
  if (node.format !== undefined) out.format = node.format;
  if (node.enum !== undefined) out.enum = [...node.enum];
  if (node.default !== undefined) out.default = node.default;
  if (node.properties !== undefined) {
    const props: JsonObject = {};
    for (const [k, p] of Object.entries(node.properties)) props[k] = renderSchema(p, v);
    out.properties = props;
  }
  if (node.required !== undefined && node.required.length > 0) out.required = [...node.required];
  if (node.items !== undefined) out.items = renderSchema(node.items, v);
  else if (node.type === 'array') out.items = {};
  if (node.additionalProperties !== undefined) out.additionalProperties = renderSchema(node.additionalProperties, v);
  for (const k of passThrough) if (node[k] !== undefined) out[k] = structuredClone(node[k]);
  return out;
}

function renderSiblings(node: SchemaNode): JsonObject {
  const out: JsonObject = {};
  if (node.description !== undefined) out.description = node.description;
  if (node.default !== undefined) out.default = node.default;
  for (const k of passThrough) if (node[k] !== undefined) out[k] = structuredClone(node[k]);
  return out;
}

/** Every ref reachable from `node`. */
function refsOf(node: SchemaNode | undefined, into: Set<string>): void {
  if (!node) return;
  if (node.$ref !== undefined) into.add(node.$ref);
  for (const p of Object.values(node.properties ?? {})) refsOf(p, into);
  refsOf(node.items, into);
  refsOf(node.additionalProperties, into);
}

/**
 * The definitions a document needs: the closure of `roots` over `$ref`, with a stand-in for
 * each kind (or list) the registry lacks, and every strategy's GVK on its kind's definition.
 */
export function collectDefinitions(registry: SchemaRegistry, roots: Iterable<string>, strategies: readonly ResourceStrategy[]): Map<string, SchemaNode> {
  const standIns = standInDefinitions(registry, strategies);
  const lookup = (name: string): SchemaNode | undefined => standIns.get(name) ?? registry.definitions[name];
  const out = new Map<string, SchemaNode>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (out.has(name)) continue;
    const def = lookup(name);
    if (!def) {
      // Keep every $ref resolvable: kubectl's v2 parser rejects a document with a dangling ref.
      out.set(name, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
      continue;
    }
    out.set(name, def);
    const refs = new Set<string>();
    refsOf(def, refs);
    for (const r of refs) if (!out.has(r)) queue.push(r);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function standInDefinitions(registry: SchemaRegistry, strategies: readonly ResourceStrategy[]): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  const addGvk = (name: string, gvk: GroupVersionKind, make: () => SchemaNode): void => {
    const base = out.get(name) ?? registry.definitions[name] ?? make();
    const list = base['x-kubernetes-group-version-kind'] ?? [];
    if (list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) {
      if (!registry.definitions[name]) out.set(name, base);
      return;
    }
    out.set(name, { ...base, 'x-kubernetes-group-version-kind': [...list, { group: gvk.group, kind: gvk.kind, version: gvk.version }] });
  };
  for (const s of strategies) {
    addGvk(s.schemaRef, { group: s.group, version: s.version, kind: s.kind }, () => ({
      type: 'object',
      description: `${s.kind} (no structural schema is published for this kind).`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: `${META}.ObjectMeta` },
      },
      'x-kubernetes-preserve-unknown-fields': true,
    }));
    addGvk(listRef(s), { group: s.group, version: s.version, kind: `${s.kind}List` }, () => ({
      type: 'object',
      description: `A list of ${s.kind} objects.`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: `${META}.ListMeta` },
        items: { type: 'array', items: { $ref: s.schemaRef } },
      },
      required: ['items'],
    }));
  }
  return out;
}
