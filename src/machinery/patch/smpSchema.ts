// Patch metadata for strategic merge patch, read from the schema registry the way
// strategicpatch.PatchMetaFromOpenAPI reads it: `x-kubernetes-patch-strategy` and
// `x-kubernetes-patch-merge-key` on the field (or on the definition it refers to).
// `x-kubernetes-list-type` is deliberately ignored: upstream SMP only honours the patch
// strategy, and a list without one is replaced. Where the schema says nothing (an unknown
// field, preserve-unknown-fields, a missing definition) the subtree gets empty metadata, so
// maps merge and lists are replaced — JSON merge patch behaviour.
import { type SchemaNode, type SchemaRegistry } from '../schema.js';
import { patchInternal } from './patchErrors.js';

export interface SchemaLookup {
  registry: SchemaRegistry;
  /** Definition name of the top-level kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  ref: string;
}

export interface PatchMeta {
  /** `x-kubernetes-patch-strategy` split on commas ("merge", "retainKeys", "replace"). */
  strategies: string[];
  mergeKey: string;
}

export interface FieldLookup {
  schema: PatchSchema;
  meta: PatchMeta;
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

/** Follows `$ref`s, remembering the last definition name (for error messages). */
function resolve(reg: SchemaRegistry | undefined, node: SchemaNode | undefined): { node?: SchemaNode; name: string } {
  let n = node;
  let name = '';
  for (let i = 0; reg && n?.$ref && i < 16; i++) {
    name = n.$ref;
    n = reg.definitions[n.$ref];
  }
  return { node: n, name };
}

function metaOf(reg: SchemaRegistry | undefined, prop: SchemaNode): PatchMeta {
  const target = resolve(reg, prop).node;
  const strategy = prop['x-kubernetes-patch-strategy'] ?? target?.['x-kubernetes-patch-strategy'] ?? '';
  const mergeKey = prop['x-kubernetes-patch-merge-key'] ?? target?.['x-kubernetes-patch-merge-key'] ?? '';
  return { strategies: strategy ? strategy.split(',').map((s) => s.trim()) : [], mergeKey };
}

export class PatchSchema {
  private constructor(
    private readonly reg: SchemaRegistry | undefined,
    private readonly node: SchemaNode | undefined,
    /** Definition name, used where upstream prints the type's name. */
    readonly name: string,
  ) {}

  static readonly unknown = new PatchSchema(undefined, undefined, '');

  static of(lookup: SchemaLookup | undefined): PatchSchema {
    if (!lookup) return PatchSchema.unknown;
    const r = resolve(lookup.registry, { $ref: lookup.ref });
    return new PatchSchema(lookup.registry, r.node, r.name);
  }

  private wrap(node: SchemaNode | undefined): PatchSchema {
    const r = resolve(this.reg, node);
    return r.node ? new PatchSchema(this.reg, r.node, r.name) : PatchSchema.unknown;
  }

  private field(key: string): { prop?: SchemaNode; isMapValue: boolean } {
    const n = this.node;
    if (!n) return { isMapValue: false };
    const prop = n.properties?.[key];
    if (prop) return { prop, isMapValue: false };
    if (n.additionalProperties) return { prop: n.additionalProperties, isMapValue: true };
    return { isMapValue: false };
  }

  /** Metadata for `key` whose value is a map, and the schema of that map. */
  forStruct(key: string): FieldLookup {
    const { prop, isMapValue } = this.field(key);
    if (!prop) return { schema: PatchSchema.unknown, meta: NO_META };
    return { schema: this.wrap(prop), meta: isMapValue ? NO_META : metaOf(this.reg, prop) };
  }

  /** Metadata for `key` whose value is a list, and the schema of the list's elements. */
  forSlice(key: string): FieldLookup {
    const { prop, isMapValue } = this.field(key);
    if (!prop) return { schema: PatchSchema.unknown, meta: NO_META };
    const list = resolve(this.reg, prop).node;
    return { schema: this.wrap(list?.items), meta: isMapValue ? NO_META : metaOf(this.reg, prop) };
  }
}

/**
 * Splits a field's strategies into the retainKeys flag and the list/map strategy
 * (extractRetainKeysPatchStrategy); anything else is upstream's "unexpected patch strategy".
 */
export function splitStrategies(strategies: readonly string[]): { retainKeys: boolean; strategy: string } {
  switch (strategies.length) {
    case 0:
      return { retainKeys: false, strategy: '' };
    case 1:
      return strategies[0] === 'retainKeys' ? { retainKeys: true, strategy: '' } : { retainKeys: false, strategy: strategies[0] };
    case 2:
      if (strategies[0] === 'retainKeys') return { retainKeys: true, strategy: strategies[1] };
      if (strategies[1] === 'retainKeys') return { retainKeys: true, strategy: strategies[0] };
  }
  throw patchInternal(`unexpected patch strategy: [${strategies.join(' ')}]`);
}
