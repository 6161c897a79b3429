import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { Channel, statusFromErrorStream, translateExec } from './execTranslator.js';
import { startFakeCriServer, type FakeCriServer } from './fakeCriServer.js';
import type { StreamRequest } from './types.js';
import { acceptWebSocket } from './websocket.js';

// A WebSocket front door that translates every session to the fake CRI server's SPDY, the
// way the API server does for kubectl ≥ 1.30; the test is the WebSocket client.
let cri: FakeCriServer;
let front: Server;
let frontPort = 0;
/** The backend URL and streams for the next session. */
let next: { url: string; opts: StreamRequest } | undefined;

before(async () => {
  cri = await startFakeCriServer();
  front = createServer();
  front.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const session = next!;
    next = undefined;
    void acceptWebSocket(req, socket, head, 'v5.channel.k8s.io').then((ws) => translateExec(ws, session.url, session.opts));
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const a = front.address();
  frontPort = typeof a === 'object' && a ? a.port : 0;
});
after(async () => {
  front.close();
  await cri.close();
});

interface Session {
  ws: WebSocket;
  /** Output by channel, and the status once the server closes. */
  done: Promise<{ out: Map<number, string>; status: Record<string, unknown>; first: Buffer }>;
}

function open(url: string, opts: StreamRequest): Session {
  next = { url, opts };
  const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/exec`, ['v5.channel.k8s.io']);
  const out = new Map<number, string>();
  let status: Record<string, unknown> = {};
  let first: Buffer | undefined;
  const done = new Promise<{ out: Map<number, string>; status: Record<string, unknown>; first: Buffer }>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      first ??= data;
      if (data[0] === Channel.Error) status = JSON.parse(data.subarray(1).toString()) as Record<string, unknown>;
      else out.set(data[0], (out.get(data[0]) ?? '') + data.subarray(1).toString());
    });
    ws.on('error', reject);
    ws.on('close', () => resolve({ out, status, first: first ?? Buffer.alloc(0) }));
  });
  return { ws, done };
}

const opened = (s: Session): Promise<void> => new Promise((r) => s.ws.once('open', () => r()));
const send = (s: Session, channel: number, text: string): void => s.ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text)]));

describe('WebSocket v5 to SPDY translation', () => {
  it('runs a command: empty hello on stdout, then output, then Success', async () => {
    const s = open(cri.execUrl({ cmd: ['echo', 'hi'], stdin: false, stdout: true, stderr: true, tty: false }), { stdin: false, stdout: true, stderr: true, tty: false });
    const { out, status, first } = await s.done;
    assert.equal(s.ws.protocol, 'v5.channel.k8s.io');
    assert.deepEqual([...first], [Channel.Stdout]);
    assert.equal(out.get(Channel.Stdout), 'hi\n');
    assert.deepEqual(status, { metadata: {}, status: 'Success' });
  });

  it('feeds stdin and half-closes it on [255, 0]', async () => {
    const s = open(cri.execUrl({ cmd: ['cat'], stdin: true, stdout: true, stderr: true, tty: false }), { stdin: true, stdout: true, stderr: true, tty: false });
    await opened(s);
    send(s, Channel.Stdin, 'abc');
    send(s, Channel.Stdin, 'def');
    s.ws.send(Buffer.from([Channel.Close, Channel.Stdin]));
    const { out, status } = await s.done;
    assert.equal(out.get(Channel.Stdout), 'abcdef');
    assert.equal(status.status, 'Success');
  });

  it('reports a non-zero exit as the v5 NonZeroExitCode status', async () => {
    const s = open(cri.execUrl({ cmd: ['exit', '3'], stdin: false, stdout: true, stderr: true, tty: false }), { stdin: false, stdout: true, stderr: true, tty: false });
    const { status } = await s.done;
    assert.deepEqual(status, {
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: command terminated with exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('passes terminal resizes to the resize stream', async () => {
    const before = cri.resizes.length;
    const s = open(cri.execUrl({ cmd: ['resize'], stdin: true, stdout: true, stderr: false, tty: true }), { stdin: true, stdout: true, stderr: true, tty: true });
    await opened(s);
    send(s, Channel.Resize, JSON.stringify({ Width: 100, Height: 40 }));
    send(s, Channel.Resize, JSON.stringify({ Width: 120, Height: 50 }));
    // The fake echoes each size on stdout; wait for both before closing stdin.
    await new Promise<void>((resolve) => {
      let seen = '';
      s.ws.on('message', (d: Buffer) => {
        if (d[0] === Channel.Stdout) seen += d.subarray(1).toString();
        if (seen.includes('120x50\n')) resolve();
      });
    });
    s.ws.send(Buffer.from([Channel.Close, Channel.Stdin]));
    const { out, status } = await s.done;
    assert.equal(out.get(Channel.Stdout), '100x40\n120x50\n');
    assert.equal(out.has(Channel.Stderr), false, 'no stderr with a TTY');
    assert.deepEqual(cri.resizes.slice(before), [{ Width: 100, Height: 40 }, { Width: 120, Height: 50 }]);
    assert.equal(status.status, 'Success');
  });

  it('turns a refused upgrade into an internal-error status', async () => {
    const s = open(cri.execUrl({ cmd: ['echo'], stdin: false, stdout: true, stderr: false, tty: false }).replace(/[^/]+$/, 'unknown-token'), { stdin: false, stdout: true, stderr: false, tty: false });
    const { status } = await s.done;
    assert.equal(status.reason, 'InternalError');
    assert.equal(status.message, 'Internal error occurred: unable to upgrade connection: token not found');
  });
});

describe('statusFromErrorStream', () => {
  it('reads the v4 error stream as client-go does', () => {
    assert.deepEqual(statusFromErrorStream(''), { metadata: {}, status: 'Success' });
    assert.deepEqual(statusFromErrorStream('{"metadata":{},"status":"Success"}'), { metadata: {}, status: 'Success' });
    const failure = statusFromErrorStream('{"status":"Failure","message":"container not found","reason":"InternalError"}');
    assert.equal(failure.message, 'Internal error occurred: error executing remote command: container not found');
    assert.equal(failure.code, 500);
    assert.match(String(statusFromErrorStream('not json').message), /^Internal error occurred: error stream protocol error: .* in "not json"$/);
    assert.match(String(statusFromErrorStream('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"x"}]}}').message), /invalid exit code value "x"/);
  });
});
