// The parts of a request and a response the handlers use. Node's IncomingMessage and
// ServerResponse satisfy these as they are; the in-process (loopback) client provides its
// own, so controllers reach the same handlers without HTTP, TLS or sockets.
import type { IncomingHttpHeaders } from 'node:http';

export interface ApiRequest extends AsyncIterable<unknown> {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  resume(): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export interface ApiResponse {
  readonly headersSent: boolean;
  writeHead(statusCode: number, headers?: Record<string, string | string[]>): unknown;
  setHeader(name: string, value: string | string[]): unknown;
  flushHeaders(): void;
  write(chunk: string | Buffer): boolean;
  end(chunk?: string | Buffer): unknown;
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
  /**
   * In-process responses only: a watch event as an object rather than a JSON line, so every
   * in-process informer shares the one object the server decoded instead of each parsing
   * the text again. The object is shared: neither side may change it.
   */
  writeEvent?(type: string, object: unknown): void;
  /**
   * In-process responses only: ends the response with `object` as its body, handed over
   * rather than serialised. Only for objects built for this one request (the caller owns it
   * from here and may change it).
   */
  endObject?(statusCode: number, object: unknown): void;
}
