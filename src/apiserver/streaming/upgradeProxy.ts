// Relays an upgrade request to the runtime's streaming server and, once it switches protocols,
// the bytes both ways: upstream's UpgradeAwareHandler. SPDY exec/attach/port-forward from
// kubectl ≤ 1.30 (and WebSocket protocols the runtime speaks itself) take this path.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { dialUpgrade, rawHeaderPairs } from './backendDial.js';
import { streamingMetrics } from './metrics.js';
import { writeHttpResponse, writeStatusError } from './rawHttp.js';

/** Request headers the streaming server needs to negotiate; credentials never leave. */
const forwarded = ['upgrade', 'x-stream-protocol-version', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'user-agent'];

function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name of forwarded) {
    const values = req.headersDistinct[name];
    if (values?.length) out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

export async function proxyUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, backendUrl: string, log: (msg: string) => void): Promise<void> {
  let dialed;
  try {
    dialed = await dialUpgrade(backendUrl, req.method ?? 'POST', forwardHeaders(req));
  } catch (e) {
    return writeStatusError(client, new Error(`error dialing backend: ${(e as Error).message}`), log);
  }
  if (!dialed.upgraded) {
    // As upstream: the runtime's refusal goes back to the client unchanged.
    const headers: Record<string, string> = {};
    for (const [k, v] of rawHeaderPairs(dialed.response)) {
      const lk = k.toLowerCase();
      if (lk !== 'content-length' && lk !== 'connection' && lk !== 'transfer-encoding') headers[k] = v;
    }
    return writeHttpResponse(client, dialed.response.statusCode ?? 502, headers, dialed.body);
  }
  const backend = dialed.socket;
  if (client.destroyed) {
    backend.destroy();
    return;
  }
  streamingMetrics.upgradeProxy++;
  const lines = ['HTTP/1.1 101 Switching Protocols', ...rawHeaderPairs(dialed.response).map(([k, v]) => `${k}: ${v}`)];
  client.write(lines.join('\r\n') + '\r\n\r\n');
  if (dialed.head.length) client.write(dialed.head);
  if (head.length) backend.write(head);
  splice(client, backend);
}

/**
 * Pipes two sockets into each other. One side closing ends the other once what was already
 * read from it is written (a last GOAWAY must arrive), with a bound for a peer that stops.
 */
function splice(a: Duplex, b: Duplex): void {
  for (const s of [a, b]) (s as Partial<Socket>).setNoDelay?.(true);
  a.pipe(b);
  b.pipe(a);
  const endOther = (other: Duplex) => (): void => {
    if (other.destroyed) return;
    other.end();
    setTimeout(() => other.destroy(), 5000).unref();
  };
  const teardown = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', teardown);
  b.on('error', teardown);
  a.on('close', endOther(b));
  b.on('close', endOther(a));
}
