// One OpenAPI v3 document per group version (`/openapi/v3/apis/apps/v1`), shaped like
// upstream's api/openapi-spec/v3/*.json: operations with inline parameters, an object-valued
// `x-kubernetes-group-version-kind`, PATCH request bodies for every patch content type, and
// `components.schemas` holding the closure of the referenced definitions.
import type { SchemaRegistry } from '../../machinery/schema.js';
import type { ResourceStrategy } from '../../resources/types.js';
import {
  patchContentTypes,
  resourcePaths,
  responseContentTypes,
  watchContentTypes,
  type Operation,
  type Param,
  type PathItem,
} from './operations.js';
import { collectDefinitions, renderSchema, type JsonObject } from './schemas.js';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

function param(p: Param): JsonObject {
  const out: JsonObject = { description: p.description, in: p.in, name: p.name };
  if (p.required) out.required = true;
  out.schema = { type: p.type, uniqueItems: true };
  return out;
}

function operation(op: Operation): JsonObject {
  const out: JsonObject = { description: op.description, operationId: op.operationId };
  if (op.params.length) out.parameters = op.params.map(param);
  if (op.body) {
    const types = op.method === 'patch' ? patchContentTypes : ['*/*'];
    const content: JsonObject = {};
    for (const t of types) content[t] = { schema: ref(op.body.ref) };
    out.requestBody = op.body.required ? { content, required: true } : { content };
  }
  const responses: JsonObject = {};
  for (const r of op.responses) {
    if (!r.ref) {
      responses[r.code] = { description: r.description };
      continue;
    }
    const content: JsonObject = {};
    for (const t of [...responseContentTypes, ...(op.list ? watchContentTypes : [])].sort()) content[t] = { schema: ref(r.ref) };
    responses[r.code] = { content, description: r.description };
  }
  out.responses = responses;
  out.tags = [op.tag];
  out['x-kubernetes-action'] = op.action;
  out['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

export function pathItemsV3(items: readonly PathItem[]): { paths: JsonObject; refs: Set<string> } {
  const paths: JsonObject = {};
  const refs = new Set<string>();
  for (const item of [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const entry: JsonObject = {};
    for (const op of item.operations) {
      entry[op.method] = operation(op);
      if (op.body) refs.add(op.body.ref);
      for (const r of op.responses) if (r.ref) refs.add(r.ref);
    }
    if (item.params.length) entry.parameters = item.params.map(param);
    paths[item.path] = entry;
  }
  return { paths, refs };
}

/** The v3 document of the strategies of one group version. */
export function buildV3Document(registry: SchemaRegistry, gvStrategies: readonly ResourceStrategy[], allStrategies: readonly ResourceStrategy[]): JsonObject {
  const items = gvStrategies.flatMap(resourcePaths);
  const { paths, refs } = pathItemsV3(items);
  const schemas: JsonObject = {};
  for (const [name, def] of collectDefinitions(registry, refs, allStrategies)) schemas[name] = renderSchema(def, 'v3');
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: { schemas },
  };
}
