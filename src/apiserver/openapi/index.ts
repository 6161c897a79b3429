// The OpenAPI documents kubectl reads: the v3 index and per-group-version documents
// (kubectl ≥ 1.29: apply/create validation, explain, strategic merge patch metadata) and the
// v2 document in JSON and protobuf (kubectl 1.27/1.28). Built lazily once per strategy list
// and cached; the hash in each v3 URL and every ETag is the upper-case hex SHA-512 of the
// served JSON, as kube-openapi computes them, so clients cache by URL safely.
import { createHash } from 'node:crypto';
import type { SchemaRegistry } from '../../machinery/schema.js';
import { getSchemaRegistry } from '../../resources/schema/registry.js';
import type { ResourceStrategy } from '../../resources/types.js';
import { groupVersionKey } from './operations.js';
import { buildV2Document } from './v2.js';
import { encodeV2Protobuf } from './v2proto.js';
import { buildV3Document } from './v3.js';

export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenApiV3Doc {
  /** The JSON document. */
  body: Buffer;
  /** Quoted strong ETag (`"<SHA-512 hex>"`), ready for the ETag header. */
  etag: string;
  /** The bare hash, as in `?hash=`. */
  hash: string;
}

export interface OpenApiV2Doc {
  json: object;
  /** `json`, serialized once. */
  jsonBody: Buffer;
  /** gnostic openapi_v2.Document; serve as `application/com.github.proto-openapi.spec.v2.v1.0+protobuf`. */
  protobuf: Buffer;
  /** Quoted ETag of the JSON form. */
  etag: string;
}

/** Content type for the protobuf v2 document: the `.v1.0` form (the `@v1.0` form breaks kubectl's mime parser). */
export const openApiV2ProtobufContentType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export interface OpenApiDocs {
  v3Index(): OpenApiV3Index;
  /** `gvPath` is the part after /openapi/v3/: `api/v1`, `apis/apps/v1` (a leading slash is ignored). */
  v3Document(gvPath: string): OpenApiV3Doc | undefined;
  v2Document(): OpenApiV2Doc;
}

export function sha512Hex(data: Buffer | string): string {
  return createHash('sha512').update(data).digest('hex').toUpperCase();
}

/** Documents for one set of strategies; each is built on first use and cached. */
export function createOpenApiDocs(strategies: readonly ResourceStrategy[], registry?: SchemaRegistry): OpenApiDocs {
  let v3: Map<string, OpenApiV3Doc> | undefined;
  let v2: OpenApiV2Doc | undefined;
  const reg = (): SchemaRegistry => registry ?? getSchemaRegistry();

  const buildV3 = (): Map<string, OpenApiV3Doc> => {
    if (v3) return v3;
    const byGv = new Map<string, ResourceStrategy[]>();
    for (const s of strategies) {
      const key = groupVersionKey(s.group, s.version);
      const list = byGv.get(key) ?? [];
      list.push(s);
      byGv.set(key, list);
    }
    const docs = new Map<string, OpenApiV3Doc>();
    for (const key of [...byGv.keys()].sort()) {
      const body = Buffer.from(JSON.stringify(buildV3Document(reg(), byGv.get(key) ?? [], strategies)));
      const hash = sha512Hex(body);
      docs.set(key, { body, hash, etag: `"${hash}"` });
    }
    v3 = docs;
    return docs;
  };

  return {
    v3Index() {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const [key, doc] of buildV3()) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
      return { paths };
    },
    v3Document(gvPath) {
      const key = gvPath.replace(/^\/+/, '').replace(/^openapi\/v3\//, '').replace(/\/+$/, '');
      return buildV3().get(key);
    },
    v2Document() {
      if (v2) return v2;
      const json = buildV2Document(reg(), strategies);
      const jsonBody = Buffer.from(JSON.stringify(json));
      v2 = { json, jsonBody, protobuf: encodeV2Protobuf(json), etag: `"${sha512Hex(jsonBody)}"` };
      return v2;
    },
  };
}

const cache = new WeakMap<readonly ResourceStrategy[], WeakMap<object, OpenApiDocs>>();
const defaultRegistryKey = {};

function docsFor(strategies: readonly ResourceStrategy[], registry?: SchemaRegistry): OpenApiDocs {
  let byRegistry = cache.get(strategies);
  if (!byRegistry) {
    byRegistry = new WeakMap();
    cache.set(strategies, byRegistry);
  }
  const key = registry ?? defaultRegistryKey;
  let docs = byRegistry.get(key);
  if (!docs) {
    docs = createOpenApiDocs(strategies, registry);
    byRegistry.set(key, docs);
  }
  return docs;
}

/** `/openapi/v3`: `{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"},…}}`. Cached per strategies array. */
export function buildOpenApiV3Index(strategies: readonly ResourceStrategy[], registry?: SchemaRegistry): OpenApiV3Index {
  return docsFor(strategies, registry).v3Index();
}

/** `/openapi/v3/<gvPath>`; undefined for an unknown group version. Cached per strategies array. */
export function openApiV3Document(strategies: readonly ResourceStrategy[], gvPath: string, registry?: SchemaRegistry): OpenApiV3Doc | undefined {
  return docsFor(strategies, registry).v3Document(gvPath);
}

/** `/openapi/v2` in JSON and protobuf. Cached per strategies array. */
export function openApiV2Document(strategies: readonly ResourceStrategy[], registry?: SchemaRegistry): OpenApiV2Doc {
  return docsFor(strategies, registry).v2Document();
}
