// Accepting WebSocket upgrades with the subprotocols Kubernetes clients ask for. ws@8 rejects
// a subprotocol containing `/` (RFC 6455 token rules) with a 400, and kubectl then silently
// falls back to plain SPDY for port-forward; so the offered list is read here, the header is
// removed before ws sees it, and the chosen protocol is added to the 101 answer ourselves.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const chosen = new WeakMap<IncomingMessage, string>();
let server: WebSocketServer | undefined;

function wss(): WebSocketServer {
  if (!server) {
    server = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
    server.on('headers', (headers: string[], req: IncomingMessage) => {
      const protocol = chosen.get(req);
      if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
    });
  }
  return server;
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** The subprotocols the client offered, in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headersDistinct['sec-websocket-protocol'] ?? [])
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Completes the handshake answering `protocol`; rejects if the client's handshake is invalid. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  delete req.headers['sec-websocket-protocol'];
  chosen.set(req, protocol);
  return new Promise((resolve, reject) => {
    const failed = (): void => reject(new Error('websocket handshake failed'));
    socket.once('close', failed);
    wss().handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', failed);
      resolve(ws);
    });
  });
}
