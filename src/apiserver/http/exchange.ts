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
}
