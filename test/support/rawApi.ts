// Raw HTTPS requests to a test cluster with the admin credentials from its kubeconfig,
// for checks a typed client hides: exact status codes, response headers (Warning),
// Content-Type handling and oversized bodies.
import { request } from 'node:https';
import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawOptions {
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send no client certificate (for 401 checks). */
  anonymous?: boolean;
}

export interface RawApi {
  req(method: string, path: string, opts?: RawOptions): Promise<RawResponse>;
  /** JSON body convenience: POST/PUT with `application/json`. */
  send(method: string, path: string, obj: unknown, opts?: Omit<RawOptions, 'body'>): Promise<RawResponse>;
  /**
   * One HTTP/1.1 exchange written straight to a TLS socket, the whole body at once. For
   * oversized bodies: node's http client may report EPIPE instead of the early answer.
   */
  socketExchange(method: string, path: string, body: Buffer, contentType?: string): Promise<RawResponse>;
}

/** A client for the cluster at `url` whose TLS material lives in `<dataDir>/tls`. */
export function rawApi(url: string, dataDir: string): RawApi {
  const tls = join(dataDir, 'tls');
  const ca = readFileSync(join(tls, 'ca.crt'));
  const cert = readFileSync(join(tls, 'admin.crt'));
  const key = readFileSync(join(tls, 'admin.key'));
  const base = new URL(url);
  const req: RawApi['req'] = (method, path, opts = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
      const payload = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
      if (payload) {
        headers['Content-Type'] = opts.contentType ?? 'application/json';
        headers['Content-Length'] = String(payload.length);
      }
      let responded = false;
      let settled = false;
      const r = request(
        { host: base.hostname, port: base.port, path, method, headers, ca, ...(opts.anonymous ? {} : { cert, key }), agent: false },
        (res) => {
          responded = true;
          const chunks: Buffer[] = [];
          const finish = (): void => {
            if (settled) return;
            settled = true;
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
            r.destroy();
          };
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', finish);
          res.on('close', finish);
        },
      );
      // Like Go's client, stop sending once the server has answered (a 413 comes before
      // the whole body is read); an error after the answer is the server closing up.
      r.on('error', (e) => {
        if (!responded && !settled) {
          settled = true;
          reject(e);
        }
      });
      if (!payload) {
        r.end();
        return;
      }
      let off = 0;
      const pump = (): void => {
        while (off < payload.length) {
          if (responded || r.destroyed) return;
          const end = Math.min(off + 64 * 1024, payload.length);
          const ok = r.write(payload.subarray(off, end));
          off = end;
          if (!ok) {
            r.once('drain', pump);
            return;
          }
        }
        r.end();
      };
      pump();
    });
  const socketExchange: RawApi['socketExchange'] = (method, path, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const s = connect({ host: base.hostname, port: Number(base.port), ca, cert, key, servername: base.hostname === '127.0.0.1' ? undefined : base.hostname }, () => {
        s.write(`${method} ${path} HTTP/1.1\r\nHost: ${base.host}\r\nAccept: application/json\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`);
        s.write(body);
      });
      let buf = Buffer.alloc(0);
      const done = (): void => {
        const headEnd = buf.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of head.slice(1)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        const len = Number(headers['content-length'] ?? -1);
        const rest = buf.subarray(headEnd + 4);
        if (len < 0 || rest.length < len) return;
        const text = rest.subarray(0, len).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        s.destroy();
        resolve({ status: Number(head[0].split(' ')[1]), headers, text, json });
      };
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        done();
      });
      s.on('error', reject);
      s.on('close', () => reject(new Error(`connection closed before a complete answer: ${buf.toString('utf8').slice(0, 200)}`)));
    });
  return {
    req,
    socketExchange,
    send: (method, path, obj, opts = {}) => req(method, path, { ...opts, body: JSON.stringify(obj), contentType: opts.contentType ?? 'application/json' }),
  };
}

/** Narrows a response body to a Status-like record for assertions. */
export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  status?: string;
  reason?: string;
  code?: number;
  message?: string;
  details?: { name?: string; kind?: string; group?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export function statusOf(r: RawResponse): StatusBody {
  if (typeof r.json !== 'object' || r.json === null) throw new Error(`expected a JSON Status body, got (${r.status}): ${r.text.slice(0, 300)}`);
  return r.json as StatusBody;
}
