// The Client over HTTP(S): node:https with a keep-alive agent, JSON bodies, upstream URL
// layout (client-go's rest.Request: /api/v1 for the core group, /apis/<group>/<version>
// otherwise, then namespaces/<ns>/<resource>/<name>/<subresource>), watches read as one
// JSON event per line, and non-2xx Status bodies thrown as ApiError. An `http://` server
// URL is accepted too (tests, or a plain-HTTP loopback).
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isPlainObject, type GroupVersionResource, type KubeList, type KubeObject } from '../machinery/types.js';
import { apiErrorFromResponse } from './errors.js';
import type {
  Client, CreateOptions, DeleteCollectionOptions, DeleteResult, DeleteOptions, GetOptions, ListOptions, PatchOptions, PatchType, UpdateOptions,
  WatchEvent, WatchOptions, WatchStream,
} from './types.js';
import { createWatchStream } from './watchStream.js';

export interface HttpClientOptions {
  /** `https://host:port` (an optional path prefix is kept), or `http://…`. */
  server: string;
  /** PEM CA bundle the server's certificate must chain to; the system roots when omitted. */
  ca?: string | Buffer;
  /** PEM client certificate and key (mutual TLS). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Bearer token. */
  token?: string;
  userAgent?: string;
  insecureSkipTLSVerify?: boolean;
  /** SNI / name to verify, when it differs from the URL's host (kubeconfig `tls-server-name`). */
  tlsServerName?: string;
}

/** A Client with sockets to release. */
export interface HttpClient extends Client {
  /** Destroys pooled keep-alive sockets; in-flight watches end. */
  close(): void;
}

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** The request path for a resource, exactly as client-go builds it. */
export function resourcePath(gvr: GroupVersionResource, namespace?: string, name?: string, subresource?: string): string {
  const seg = encodeURIComponent;
  let p = gvr.group === '' ? `/api/${seg(gvr.version)}` : `/apis/${seg(gvr.group)}/${seg(gvr.version)}`;
  if (namespace) p += `/namespaces/${seg(namespace)}`;
  p += `/${seg(gvr.resource)}`;
  if (name !== undefined) {
    if (name === '') throw new Error(`resource name may not be empty (${gvr.resource})`);
    p += `/${seg(name)}`;
  }
  if (subresource) p += `/${seg(subresource)}`;
  return p;
}

type QueryValue = string | number | boolean | undefined;

function queryString(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

interface Body {
  contentType: string;
  text: string;
}

function deleteOptionsBody(opts: DeleteOptions | undefined): Body | undefined {
  if (!opts) return undefined;
  const b: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (opts.propagationPolicy) b.propagationPolicy = opts.propagationPolicy;
  if (opts.gracePeriodSeconds !== undefined) b.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.preconditions) b.preconditions = opts.preconditions;
  if (opts.dryRun) b.dryRun = ['All'];
  return Object.keys(b).length > 2 ? { contentType: 'application/json', text: JSON.stringify(b) } : undefined;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A response body an in-process transport hands over as an object instead of JSON bytes. */
export class ObjectBody {
  constructor(readonly value: unknown) {}
}

/** One request as a transport carries it. */
export interface RoundTripRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/namespaces/default/pods?watch=true`. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
}

/**
 * The response: a byte stream with its status (node's IncomingMessage is one). An in-process
 * transport may make it an object-mode stream whose watch events arrive as objects.
 */
export type RoundTripResponse = Readable & { statusCode?: number };

/**
 * Carries requests to an API server. HTTPS is one transport; the server's in-process
 * (loopback) transport is another — the Client on top of them is the same code.
 */
export type RoundTrip = (req: RoundTripRequest) => Promise<RoundTripResponse>;

export function httpClient(opts: HttpClientOptions): HttpClient {
  const base = new URL(opts.server);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:') throw new Error(`unsupported server URL ${opts.server}: expected https:// or http://`);
  const prefix = base.pathname.replace(/\/+$/, '');
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: !opts.insecureSkipTLSVerify,
        servername: opts.tlsServerName,
      })
    : new http.Agent({ keepAlive: true });
  const roundTrip: RoundTrip = ({ method, path, headers, body, signal }) => {
    const url = `${base.origin}${prefix}${path}`;
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method, agent, headers, signal }, resolve);
      req.on('error', (err) => {
        if (signal?.aborted) reject(signal.reason ?? err);
        else reject(new Error(`${method} ${url}: ${err.message}`, { cause: err }));
      });
      req.end(body);
    });
  };
  return clientOver(roundTrip, { userAgent: opts.userAgent, token: opts.token, close: () => agent.destroy() });
}

/** The Client over any transport. */
export function clientOver(roundTrip: RoundTrip, opts: { userAgent?: string; token?: string; close?: () => void } = {}): HttpClient {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': opts.userAgent ?? `skiff-client/0.1.0 (${process.platform}/${process.arch})` };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;

  function send(method: string, path: string, body: Body | undefined, signal: AbortSignal | undefined): Promise<RoundTripResponse> {
    const h: Record<string, string> = { ...headers };
    // Explicit length: Node sends DELETE bodies unframed otherwise.
    const payload = body ? Buffer.from(body.text, 'utf8') : undefined;
    if (body && payload) {
      h['Content-Type'] = body.contentType;
      h['Content-Length'] = String(payload.length);
    }
    return roundTrip({ method, path, headers: h, body: payload, signal });
  }

  // A socket carries JSON bytes; the in-process transport may hand over the object itself
  // (an ObjectBody chunk).
  function readBody(res: RoundTripResponse): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let object: ObjectBody | undefined;
      res.on('data', (c: Buffer | ObjectBody) => (c instanceof ObjectBody ? (object = c) : chunks.push(c)));
      res.on('end', () => resolve(object ? object.value : parseBody(Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
  }

  async function call(method: string, path: string, body: Body | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    const res = await send(method, path, body, signal);
    const parsed = await readBody(res);
    const code = res.statusCode ?? 0;
    if (code < 200 || code > 299) throw apiErrorFromResponse(code, parsed);
    return parsed;
  }

  // The server's JSON is trusted to be the requested type, as client-go's decoder trusts it.
  const asObject = <T>(v: unknown, what: string): T => {
    if (!isPlainObject(v)) throw new Error(`${what}: the server returned a non-object body`);
    return v as T;
  };
  const jsonBody = (v: unknown): Body => ({ contentType: 'application/json', text: JSON.stringify(v) });
  const writeQuery = (o: { dryRun?: boolean; fieldManager?: string; fieldValidation?: string }, extra: Record<string, QueryValue> = {}): string =>
    queryString({ dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager, fieldValidation: o.fieldValidation, ...extra });

  const client: HttpClient = {
    async get<T extends KubeObject>(gvr: GroupVersionResource, name: string, o: GetOptions = {}) {
      const path = resourcePath(gvr, o.namespace, name, o.subresource) + queryString({ resourceVersion: o.resourceVersion });
      return asObject<T>(await call('GET', path, undefined, o.signal), `get ${gvr.resource} ${name}`);
    },

    async list<T extends KubeObject>(gvr: GroupVersionResource, o: ListOptions = {}) {
      const path = resourcePath(gvr, o.namespace) + queryString({
        labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue,
        resourceVersion: o.resourceVersion, resourceVersionMatch: o.resourceVersionMatch,
      });
      const list = asObject<KubeList<T>>(await call('GET', path, undefined, o.signal), `list ${gvr.resource}`);
      if (!Array.isArray(list.items)) list.items = []; // upstream encodes an empty list's items as null
      return list;
    },

    async watch<T extends KubeObject>(gvr: GroupVersionResource, o: WatchOptions = {}): Promise<WatchStream<T>> {
      const path = resourcePath(gvr, o.namespace) + queryString({
        watch: 'true', labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, resourceVersion: o.resourceVersion,
        allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined, timeoutSeconds: o.timeoutSeconds,
      });
      // Before the response the caller's signal aborts the request; after it, it stops the stream.
      const abort = new AbortController();
      let stopStream: (() => void) | undefined;
      const onOuterAbort = (): void => (stopStream ? stopStream() : abort.abort(o.signal?.reason));
      if (o.signal?.aborted) abort.abort(o.signal.reason);
      o.signal?.addEventListener('abort', onOuterAbort, { once: true });
      let res: RoundTripResponse;
      try {
        res = await send('GET', path, undefined, abort.signal);
      } catch (e) {
        o.signal?.removeEventListener('abort', onOuterAbort);
        throw e;
      }
      const code = res.statusCode ?? 0;
      if (code < 200 || code > 299) {
        o.signal?.removeEventListener('abort', onOuterAbort);
        throw apiErrorFromResponse(code, await readBody(res));
      }
      const { stream, sink } = createWatchStream<T>(() => {
        o.signal?.removeEventListener('abort', onOuterAbort);
        res.destroy();
      });
      stopStream = () => stream.stop();
      // The in-process transport hands over events as objects (the server's decoded object,
      // shared, never to be changed); sockets carry JSON lines.
      const objectMode = res.readableObjectMode;
      if (!objectMode) res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk: string | Buffer | WatchEvent<T>) => {
        if (objectMode && !Buffer.isBuffer(chunk) && typeof chunk !== 'string') return void sink.push(chunk);
        pending += chunk.toString();
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line === '') continue;
          let ev: unknown;
          try {
            ev = JSON.parse(line);
          } catch {
            sink.fail(new Error(`watch ${gvr.resource}: undecodable event: ${line.slice(0, 200)}`));
            return;
          }
          if (!isPlainObject(ev) || typeof ev.type !== 'string' || !isPlainObject(ev.object)) {
            sink.fail(new Error(`watch ${gvr.resource}: malformed event: ${line.slice(0, 200)}`));
            return;
          }
          sink.push(ev as WatchEvent<T>); // shape checked above; the object is trusted as T
        }
      });
      res.on('end', () => {
        const rest = pending.trim();
        if (rest !== '') {
          try {
            const ev: unknown = JSON.parse(rest);
            if (isPlainObject(ev) && typeof ev.type === 'string' && isPlainObject(ev.object)) sink.push(ev as WatchEvent<T>);
          } catch {
            // a truncated last line: the stream was cut mid-event; the caller re-watches
          }
        }
        sink.end();
      });
      res.on('error', (err) => sink.fail(err));
      res.on('aborted', () => sink.fail(new Error(`watch ${gvr.resource}: connection aborted`)));
      return stream;
    },

    async create<T extends KubeObject>(gvr: GroupVersionResource, obj: T, o: CreateOptions = {}) {
      const ns = o.namespace ?? obj.metadata?.namespace;
      const path = resourcePath(gvr, ns, o.subresource ? (obj.metadata?.name ?? '') : undefined, o.subresource) + writeQuery(o);
      return asObject<T>(await call('POST', path, jsonBody(obj), o.signal), `create ${gvr.resource}`);
    },

    async update<T extends KubeObject>(gvr: GroupVersionResource, obj: T, o: UpdateOptions = {}) {
      const ns = o.namespace ?? obj.metadata?.namespace;
      const path = resourcePath(gvr, ns, obj.metadata?.name ?? '', o.subresource) + writeQuery(o);
      return asObject<T>(await call('PUT', path, jsonBody(obj), o.signal), `update ${gvr.resource}`);
    },

    async patch<T extends KubeObject>(gvr: GroupVersionResource, name: string, patch: unknown, o: PatchOptions) {
      const path = resourcePath(gvr, o.namespace, name, o.subresource) + writeQuery(o, { force: o.type === 'apply' && o.force ? 'true' : undefined });
      const body: Body = { contentType: patchContentTypes[o.type], text: typeof patch === 'string' ? patch : JSON.stringify(patch) };
      return asObject<T>(await call('PATCH', path, body, o.signal), `patch ${gvr.resource} ${name}`);
    },

    async delete<T extends KubeObject>(gvr: GroupVersionResource, name: string, o: DeleteOptions = {}): Promise<DeleteResult<T>> {
      const path = resourcePath(gvr, o.namespace, name);
      return asObject<DeleteResult<T>>(await call('DELETE', path, deleteOptionsBody(o), o.signal), `delete ${gvr.resource} ${name}`);
    },

    async deleteCollection(gvr: GroupVersionResource, o: DeleteCollectionOptions = {}) {
      const path = resourcePath(gvr, o.namespace) + queryString({
        labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue,
        resourceVersion: o.resourceVersion, resourceVersionMatch: o.resourceVersionMatch,
      });
      await call('DELETE', path, deleteOptionsBody(o), o.signal);
    },

    close() {
      opts.close?.();
    },
  };
  return client;
}

// --- kubeconfig ---

function named(list: unknown, name: string, section: string, file: string): Record<string, unknown> {
  if (Array.isArray(list)) {
    for (const entry of list) if (isPlainObject(entry) && entry.name === name) {
      const inner = entry[section.replace(/s$/, '')];
      if (isPlainObject(inner)) return inner;
    }
  }
  throw new Error(`kubeconfig ${file}: no ${section.replace(/s$/, '')} named "${name}" in ${section}`);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A Client for a kubeconfig's current (or the given) context: server, CA, client
 * certificate and key (embedded `-data` fields or file paths, relative to the kubeconfig's
 * directory as client-go resolves them), bearer token.
 */
export function kubeconfigClient(path: string, opts: { context?: string; userAgent?: string } = {}): HttpClient {
  const doc: unknown = parseYaml(readFileSync(path, 'utf8'));
  if (!isPlainObject(doc)) throw new Error(`kubeconfig ${path}: not a YAML mapping`);
  const contextName = opts.context ?? str(doc['current-context']);
  if (!contextName) throw new Error(`kubeconfig ${path}: no current-context set and no context given`);
  const context = named(doc.contexts, contextName, 'contexts', path);
  const cluster = named(doc.clusters, str(context.cluster) ?? '', 'clusters', path);
  const user = str(context.user) ? named(doc.users, str(context.user) ?? '', 'users', path) : {};
  const dir = dirname(path);
  const material = (obj: Record<string, unknown>, dataKey: string, fileKey: string): Buffer | undefined => {
    const data = str(obj[dataKey]);
    if (data) return Buffer.from(data, 'base64');
    const file = str(obj[fileKey]);
    return file ? readFileSync(isAbsolute(file) ? file : join(dir, file)) : undefined;
  };
  const server = str(cluster.server);
  if (!server) throw new Error(`kubeconfig ${path}: cluster of context "${contextName}" has no server`);
  const tokenFile = str(user.tokenFile);
  return httpClient({
    server,
    ca: material(cluster, 'certificate-authority-data', 'certificate-authority'),
    cert: material(user, 'client-certificate-data', 'client-certificate'),
    key: material(user, 'client-key-data', 'client-key'),
    token: str(user.token) ?? (tokenFile ? readFileSync(isAbsolute(tokenFile) ? tokenFile : join(dir, tokenFile), 'utf8').trim() : undefined),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: str(cluster['tls-server-name']),
    userAgent: opts.userAgent,
  });
}
