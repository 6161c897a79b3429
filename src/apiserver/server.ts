// The HTTPS front door: client-certificate and service-account-token authentication, routing
// to discovery, OpenAPI, health and resource handlers, and a graceful stop that lets in-flight
// writes finish.
import { createServer as createHttpsServer, type Server } from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ApiRequest, ApiResponse } from './http/exchange.js';
import type { TLSSocket } from 'node:tls';
import * as errors from '../machinery/errors.js';
import * as discovery from './discovery.js';
import { tryGetCoreObject, type ApiDeps } from './handlers/context.js';
import { handleResource } from './handlers/resource.js';
import { handlePodStream, isPodStream, isPodStreamUpgrade, PodStreamUpgrades } from './handlers/podStreams.js';
import { writeStatusError } from './streaming/rawHttp.js';
import { sendError, sendJson, sendText } from './http/respond.js';
import { parseRequestPath } from './requestInfo.js';
import { serveOpenApi } from './openapiRoutes.js';
import { handleMetrics, isMetricsRequest } from './metrics/handler.js';
import { handleServiceAccountToken, isServiceAccountTokenRequest } from './handlers/serviceAccountToken.js';
import { authenticateServiceAccountToken, bearerToken, type AuthenticatedUser } from './authn/tokenAuthenticator.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface ApiServerOptions {
  deps: ApiDeps;
  tls: { key: string; cert: string; ca: string };
  /** host:port clients should use (discovery's serverAddressByClientCIDRs). */
  serverAddress: () => string;
  ready: () => boolean;
  version: VersionInfo;
}

/** Who sent a request: a client certificate's subject or a service account token's user. */
export type User = AuthenticatedUser;

/** Paths anyone may read, as upstream's system:public-info-viewer role allows. */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version', '/healthz/ping', '/livez/ping', '/readyz/ping']);

// The client certificate is fixed for a connection's life: read it once per socket.
const socketUsers = new WeakMap<TLSSocket, User | null>();

function authenticate(req: IncomingMessage): User | undefined {
  const sock = req.socket as TLSSocket;
  let user = socketUsers.get(sock);
  if (user === undefined) {
    user = certificateUser(sock) ?? null;
    socketUsers.set(sock, user);
  }
  return user ?? undefined;
}

function certificateUser(sock: TLSSocket): User | undefined {
  if (!sock.authorized) return undefined;
  const cert = sock.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const o = cert.subject.O;
  return { name: String(cert.subject.CN ?? ''), groups: Array.isArray(o) ? o : o ? [o] : [] };
}

export class ApiServer {
  readonly server: Server;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private stopping = false;
  private readonly podStreams: PodStreamUpgrades;

  constructor(private readonly opts: ApiServerOptions) {
    this.server = createHttpsServer(
      { key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 },
      (req, res) => void this.handle(req, res),
    );
    this.podStreams = new PodStreamUpgrades(opts.deps);
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  /** Stops accepting, waits for in-flight requests (watches are cut), then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.server.close();
    this.server.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((r) => (this.drained = r));
    this.podStreams.closeAll();
    this.server.closeAllConnections();
  }

  /**
   * exec/attach/portforward (SPDY/3.1 or WebSocket) get the raw socket, after the same client
   * certificate check as every request. Any other request that asks to upgrade is served as
   * an ordinary one: clients cannot insist on a protocol change.
   */
  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const target = parseRequestPath(url.pathname);
      if (target.type === 'resource' && isPodStreamUpgrade(target)) {
        if (!(authenticate(req) ?? (await this.bearerUser(req)))) return writeStatusError(socket, errors.unauthorized());
        return await this.podStreams.handle(req, socket, head, target, url);
      }
    } catch (e) {
      return writeStatusError(socket, e, this.opts.deps.log);
    }
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => socket.end());
    await this.handle(req, res);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const isWatch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1' || url.pathname.includes('/watch/');
    if (!isWatch) this.inFlight++;
    try {
      if (this.stopping && !isWatch) {
        res.setHeader('Connection', 'close');
      }
      const user = authenticate(req) ?? (await this.bearerUser(req));
      if (!user && !publicPaths.has(url.pathname)) throw errors.unauthorized();
      await this.route(req, res, url);
    } catch (e) {
      sendError(res, e, this.opts.deps.log);
    } finally {
      if (!isWatch && --this.inFlight === 0 && this.drained) this.drained();
    }
  }

  /**
   * Service account tokens (`Authorization: Bearer <jwt>`), tried after the client
   * certificate as upstream's union authenticator does; any failure is a plain 401.
   */
  private async bearerUser(req: IncomingMessage): Promise<User | undefined> {
    const tokens = this.opts.deps.serviceAccountTokens;
    const token = bearerToken(req.headers.authorization);
    if (!tokens || !token) return undefined;
    const result = await authenticateServiceAccountToken(token, tokens, (resource, namespace, name) => tryGetCoreObject(this.opts.deps, resource, namespace || undefined, name));
    return 'user' in result ? result.user : undefined;
  }

  /**
   * Serves one already-authenticated request: the HTTPS front door and the in-process
   * client both come through here, so controllers see exactly what kubectl sees.
   */
  async dispatch(req: ApiRequest, res: ApiResponse): Promise<void> {
    try {
      await this.route(req, res, new URL(req.url ?? '/', 'https://localhost'));
    } catch (e) {
      sendError(res, e, this.opts.deps.log);
    }
  }

  private async route(req: ApiRequest, res: ApiResponse, url: URL): Promise<void> {
    const p = url.pathname;
    const { deps } = this.opts;
    if (p === '/healthz' || p === '/livez' || p.startsWith('/healthz/') || p.startsWith('/livez/')) return sendText(res, 200, 'ok');
    if (p === '/readyz' || p.startsWith('/readyz/')) {
      return this.opts.ready() && !this.stopping ? sendText(res, 200, 'ok') : sendText(res, 503, '[-]skiff-ready failed: not ready\nreadyz check failed');
    }
    if (p === '/version') return sendJson(res, 200, this.opts.version);
    if (p.startsWith('/openapi/')) return serveOpenApi(req, res, url, deps);
    const target = parseRequestPath(p);
    const method = req.method ?? 'GET';
    switch (target.type) {
      case 'root': {
        const agg = discovery.requestedAggregated(req.headers.accept);
        if (agg) {
          const body = JSON.stringify(discovery.aggregatedDiscovery(deps.registry, target.prefix, agg));
          res.writeHead(200, { 'Content-Type': discovery.aggregatedContentType(agg), 'Content-Length': String(Buffer.byteLength(body)), Vary: 'Accept' });
          res.end(body);
          return;
        }
        return sendJson(res, 200, target.prefix === 'api' ? discovery.apiVersions(this.opts.serverAddress()) : discovery.apiGroupList(deps.registry));
      }
      case 'group': {
        const doc = discovery.apiGroupDoc(deps.registry, target.group);
        if (!doc) throw notFoundPath();
        return sendJson(res, 200, doc);
      }
      case 'groupVersion': {
        const doc = discovery.apiResourceList(deps.registry, target.group, target.version);
        if (!doc) throw notFoundPath();
        return sendJson(res, 200, doc);
      }
      case 'resource': {
        if (isMetricsRequest(target)) return handleMetrics({ deps, req, res, url, target });
        const info = deps.registry.lookup(target.group, target.version, target.resource);
        if (!info) throw notFoundPath();
        if (isPodStream(target)) return handlePodStream({ deps, req, res, url, target, info, warnings: [] });
        if (isServiceAccountTokenRequest(target)) return handleServiceAccountToken({ deps, req, res, url, target, info, warnings: [] });
        return handleResource({ deps, req, res, url, target, info, warnings: [] });
      }
      default:
        if (method === 'GET' && p === '/') return sendJson(res, 200, { paths: ['/api', '/apis', '/healthz', '/livez', '/readyz', '/version', '/openapi/v2', '/openapi/v3'] });
        throw notFoundPath();
    }
  }
}

function notFoundPath(): errors.ApiError {
  return new errors.ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}
