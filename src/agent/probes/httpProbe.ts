// httpGet probes (pkg/probe/http): GET with the kubelet's headers (User-Agent
// kube-probe/<major>.<minor>, Accept */*, no keep-alive, no compression), one deadline for
// the whole exchange, 2xx success, 3xx a success with a warning, anything else
// "HTTP probe failed with statuscode: N" (never the body: kubernetes#99425). Redirects are
// followed like Go's client with the kubelet's RedirectChecker: to the same hostname (up to
// 10), while a redirect to another host ends the probe with that 3xx response. Errors read
// as Go prints them (`Get "http://…": dial tcp …: connect: connection refused`), since
// they are the output users see in Unhealthy events.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { recs, str, type Obj } from '../../resources/shared/access.js';
import { resolveContainerPort } from './ports.js';
import { dialErrorText } from './tcpProbe.js';
import { goQuote, joinHostPort, maxProbeOutputBytes, type ProbeOutcome } from './types.js';

/** The kubelet's User-Agent for probes (its major.minor: the Kubernetes version skiff serves). */
export const probeUserAgent = 'kube-probe/1.33';

export interface HttpProbeRequest {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** Path and query as the probe names them (may be empty). */
  path: string;
  /** Header lines in order (names canonicalized). */
  headers: Array<[string, string]>;
}

/** Go's textproto.CanonicalMIMEHeaderKey: `x-custom-header` → `X-Custom-Header`. */
function canonicalHeader(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** NewRequestForHTTPGetAction: the request, or an error (an unresolvable port). */
export function httpProbeRequest(httpGet: Obj, container: Obj, podIP: string): HttpProbeRequest | Error {
  const scheme = (str(httpGet.scheme) ?? 'http').toLowerCase() === 'https' ? 'https' : 'http';
  const port = resolveContainerPort(httpGet.port, container);
  if (port instanceof Error) return port;
  const headers: Array<[string, string]> = recs(httpGet.httpHeaders).map((h) => [canonicalHeader(str(h.name) ?? ''), str(h.value) ?? '']);
  const has = (n: string): boolean => headers.some(([k]) => k === n);
  if (!has('User-Agent')) headers.push(['User-Agent', probeUserAgent]);
  if (!has('Accept')) headers.push(['Accept', '*/*']);
  // An Accept header overridden with an empty value is dropped, not sent empty.
  const out = headers.find(([k]) => k === 'Accept')?.[1] === '' ? headers.filter(([k]) => k !== 'Accept') : headers;
  return { scheme, host: str(httpGet.host) || podIP, port, path: str(httpGet.path) ?? '', headers: out };
}

interface Target {
  url: URL;
  /** The URL as Go prints it in errors. */
  text: string;
  /** The Host header to send (a probe's Host header survives only relative redirects, as Go's client does). */
  hostHeader?: string;
  referer?: string;
}

function firstTarget(req: HttpProbeRequest): Target {
  const hostPort = joinHostPort(req.host, req.port);
  const hashless = req.path.split('#')[0];
  const path = hashless === '' || hashless.startsWith('/') ? hashless : `/${hashless}`;
  const text = `${req.scheme}://${hostPort}${path}`;
  const hostHeader = req.headers.find(([k]) => k === 'Host')?.[1];
  return { url: new URL(`${req.scheme}://${hostPort}${path || '/'}`), text, ...(hostHeader ? { hostHeader } : {}) };
}

const followed = new Set([301, 302, 303, 307, 308]);

class Deadline extends Error {}

interface Answer {
  status: number;
  location?: string;
  body: string;
}

/** One GET; resolves with the status and at most 10 KiB of body, rejects with Go's error text. */
function getOnce(req: HttpProbeRequest, t: Target, deadline: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of req.headers) {
      if (k === 'Host') continue;
      const prev = headers[k];
      headers[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    headers.Host = t.hostHeader ?? t.url.host;
    headers.Connection = 'close';
    if (t.referer) headers.Referer = t.referer;
    const send = t.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const hostname = t.url.hostname.replace(/^\[|\]$/g, '');
    const addr = joinHostPort(hostname, Number(t.url.port || (t.url.protocol === 'https:' ? 443 : 80)));
    let gotHeaders = false;
    const r = send({
      method: 'GET',
      host: hostname,
      port: t.url.port || undefined,
      path: `${t.url.pathname}${t.url.search}`,
      headers,
      agent: false,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      r.destroy(new Deadline());
    }, Math.max(0, deadline - Date.now()));
    const fail = (e: unknown): void => {
      clearTimeout(timer);
      if (e instanceof Deadline) {
        reject(new Error(gotHeaders ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' : `Get ${goQuote(t.text)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`));
        return;
      }
      const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
      let text: string;
      if (code === 'ECONNRESET' && !gotHeaders) text = 'EOF';
      else if (code === 'EPROTO' || code.startsWith('ERR_SSL')) text = 'tls: first record does not look like a TLS handshake';
      else text = dialErrorText(e, addr);
      reject(new Error(`Get ${goQuote(t.text)}: ${text}`));
    };
    r.once('error', fail);
    r.once('response', (res: IncomingMessage) => {
      gotHeaders = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => {
        clearTimeout(timer);
        res.destroy();
        const loc = res.headers.location;
        resolve({ status: res.statusCode ?? 0, ...(loc ? { location: loc } : {}), body: Buffer.concat(chunks).subarray(0, maxProbeOutputBytes).toString('utf8') });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        // Past the cap the body is truncated, not an error (ReadAtMost's ErrLimitReached).
        if (size >= maxProbeOutputBytes) done();
      });
      res.once('end', done);
      res.once('error', fail);
    });
    r.end();
  });
}

/** DoHTTPProbe with the kubelet's client: the whole exchange within `timeoutSeconds`. */
export async function runHttpProbe(req: HttpProbeRequest, timeoutSeconds: number): Promise<ProbeOutcome> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const first = firstTarget(req);
  let t = first;
  let requests = 0;
  let answer: Answer;
  for (;;) {
    try {
      answer = await getOnce(req, t, deadline);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // A timeout while reading the body is an error of the probe (its result is thrown away).
      if (!msg.startsWith('Get ')) return { result: 'failure', output: '', error: msg };
      // Every request error is a failure: that is how timeouts are caught.
      return { result: 'failure', output: msg };
    }
    requests++;
    if (!followed.has(answer.status) || !answer.location) break;
    let next: URL;
    try {
      next = new URL(answer.location, t.url);
    } catch {
      return { result: 'failure', output: `Get ${goQuote(answer.location)}: parse ${goQuote(answer.location)}: invalid URL` };
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return { result: 'failure', output: `Get ${goQuote(answer.location)}: unsupported protocol scheme ${goQuote(next.protocol.replace(/:$/, ''))}` };
    // The kubelet's RedirectChecker: another host ends the chain with this response.
    if (next.hostname !== first.url.hostname) break;
    if (requests >= 10) return { result: 'failure', output: `Get ${goQuote(answer.location)}: stopped after 10 redirects` };
    const relative = !/^[a-z][a-z0-9+.-]*:/i.test(answer.location);
    const referer = t.url.protocol === 'https:' && next.protocol === 'http:' ? undefined : t.text;
    t = { url: next, text: next.href, ...(relative && first.hostHeader ? { hostHeader: first.hostHeader } : {}), ...(referer ? { referer } : {}) };
  }
  if (answer.status >= 200 && answer.status < 400) {
    if (answer.status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${answer.body}` };
    return { result: 'success', output: answer.body };
  }
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${answer.status}` };
}
