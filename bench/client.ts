// A bare HTTPS client for benchmarks: keep-alive, admin client certificate, JSON bodies.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';

export interface BenchClient {
  agent: Agent;
  req(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
  /** Opens a watch and calls onLine for each event line; returns a closer. */
  watch(path: string, onLine: (line: string) => void): Promise<() => void>;
}

export function benchClient(url: string, dataDir: string, maxSockets = 64): BenchClient {
  const tls = join(dataDir, 'tls');
  const agent = new Agent({
    keepAlive: true,
    maxSockets,
    ca: readFileSync(join(tls, 'ca.crt')),
    cert: readFileSync(join(tls, 'admin.crt')),
    key: readFileSync(join(tls, 'admin.key')),
  });
  const base = new URL(url);
  return {
    agent,
    req(method, path, body) {
      return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const r = request(
          { host: base.hostname, port: base.port, path, method, agent, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {} },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          },
        );
        r.on('error', reject);
        r.end(data);
      });
    },
    watch(path, onLine) {
      return new Promise((resolve, reject) => {
        const r = request({ host: base.hostname, port: base.port, path, method: 'GET', agent }, (res) => {
          let buf = '';
          res.on('data', (c: Buffer) => {
            buf += c.toString();
            let nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
              onLine(buf.slice(0, nl));
              buf = buf.slice(nl + 1);
            }
          });
          res.on('error', () => undefined);
          resolve(() => r.destroy());
        });
        r.on('error', (e) => reject(e));
        r.end();
      });
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
