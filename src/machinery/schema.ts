// The structural schema of API types, in OpenAPI v3 terms. One registry of named
// definitions drives strategic merge patch (merge keys), server-side apply (list types),
// unknown-field pruning / fieldValidation, and the OpenAPI documents kubectl reads.
// Machinery only defines the shape; src/resources/ provides the definitions.

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  /** int32, int64, double, date-time, byte, int-or-string, quantity … */
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode;
  items?: SchemaNode;
  required?: string[];
  enum?: string[];
  default?: unknown;
  /** A definition name in the same registry, e.g. `io.k8s.api.core.v1.Container`. */
  $ref?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

export interface SchemaRegistry {
  /** Named definitions; `$ref` values are keys of this map. */
  readonly definitions: Readonly<Record<string, SchemaNode>>;
}

/** Follows `$ref` (repeatedly) to the definition; undefined node stays undefined. */
export function resolveSchema(reg: SchemaRegistry, node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n?.$ref && i < 16; i++) n = reg.definitions[n.$ref];
  return n;
}
