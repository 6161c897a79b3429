// The in-process transport: controllers, the scheduler and the local agent talk to the
// API server through the same handlers kubectl reaches, minus TLS, sockets and HTTP framing.
// Requests are trusted (they come from this process), so no authentication step runs.
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { ApiRequest, ApiResponse } from '../apiserver/http/exchange.js';
import type { ApiServer } from '../apiserver/server.js';
import { deepFreeze } from '../machinery/clone.js';
import { clientOver, ObjectBody, type HttpClient, type RoundTrip, type RoundTripResponse } from '../client/httpTransport.js';

// Under tests (SKIFF_FREEZE_SHARED=1, set by the test runner) the watch objects lent to
// in-process informers are frozen, so a component that mutates one fails its tests.
const freezeShared = process.env.SKIFF_FREEZE_SHARED === '1';

class LoopbackResponse extends EventEmitter implements ApiResponse {
  headersSent = false;
  private status = 200;

  constructor(private readonly out: PassThrough & { statusCode?: number }, private readonly onHeaders: () => void) {
    super();
  }

  writeHead(statusCode: number): this {
    this.status = statusCode;
    this.flushHeaders();
    return this;
  }

  setHeader(): this {
    return this;
  }

  flushHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.out.statusCode = this.status;
    this.onHeaders();
  }

  // The stream is in object mode (for writeEvent): text travels as Buffers, as on a socket.
  write(chunk: string | Buffer): boolean {
    this.flushHeaders();
    return this.out.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  writeEvent(type: string, object: unknown): void {
    this.flushHeaders();
    this.out.write({ type, object: freezeShared ? deepFreeze(object) : object });
  }

  endObject(statusCode: number, object: unknown): void {
    this.status = statusCode;
    this.flushHeaders();
    this.out.end(new ObjectBody(object));
  }

  end(chunk?: string | Buffer): this {
    this.flushHeaders();
    this.out.end(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return this;
  }

  destroy(): this {
    this.out.destroy();
    return this;
  }
}

export function loopbackRoundTrip(server: ApiServer): RoundTrip {
  return ({ method, path, headers, body, signal }) =>
    new Promise<RoundTripResponse>((resolve, reject) => {
      const lower: IncomingHttpHeaders = {};
      for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
      // autoDestroy off: 'close' must mean "the client went away", as on a socket.
      const req = Object.assign(new Readable({ read() {}, autoDestroy: false }), { method, url: path, headers: lower }) satisfies ApiRequest;
      if (body) req.push(body);
      req.push(null);
      const out: PassThrough & { statusCode?: number } = new PassThrough({ objectMode: true });
      const res = new LoopbackResponse(out, () => resolve(out));
      out.on('close', () => {
        req.emit('close');
        res.emit('close');
      });
      const abort = (): void => {
        out.destroy();
        reject(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      out.on('close', () => signal?.removeEventListener('abort', abort));
      server.dispatch(req, res).catch(reject);
    });
}

export function loopbackClient(server: ApiServer, userAgent: string): HttpClient {
  return clientOver(loopbackRoundTrip(server), { userAgent });
}
