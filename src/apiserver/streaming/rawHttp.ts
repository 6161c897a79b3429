// Answers on a socket taken over by an upgrade request, before any protocol switch: the
// 'upgrade' event hands us the raw socket, so errors are written as HTTP/1.1 by hand.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, internalError } from '../../machinery/errors.js';

export function writeHttpResponse(socket: Duplex, code: number, headers: Record<string, string>, body: Buffer | string): void {
  if (socket.destroyed || !socket.writable) return;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Unknown'}`];
  for (const [k, v] of Object.entries({ ...headers, 'Content-Length': String(payload.length), Connection: 'close' })) lines.push(`${k}: ${v}`);
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), payload]));
}

/** A Status JSON answer, as the normal request path sends it (sendError). */
export function writeStatusError(socket: Duplex, err: unknown, log?: (msg: string) => void): void {
  const apiErr = err instanceof ApiError ? err : internalError(err);
  if (!(err instanceof ApiError)) log?.(`pod stream: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  writeHttpResponse(socket, apiErr.status.code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' }, JSON.stringify(apiErr.status));
}
