// port-forward for kubectl ≥ 1.31: SPDY tunnelled in WebSocket binary messages (subprotocol
// `SPDY/3.1+portforward.k8s.io`), upstream's TunnelingHandler. The runtime is asked for a
// plain SPDY port-forward upgrade first, so its refusal still reaches the client as HTTP;
// then the WebSocket is accepted and bytes are relayed. A SPDY frame arrives split over
// several messages, so messages are treated as one byte stream.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { dialUpgrade, rawHeaderPairs } from './backendDial.js';
import { streamingMetrics } from './metrics.js';
import { writeHttpResponse, writeStatusError } from './rawHttp.js';
import { acceptWebSocket } from './websocket.js';

export const tunnelProtocol = 'SPDY/3.1+portforward.k8s.io';

/** Above this much unsent on the WebSocket, reading from the runtime pauses. */
const HIGH_WATER = 1024 * 1024;

export async function tunnelPortForward(req: IncomingMessage, client: Duplex, head: Buffer, backendUrl: string, log: (msg: string) => void): Promise<void> {
  let dialed;
  try {
    dialed = await dialUpgrade(backendUrl, 'POST', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' });
  } catch (e) {
    return writeStatusError(client, new Error(`error dialing backend: ${(e as Error).message}`), log);
  }
  if (!dialed.upgraded) {
    const headers: Record<string, string> = {};
    for (const [k, v] of rawHeaderPairs(dialed.response)) if (k.toLowerCase() === 'content-type') headers[k] = v;
    return writeHttpResponse(client, dialed.response.statusCode ?? 502, headers, dialed.body);
  }
  const backend = dialed.socket;
  let ws: WebSocket;
  try {
    ws = await acceptWebSocket(req, client, head, tunnelProtocol);
  } catch {
    backend.destroy();
    return;
  }
  streamingMetrics.portForwardTunnel++;
  relay(ws, backend, dialed.head);
}

/** WebSocket binary messages ↔ socket bytes, closing each side when the other goes. */
function relay(ws: WebSocket, socket: Duplex, head: Buffer): void {
  if (head.length) ws.send(head);
  ws.on('message', (data: Buffer) => {
    if (!socket.write(data)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  socket.on('data', (chunk: Buffer) => {
    ws.send(chunk, () => {
      if (socket.isPaused() && ws.bufferedAmount < HIGH_WATER / 2) socket.resume();
    });
    if (ws.bufferedAmount > HIGH_WATER) socket.pause();
  });
  ws.on('close', () => {
    socket.end();
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
  ws.on('error', () => socket.destroy());
  socket.on('close', () => ws.close(1000));
  socket.on('error', () => ws.terminate());
}
