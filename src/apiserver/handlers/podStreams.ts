// pods/log, pods/exec, pods/attach, pods/portforward: the pod checks upstream's pod REST does
// (LogLocation, ExecLocation, AttachLocation, PortForwardLocation), then the node's
// PodStreamBackend and one of the streaming paths in ../streaming.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as errors from '../../machinery/errors.js';
import { isPlainObject, type KubeObject } from '../../machinery/types.js';
import type { ApiResponse } from '../http/exchange.js';
import type { ResourceRequest } from '../requestInfo.js';
import { translateExec } from '../streaming/execTranslator.js';
import { streamingMetrics } from '../streaming/metrics.js';
import { checkStreams, parseAttachOptions, parseExecOptions, parseLogOptions, parsePortForwardPorts } from '../streaming/options.js';
import { tunnelPortForward, tunnelProtocol } from '../streaming/portForwardTunnel.js';
import { writeStatusError } from '../streaming/rawHttp.js';
import type { PodStreamBackend, StreamRequest } from '../streaming/types.js';
import { proxyUpgrade } from '../streaming/upgradeProxy.js';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols } from '../streaming/websocket.js';
import { getCoreObject, type ApiDeps, type RequestContext } from './context.js';

const streamSubresources = new Set(['exec', 'attach', 'portforward']);
const remoteCommandV5 = 'v5.channel.k8s.io';

/** `…/pods/<p>/log|exec|attach|portforward` in the core group. */
export function isPodStream(target: ResourceRequest): boolean {
  return target.group === '' && target.resource === 'pods' && target.name !== undefined && (target.subresource === 'log' || streamSubresources.has(target.subresource ?? ''));
}

/** The subresources served only over an upgraded connection. */
export function isPodStreamUpgrade(target: ResourceRequest): boolean {
  return isPodStream(target) && streamSubresources.has(target.subresource ?? '');
}

interface PodSpecLike {
  nodeName?: unknown;
  containers?: unknown;
  initContainers?: unknown;
  ephemeralContainers?: unknown;
}

function specOf(pod: KubeObject): PodSpecLike {
  return isPlainObject(pod.spec) ? (pod.spec as PodSpecLike) : {};
}

function namesOf(list: unknown): string[] {
  return Array.isArray(list) ? list.filter(isPlainObject).map((c) => String(c.name ?? '')) : [];
}

/** validateContainer: the only container by default; otherwise the name must be given and exist. */
export function validateContainer(container: string, pod: KubeObject): string {
  const spec = specOf(pod);
  const containers = namesOf(spec.containers);
  // podutil.VisitContainers order: init containers, containers, ephemeral containers.
  const all = [...namesOf(spec.initContainers), ...containers, ...namesOf(spec.ephemeralContainers)];
  const name = pod.metadata.name ?? '';
  if (container === '') {
    if (containers.length === 1) return containers[0];
    if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

function nodeNameOf(pod: KubeObject): string {
  const n = specOf(pod).nodeName;
  return typeof n === 'string' ? n : '';
}

function phaseOf(pod: KubeObject): string {
  const status = isPlainObject(pod.status) ? pod.status : {};
  return typeof status.phase === 'string' ? status.phase : '';
}

async function getPod(deps: ApiDeps, target: ResourceRequest): Promise<KubeObject> {
  if (target.namespace === undefined) throw errors.notFound({ group: '', resource: 'pods' }, target.name ?? '');
  return getCoreObject(deps, 'pods', target.namespace, target.name!);
}

function backendFor(deps: ApiDeps, pod: KubeObject, nodeName: string): PodStreamBackend {
  const backend = deps.podStreams?.(nodeName);
  if (!backend) {
    throw errors.badRequest(`pods "${pod.metadata.name}" on node "${nodeName}": the simulated runtime runs no processes (exec, attach, port-forward and logs need --runtime containerd)`);
  }
  return backend;
}

/** A checked exec/attach/port-forward request, ready to ask the node for a streaming URL. */
interface PreparedStream {
  kind: 'exec' | 'attach' | 'portforward';
  streams: StreamRequest;
  url: () => Promise<string>;
}

async function prepare(deps: ApiDeps, target: ResourceRequest, url: URL, method: string): Promise<PreparedStream> {
  const kind = target.subresource as PreparedStream['kind'];
  if (method !== 'GET' && method !== 'POST') throw errors.methodNotSupported({ group: '', resource: `pods/${kind}` }, method.toLowerCase());
  const name = target.name!;
  if (kind === 'portforward') {
    const ports = parsePortForwardPorts(url);
    const pod = await getPod(deps, target);
    const nodeName = nodeNameOf(pod);
    if (!nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
    const backend = backendFor(deps, pod, nodeName);
    return { kind, streams: { stdin: false, stdout: false, stderr: false, tty: false }, url: () => backend.portForwardUrl(pod, ports) };
  }
  const opts = kind === 'exec' ? parseExecOptions(url) : { ...parseAttachOptions(url), cmd: [] };
  const pod = await getPod(deps, target);
  const container = validateContainer(opts.container, pod);
  const nodeName = nodeNameOf(pod);
  if (!nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const phase = phaseOf(pod);
  if (phase === 'Succeeded' || phase === 'Failed') {
    // kubectl refuses these itself with the same words; other clients get them from us.
    throw errors.badRequest(kind === 'exec' ? `cannot exec into a container in a completed pod; current phase is ${phase}` : `cannot attach a container in a completed pod; current phase is ${phase}`);
  }
  const streams = checkStreams(opts);
  const backend = backendFor(deps, pod, nodeName);
  return {
    kind,
    streams,
    url: () => (kind === 'exec' ? backend.execUrl(pod, container, { cmd: opts.cmd, ...streams }) : backend.attachUrl(pod, container, streams)),
  };
}

/** The ordinary (non-upgrade) request path: logs, or the upgrade-required answer. */
export async function handlePodStream(ctx: RequestContext): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  if (ctx.target.subresource === 'log') return serveLogs(ctx, method);
  await prepare(ctx.deps, ctx.target, ctx.url, method);
  // UpgradeAwareHandler with UpgradeRequired: the checks above answer first.
  throw errors.badRequest('Upgrade request required');
}

async function serveLogs(ctx: RequestContext, method: string): Promise<void> {
  if (method !== 'GET') throw errors.methodNotSupported({ group: '', resource: 'pods/log' }, method.toLowerCase());
  const opts = parseLogOptions(ctx.url, ctx.target.name!);
  const pod = await getPod(ctx.deps, ctx.target);
  const container = validateContainer(opts.container, pod);
  const nodeName = nodeNameOf(pod);
  // No host yet (LogLocation answers no location) or a simulated node: an empty log.
  const backend = nodeName ? ctx.deps.podStreams?.(nodeName) : undefined;
  const headers = { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' };
  if (!backend) {
    ctx.res.writeHead(200, { ...headers, 'Content-Length': '0' });
    ctx.res.end();
    return;
  }
  const abort = new AbortController();
  ctx.res.on('close', () => abort.abort());
  const lines = await backend.logs(pod, { ...opts, container }, abort.signal);
  streamingMetrics.logs++;
  ctx.res.writeHead(200, headers);
  ctx.res.flushHeaders();
  try {
    for await (const chunk of lines) {
      if (abort.signal.aborted) break;
      if (!ctx.res.write(chunk)) await drained(ctx.res);
    }
  } catch (e) {
    ctx.deps.log(`pods/log ${ctx.target.namespace}/${ctx.target.name}: ${e instanceof Error ? e.message : String(e)}`);
    ctx.res.destroy();
    return;
  } finally {
    abort.abort();
  }
  ctx.res.end();
}

function drained(res: ApiResponse): Promise<void> {
  if (!(res instanceof ServerResponse) || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * exec/attach/portforward arriving as upgrade requests (the HTTPS server's 'upgrade' event,
 * already authenticated). Tracks the taken-over sockets so a stopping server can cut them.
 */
export class PodStreamUpgrades {
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly deps: ApiDeps) {}

  async handle(req: IncomingMessage, socket: Duplex, head: Buffer, target: ResourceRequest, url: URL): Promise<void> {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const log = this.deps.log;
    try {
      const prepared = await prepare(this.deps, target, url, req.method ?? 'GET');
      if (isWebSocketUpgrade(req)) {
        const offered = offeredProtocols(req);
        if (prepared.kind !== 'portforward' && offered.includes(remoteCommandV5)) {
          const backendUrl = await prepared.url();
          const ws = await acceptWebSocket(req, socket, head, remoteCommandV5);
          await translateExec(ws, backendUrl, prepared.streams);
          return;
        }
        if (prepared.kind === 'portforward' && offered.includes(tunnelProtocol)) {
          await tunnelPortForward(req, socket, head, await prepared.url(), log);
          return;
        }
      }
      // SPDY, and WebSocket protocols the runtime's streaming server speaks itself.
      await proxyUpgrade(req, socket, head, await prepared.url(), log);
    } catch (e) {
      writeStatusError(socket, e, log);
    }
  }

  /** Ends every upgraded session (server stop). */
  closeAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}
