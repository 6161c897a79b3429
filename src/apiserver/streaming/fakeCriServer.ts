// A stand-in for a CRI streaming server (containerd's stream server) for tests: one-time URLs,
// SPDY/3.1 remotecommand v4 with a tiny command table, and portforward.k8s.io to loopback
// ports. It exercises the SPDY server role the way kubectl and the API server use it.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { exitCodeStatus, successStatus } from './execTranslator.js';
import { SpdyConnection, type SpdyStream } from './spdy.js';
import type { ExecRequest, StreamRequest } from './types.js';

type Session = { kind: 'exec'; req: ExecRequest } | { kind: 'attach'; req: StreamRequest } | { kind: 'portforward'; ports: number[] };

export interface FakeCriServer {
  /** Registers a one-time exec URL. Commands: `echo …`, `cat`, `exit N`, `stderr …`, `resize`, `bytes N`. */
  execUrl(req: ExecRequest): string;
  /** attach copies stdin to stdout until stdin ends. */
  attachUrl(req: StreamRequest): string;
  portForwardUrl(ports: number[]): string;
  /** Container port → loopback port actually dialled (tests cannot bind fixed ports). */
  readonly portMap: Map<number, number>;
  /** Terminal sizes received on resize streams, in order. */
  readonly resizes: { Width: number; Height: number }[];
  /** Sessions served, by kind. */
  readonly served: { exec: number; attach: number; portforward: number; forwardedConnections: number };
  close(): Promise<void>;
}

const remoteCommandVersions = ['v4.channel.k8s.io'];

export async function startFakeCriServer(): Promise<FakeCriServer> {
  const sessions = new Map<string, Session>();
  const sockets = new Set<Duplex>();
  const portMap = new Map<number, number>();
  const resizes: { Width: number; Height: number }[] = [];
  const served = { exec: 0, attach: 0, portforward: 0, forwardedConnections: 0 };
  const server: Server = createServer((_req, res) => {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end('Upgrade request required');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const m = /^\/(exec|attach|portforward)\/([^/?]+)/.exec(req.url ?? '');
    const session = m ? sessions.get(m[2]) : undefined;
    if (!m || !session || session.kind !== m[1]) return refuse(socket, 404, 'Not Found', 'token not found');
    sessions.delete(m[2]);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1') return refuse(socket, 400, 'Bad Request', 'only SPDY/3.1 is served here');
    const offered = (req.headersDistinct['x-stream-protocol-version'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
    const supported = session.kind === 'portforward' ? ['portforward.k8s.io'] : remoteCommandVersions;
    const protocol = offered.find((p) => supported.includes(p));
    if (!protocol) {
      return refuse(socket, 403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${supported.join(' ')}]`);
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    if (head.length) socket.unshift(head);
    const conn = new SpdyConnection(socket, { role: 'server' });
    if (session.kind === 'portforward') {
      served.portforward++;
      servePortForward(conn, portMap, () => served.forwardedConnections++);
    } else {
      served[session.kind]++;
      void serveRemoteCommand(conn, session.kind === 'exec' ? session.req.cmd : ['cat'], session.req, resizes);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const register = (path: string, s: Session): string => {
    const token = randomBytes(6).toString('hex');
    sessions.set(token, s);
    return `${base}/${path}/${token}`;
  };
  return {
    execUrl: (req) => register('exec', { kind: 'exec', req }),
    attachUrl: (req) => register('attach', { kind: 'attach', req }),
    portForwardUrl: (ports) => register('portforward', { kind: 'portforward', ports }),
    portMap,
    resizes,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function refuse(socket: Duplex, code: number, text: string, body: string): void {
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Waits for the streams the request implies (as the kubelet does), keyed by streamtype. */
function collectStreams(conn: SpdyConnection, req: StreamRequest): Promise<Map<string, SpdyStream>> {
  const want = new Set(['error']);
  if (req.stdin) want.add('stdin');
  if (req.stdout) want.add('stdout');
  if (req.stderr && !req.tty) want.add('stderr');
  if (req.tty) want.add('resize');
  const got = new Map<string, SpdyStream>();
  return new Promise((resolve) => {
    conn.on('stream', (s: SpdyStream) => {
      const type = s.headers.streamtype ?? '';
      got.set(type, s);
      if (type !== 'stdin' && type !== 'resize') s.resume(); // nothing to read; don't hold the socket
      if ([...want].every((w) => got.has(w))) resolve(got);
    });
  });
}

const endStream = (s: SpdyStream | undefined): Promise<void> => (s && !s.destroyed ? new Promise((r) => s.end(() => r())) : Promise.resolve());

async function serveRemoteCommand(conn: SpdyConnection, cmd: string[], req: StreamRequest, resizes: { Width: number; Height: number }[]): Promise<void> {
  const streams = await collectStreams(conn, req);
  const stdin = streams.get('stdin');
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  let status: Record<string, unknown> = successStatus();
  const [name, ...args] = cmd;
  const stdinDone = (): Promise<void> => (stdin ? new Promise((r) => (stdin.readableEnded ? r() : stdin.once('end', () => r()))) : Promise.resolve());
  switch (name) {
    case 'echo':
      stdout?.write(`${args.join(' ')}\n`);
      break;
    case 'stderr':
      stderr?.write(`${args.join(' ')}\n`);
      break;
    case 'exit':
      status = exitCodeStatus(Number(args[0] ?? '1'));
      break;
    case 'bytes': {
      const total = Number(args[0] ?? '0');
      const block = Buffer.alloc(64 * 1024, 'x');
      for (let sent = 0; sent < total; sent += block.length) {
        const piece = block.subarray(0, Math.min(block.length, total - sent));
        if (stdout && !stdout.write(piece)) await new Promise((r) => stdout.once('drain', r));
      }
      break;
    }
    case 'cat':
      if (stdin) {
        stdin.on('data', (d: Buffer) => stdout?.write(d));
        await stdinDone();
      }
      break;
    case 'resize': {
      const resize = streams.get('resize');
      let pending = '';
      resize?.on('data', (d: Buffer) => {
        pending += d.toString();
        // The client writes one JSON object per event, back to back.
        for (let i = pending.indexOf('}'); i >= 0; i = pending.indexOf('}')) {
          const size = JSON.parse(pending.slice(0, i + 1)) as { Width: number; Height: number };
          pending = pending.slice(i + 1);
          resizes.push(size);
          stdout?.write(`${size.Width}x${size.Height}\n`);
        }
      });
      stdin?.resume();
      await stdinDone();
      break;
    }
    default:
      status = { metadata: {}, status: 'Failure', message: `Internal error occurred: error executing command in container: executable file ${JSON.stringify(name ?? '')} not found`, reason: 'InternalError', code: 500 };
  }
  await Promise.all([endStream(stdout), endStream(stderr)]);
  const errorStream = streams.get('error');
  errorStream?.write(JSON.stringify(status));
  await endStream(errorStream);
  conn.close();
}

/** portforward.k8s.io: pairs error and data streams by requestid, dials the mapped port. */
function servePortForward(conn: SpdyConnection, portMap: Map<number, number>, counted: () => void): void {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream; port: number }>();
  conn.on('stream', (s: SpdyStream) => {
    const id = s.headers.requestid ?? '';
    const pair = pairs.get(id) ?? { port: Number(s.headers.port ?? '0') };
    pairs.set(id, pair);
    if (s.headers.streamtype === 'error') {
      pair.error = s;
      s.resume();
    } else {
      pair.data = s;
    }
    if (!pair.error || !pair.data) return;
    pairs.delete(id);
    const { error, data, port } = pair;
    counted();
    const target = connect(portMap.get(port) ?? port, '127.0.0.1');
    data.pipe(target);
    target.on('data', (d: Buffer) => data.write(d));
    target.on('end', () => void endStream(data).then(() => endStream(error)));
    target.on('error', (e) => {
      error.write(`an error occurred forwarding ${port} -> ${port}: ${e.message}`);
      void endStream(error).then(() => endStream(data));
    });
    data.on('close', () => target.destroy());
  });
}
