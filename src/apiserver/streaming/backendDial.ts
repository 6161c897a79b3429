// Opens an upgraded connection to a CRI streaming server URL (containerd's stream server on
// loopback): the request kubectl would have sent, minus the API server's own concerns.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';

export type DialResult =
  | { upgraded: true; response: IncomingMessage; socket: Duplex; head: Buffer }
  | { upgraded: false; response: IncomingMessage; body: Buffer };

/** Sends `method url` with Connection: Upgrade and `headers`; resolves on 101 or any other answer. */
export function dialUpgrade(url: string, method: string, headers: OutgoingHttpHeaders): Promise<DialResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    // The streaming server is the runtime's own loopback endpoint, authorised by the one-time
    // token in the path; with TLS it serves a self-signed certificate, as the kubelet accepts.
    const req = send(u, { method, headers: { ...headers, Connection: 'Upgrade', 'Content-Length': '0' }, rejectUnauthorized: false });
    req.on('upgrade', (response: IncomingMessage, socket: Duplex, head: Buffer) => resolve({ upgraded: true, response, socket, head }));
    req.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ upgraded: false, response, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The answer's headers as [name, value] pairs in the order they came. */
export function rawHeaderPairs(response: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) out.push([response.rawHeaders[i], response.rawHeaders[i + 1]]);
  return out;
}
