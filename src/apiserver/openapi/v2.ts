// The Swagger 2.0 document (`/openapi/v2`) of every served resource, shaped like upstream's
// api/openapi-spec/swagger.json. kubectl 1.27/1.28 read it (as protobuf, see v2proto.ts) for
// patch metadata and to check that PATCH operations accept `fieldValidation`.
import type { SchemaRegistry } from '../../machinery/schema.js';
import type { ResourceStrategy } from '../../resources/types.js';
import { patchContentTypes, resourcePaths, responseContentTypes, watchContentTypes, type Operation, type Param } from './operations.js';
import { collectDefinitions, renderSchema, type JsonObject } from './schemas.js';

function param(p: Param): JsonObject {
  const out: JsonObject = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) out.required = true;
  return out;
}

function operation(op: Operation): JsonObject {
  const params: JsonObject[] = [];
  if (op.body) params.push({ name: 'body', in: 'body', required: op.body.required, schema: { $ref: `#/definitions/${op.body.ref}` } });
  params.push(...op.params.map(param));
  const responses: JsonObject = {};
  for (const r of op.responses) {
    responses[r.code] = r.ref ? { description: r.description, schema: { $ref: `#/definitions/${r.ref}` } } : { description: r.description };
  }
  const out: JsonObject = {
    description: op.description,
    consumes: op.method === 'patch' ? [...patchContentTypes] : ['*/*'],
    produces: [...responseContentTypes, ...(op.list ? watchContentTypes : [])],
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
  };
  if (params.length) out.parameters = params;
  out.responses = responses;
  out['x-kubernetes-action'] = op.action;
  out['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

export function buildV2Document(registry: SchemaRegistry, strategies: readonly ResourceStrategy[]): JsonObject {
  const items = strategies.flatMap(resourcePaths).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const paths: JsonObject = {};
  const refs = new Set<string>();
  for (const item of items) {
    const entry: JsonObject = {};
    for (const op of item.operations) {
      entry[op.method] = operation(op);
      if (op.body) refs.add(op.body.ref);
      for (const r of op.responses) if (r.ref) refs.add(r.ref);
    }
    if (item.params.length) entry.parameters = item.params.map(param);
    paths[item.path] = entry;
  }
  const definitions: JsonObject = {};
  for (const [name, def] of collectDefinitions(registry, refs, strategies)) definitions[name] = renderSchema(def, 'v2');
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    definitions,
  };
}
