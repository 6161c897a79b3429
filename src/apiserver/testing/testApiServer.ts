// An API server over a fresh store, wired as src/server/server.ts wires it minus controllers,
// PKI files and bootstrap objects: handler tests dispatch to it in-process, kubectl-driven
// integration tests give it TLS and listen.
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { allStrategies } from '../../resources/index.js';
import { schemaLookup } from '../../resources/schema/registry.js';
import { openStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import type { ApiDeps, SchemaLookup } from '../handlers/context.js';
import type { ApiRequest, ApiResponse } from '../http/exchange.js';
import { createOpenApiDocs } from '../openapi/index.js';
import { ResourceRegistry, type ResourceInfo } from '../registry.js';
import { ApiServer, type ApiServerOptions } from '../server.js';
import { ResourceStore } from '../storage/resourceStore.js';

export interface TestApiOptions {
  /** Default: a fresh in-memory store. */
  store?: Store;
  /** Resolve each resource's OpenAPI schema, as the real server does (default: no schemas). */
  schemas?: boolean;
  /** The optional node-side dependencies (podStreams, metrics, serviceAccountTokens). */
  extras?: Pick<ApiDeps, 'podStreams' | 'metrics' | 'serviceAccountTokens'>;
  log?: (msg: string) => void;
  /** Serving certificate for listen(); without it the server is only dispatched to. */
  tls?: ApiServerOptions['tls'];
}

export interface CapturedAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  text: string;
}

export interface TestApi {
  api: ApiServer;
  deps: ApiDeps;
  store: Store;
  registry: ResourceRegistry;
  objects: ResourceStore;
  /** A core/v1 resource. */
  info(resource: string): ResourceInfo;
  /** One request through ApiServer.dispatch (already authenticated, no sockets). */
  dispatch(method: string, path: string, opts?: { headers?: Record<string, string>; body?: Buffer }): Promise<CapturedAnswer>;
}

const version = { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: '', compiler: '', platform: '' };

export function testApiServer(opts: TestApiOptions = {}): TestApi {
  const store = opts.store ?? openStore({ backend: 'memory' });
  const registry = new ResourceRegistry(allStrategies);
  const schemaCache = new Map<ResourceInfo, SchemaLookup | undefined>();
  const schemaFor = (info: ResourceInfo): SchemaLookup | undefined => {
    if (!opts.schemas) return undefined;
    if (!schemaCache.has(info)) schemaCache.set(info, schemaLookup(info.strategy.schemaRef));
    return schemaCache.get(info);
  };
  const admission = { options: { serviceCIDR: '10.43.0.0/16', nodePortRange: [30000, 32767] as [number, number], clusterDomain: 'cluster.local' }, listAll: async () => [] };
  const objects = new ResourceStore(store, registry, admission, (_i, _l, updated) => updated);
  const deps: ApiDeps = { registry, objects, store, schemaFor, openapi: createOpenApiDocs(allStrategies), log: opts.log ?? (() => {}), ...opts.extras };
  const api = new ApiServer({ deps, tls: opts.tls ?? { key: '', cert: '', ca: '' }, serverAddress: () => '127.0.0.1', ready: () => true, version });
  const info = (resource: string): ResourceInfo => {
    const found = registry.lookup('', 'v1', resource);
    if (!found) throw new Error(`no core/v1 resource ${resource}`);
    return found;
  };
  const dispatch: TestApi['dispatch'] = async (method, path, { headers = {}, body } = {}) => {
    const req = Object.assign(Readable.from(body ? [body] : []), { method, url: path, headers }) as unknown as ApiRequest;
    const res = new CaptureResponse();
    await api.dispatch(req, res);
    await res.done;
    return { status: res.status, headers: res.headers, text: res.text() };
  };
  return { api, deps, store, registry, objects, info, dispatch };
}

/** Collects one answer in memory; `done` settles when it is ended or destroyed. */
class CaptureResponse extends EventEmitter implements ApiResponse {
  headersSent = false;
  status = 0;
  headers: Record<string, string | string[]> = {};
  readonly done: Promise<void>;
  private chunks: Buffer[] = [];
  private finish!: () => void;
  constructor() {
    super();
    this.done = new Promise((r) => (this.finish = r));
  }
  writeHead(code: number, headers: Record<string, string | string[]> = {}): this {
    this.status = code;
    Object.assign(this.headers, headers);
    this.headersSent = true;
    return this;
  }
  setHeader(name: string, value: string | string[]): this {
    this.headers[name] = value;
    return this;
  }
  flushHeaders(): void {
    this.headersSent = true;
  }
  write(chunk: string | Buffer): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }
  end(chunk?: string | Buffer): this {
    if (chunk) this.chunks.push(Buffer.from(chunk));
    this.finish();
    return this;
  }
  destroy(): this {
    this.finish();
    return this;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}
