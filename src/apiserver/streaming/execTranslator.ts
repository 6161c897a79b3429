// exec/attach for WebSocket clients (kubectl ≥ 1.30 speaks v5.channel.k8s.io) against a
// runtime that speaks SPDY remotecommand v4: upstream's StreamTranslatorProxy. Each WebSocket
// message is one channel byte and a payload: 0 stdin, 1 stdout, 2 stderr, 3 status (JSON
// Status), 4 resize (JSON TerminalSize); [255, n] closes channel n (only stdin matters).
import { finished } from 'node:stream';
import type { WebSocket } from 'ws';
import { internalError } from '../../machinery/errors.js';
import { dialUpgrade } from './backendDial.js';
import { streamingMetrics } from './metrics.js';
import { SpdyConnection, type SpdyStream } from './spdy.js';
import type { StreamRequest } from './types.js';

export const Channel = { Stdin: 0, Stdout: 1, Stderr: 2, Error: 3, Resize: 4, Close: 255 } as const;

/** Output is held back from the runtime while this much waits unsent on the WebSocket. */
const HIGH_WATER = 1024 * 1024;

/** A metav1.Status as the v5 error channel carries it (JSON). */
export type ChannelStatus = Record<string, unknown>;

export const successStatus = (): ChannelStatus => ({ metadata: {}, status: 'Success' });

/** codeExitToStatusError: what kubectl turns into its own exit code. */
export function exitCodeStatus(code: number): ChannelStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command terminated with exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function internalStatus(message: string): ChannelStatus {
  const { kind: _k, apiVersion: _a, ...rest } = internalError(new Error(message)).status;
  return rest as ChannelStatus;
}

/**
 * Reads the runtime's v4 error stream the way client-go's errorDecoderV4 does, and answers the
 * status the translator writes to the WebSocket client.
 */
export function statusFromErrorStream(text: string): ChannelStatus {
  if (text.trim() === '') return successStatus();
  let status: { status?: unknown; reason?: unknown; message?: unknown; details?: { causes?: { reason?: unknown; message?: unknown }[] } };
  try {
    status = JSON.parse(text) as typeof status;
  } catch (e) {
    return internalStatus(`error stream protocol error: ${(e as Error).message} in ${JSON.stringify(text)}`);
  }
  if (status.status === 'Success') return successStatus();
  if (status.status !== 'Failure') return internalStatus(`error stream protocol error: unknown error`);
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const value = typeof cause?.message === 'string' ? cause.message : '';
    if (!/^\d+$/.test(value) || Number(value) > 255) return internalStatus(`error stream protocol error: invalid exit code value ${JSON.stringify(value)}`);
    return exitCodeStatus(Number(value));
  }
  return internalStatus(`error executing remote command: ${typeof status.message === 'string' ? status.message : ''}`);
}

function frame(channel: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = channel;
  data.copy(out, 1);
  return out;
}

/**
 * Runs one accepted v5 WebSocket session against `backendUrl` (the runtime's exec or attach
 * URL). Resolves when the session is over; never throws (failures become the status).
 */
export async function translateExec(ws: WebSocket, backendUrl: string, opts: StreamRequest): Promise<void> {
  streamingMetrics.execTranslator++;
  const o = { ...opts, stderr: opts.stderr && !opts.tty };
  let clientGone = false;
  const early: Buffer[] = [];
  let onMessage: (data: Buffer) => void = (data) => early.push(data);
  ws.on('message', (data: Buffer) => onMessage(data));
  const gone = new Promise<void>((resolve) => ws.once('close', () => {
    clientGone = true;
    resolve();
  }));
  // Tell the client the session is up: an empty message on the lowest channel it will read.
  ws.send(frame(o.stdout ? Channel.Stdout : o.stderr ? Channel.Stderr : Channel.Error, Buffer.alloc(0)));

  const finish = (status: ChannelStatus): void => {
    if (clientGone) return;
    ws.send(frame(Channel.Error, Buffer.from(JSON.stringify(status))));
    // Close frame after the status; ws waits for the client's own close before dropping the socket.
    ws.close(1000);
  };

  let dialed;
  try {
    dialed = await dialUpgrade(backendUrl, 'POST', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
  } catch (e) {
    return finish(internalStatus(`error dialing backend: ${(e as Error).message}`));
  }
  if (!dialed.upgraded) {
    return finish(refusalStatus(dialed.body));
  }
  if (clientGone) {
    dialed.socket.destroy();
    return;
  }
  if (dialed.head.length) dialed.socket.unshift(dialed.head);
  const conn = new SpdyConnection(dialed.socket, { role: 'client' });

  const errorStream = conn.createStream({ streamtype: 'error' });
  const stdin = o.stdin ? conn.createStream({ streamtype: 'stdin' }) : undefined;
  const stdout = o.stdout ? conn.createStream({ streamtype: 'stdout' }) : undefined;
  const stderr = o.stderr ? conn.createStream({ streamtype: 'stderr' }) : undefined;
  const resize = o.tty ? conn.createStream({ streamtype: 'resize' }) : undefined;

  let stdinClosed = false;
  onMessage = (data: Buffer): void => {
    if (data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case Channel.Stdin:
        if (stdin && !stdinClosed && payload.length && !stdin.write(payload)) {
          ws.pause();
          stdin.once('drain', () => ws.resume());
        }
        break;
      case Channel.Resize:
        if (resize && payload.length) resize.write(payload);
        break;
      case Channel.Close:
        if (payload[0] === Channel.Stdin && stdin && !stdinClosed) {
          stdinClosed = true;
          stdin.end();
        }
        break;
      default:
        break;
    }
  };
  for (const m of early.splice(0)) onMessage(m);

  const outputs = [forward(ws, stdout, Channel.Stdout), forward(ws, stderr, Channel.Stderr)];
  const errorText: Buffer[] = [];
  errorStream.on('data', (d: Buffer) => errorText.push(d));
  const errorDone = readEnd(errorStream);
  const session = (async (): Promise<void> => {
    await Promise.all(outputs);
    await errorDone;
  })();
  await Promise.race([session, gone]);
  if (!clientGone) finish(statusFromErrorStream(Buffer.concat(errorText).toString('utf8')));
  conn.close();
}

/** client-go's SPDY dialer: a Status body becomes that status, anything else a plain error. */
function refusalStatus(body: Buffer): ChannelStatus {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { kind?: unknown; status?: unknown };
    if (parsed && parsed.kind === 'Status') return parsed as ChannelStatus;
  } catch {
    // not a Status: fall through
  }
  return internalStatus(`unable to upgrade connection: ${text.trim()}`);
}

function readEnd(s: SpdyStream): Promise<void> {
  return new Promise((resolve) => finished(s, { writable: false }, () => resolve()));
}

function forward(ws: WebSocket, s: SpdyStream | undefined, channel: number): Promise<void> {
  if (!s) return Promise.resolve();
  let paused = false;
  s.on('data', (chunk: Buffer) => {
    ws.send(frame(channel, chunk), () => {
      if (paused && ws.bufferedAmount < HIGH_WATER / 2) {
        paused = false;
        s.resume();
      }
    });
    if (ws.bufferedAmount > HIGH_WATER) {
      paused = true;
      s.pause();
    }
  });
  return readEnd(s);
}
