// A tiny OCI distribution registry (the pull half of the distribution spec) on 127.0.0.1:0,
// serving images built by src/agent/images/ociImage.ts. It records every request so a test
// can assert that a pull really reached it. Repositories are served by their path without
// the registry host (docker.io/library/nginx → library/nginx, registry.k8s.io/nginx-slim →
// nginx-slim), which is what containerd asks a mirror for; the `?ns=<registry>` query
// containerd adds on mirror requests is ignored.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Blob, ImageParts } from '../../src/agent/images/ociImage.js';

export interface RegistryRequest {
  method: string;
  /** Path without the query string, e.g. /v2/library/busybox/manifests/latest */
  path: string;
  query: string;
  status: number;
  headers: IncomingHttpHeaders;
}

export interface TestRegistry {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port> */
  host: string;
  requests: RegistryRequest[];
  /** Serves `image` as <repo>:<tag> (and by digest). */
  add(image: ImageParts): void;
  /** Requests for manifests of `repo` (e.g. "library/busybox"), or of any repo. */
  manifestRequests(repo?: string): RegistryRequest[];
  close(): Promise<void>;
}

export interface RegistryOptions {
  images?: readonly ImageParts[];
  /** Require HTTP Basic credentials on every /v2 request. */
  basicAuth?: { username: string; password: string };
}

/** Splits "docker.io/library/nginx:1.14.2" into repository "library/nginx" and tag "1.14.2". */
export function repoAndTag(name: string): { repo: string; tag: string } {
  const colon = name.lastIndexOf(':');
  const slash = name.indexOf('/');
  if (slash < 0 || colon < slash) throw new Error(`image name "${name}" must be host/path:tag`);
  return { repo: name.slice(slash + 1, colon), tag: name.slice(colon + 1) };
}

interface Repo {
  tags: Map<string, string>;
  manifests: Map<string, Blob>;
  blobs: Map<string, Blob>;
}

function sendError(res: ServerResponse, status: number, code: string, message: string, head: boolean, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Docker-Distribution-API-Version': 'registry/2.0', ...extra });
  res.end(head ? undefined : body);
}

function sendBlob(res: ServerResponse, b: Blob, contentType: string, head: boolean): void {
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': b.size,
    'Docker-Content-Digest': b.digest,
    'Docker-Distribution-API-Version': 'registry/2.0',
    ETag: `"${b.digest}"`,
  });
  res.end(head ? undefined : b.data);
}

export async function startOciRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const repos = new Map<string, Repo>();
  const requests: RegistryRequest[] = [];
  const expectedAuth = opts.basicAuth ? `Basic ${Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64')}` : undefined;

  const add = (image: ImageParts): void => {
    const { repo, tag } = repoAndTag(image.name);
    let r = repos.get(repo);
    if (!r) repos.set(repo, (r = { tags: new Map(), manifests: new Map(), blobs: new Map() }));
    r.tags.set(tag, image.manifest.digest);
    r.manifests.set(image.manifest.digest, image.manifest);
    for (const b of [image.config, ...image.layers]) r.blobs.set(b.digest, b);
  };
  for (const img of opts.images ?? []) add(img);

  const server: Server = createServer((req, res) => {
    const [path, query = ''] = (req.url ?? '/').split('?', 2);
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    const record = (status: number): void => {
      requests.push({ method, path, query, status, headers: req.headers });
    };
    res.on('finish', () => record(res.statusCode));
    req.resume();
    if (!path.startsWith('/v2')) return sendError(res, 404, 'NOT_FOUND', 'not a registry path', head);
    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      return sendError(res, 401, 'UNAUTHORIZED', 'authentication required', head, { 'WWW-Authenticate': 'Basic realm="skiff-test-registry"' });
    }
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'UNSUPPORTED', 'this registry only serves pulls', head);
    if (path === '/v2' || path === '/v2/') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Length': 2 });
      return res.end(head ? undefined : '{}');
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!m) return sendError(res, 404, 'NOT_FOUND', `no route for ${path}`, head);
    const [, name, kind, ref] = m;
    const repo = repos.get(name);
    if (!repo) return sendError(res, 404, 'NAME_UNKNOWN', `repository name not known to registry: ${name}`, head);
    if (kind === 'manifests') {
      const digest = ref.startsWith('sha256:') ? ref : repo.tags.get(ref);
      const manifest = digest ? repo.manifests.get(digest) : undefined;
      if (!manifest) return sendError(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${name}:${ref}`, head);
      return sendBlob(res, manifest, manifest.mediaType, head);
    }
    const blob = repo.blobs.get(ref);
    if (!blob) return sendError(res, 404, 'BLOB_UNKNOWN', `blob unknown to registry: ${ref}`, head);
    return sendBlob(res, blob, 'application/octet-stream', head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    add,
    manifestRequests: (repo) => requests.filter((r) => r.path.includes('/manifests/') && (repo === undefined || r.path.startsWith(`/v2/${repo}/manifests/`))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
