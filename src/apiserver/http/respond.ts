// Writing answers: JSON bodies, Status errors and Warning headers.
import type { ApiRequest, ApiResponse } from './exchange.js';
import { stringify as toYaml } from 'yaml';
import { ApiError, internalError } from '../../machinery/errors.js';

export function sendJson(res: ApiResponse, code: number, body: unknown, req?: ApiRequest, warnings: readonly string[] = []): void {
  const yaml = req && wantsYaml(req.headers.accept);
  const text = yaml ? toYaml(body) : JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': yaml ? 'application/yaml' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(text)),
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

/** Sends JSON text that is already serialised. */
export function sendJsonText(res: ApiResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function sendError(res: ApiResponse, err: unknown, log?: (msg: string) => void): void {
  const apiErr = err instanceof ApiError ? err : internalError(err);
  if (!(err instanceof ApiError)) log?.(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, apiErr.status.code, apiErr.status);
}

export function sendText(res: ApiResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function wantsYaml(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0].trim().split(';')[0];
  return first === 'application/yaml';
}

/** Parses an Accept header into media ranges with parameters, in the client's order. */
export function parseAccept(accept: string | undefined): { type: string; params: Record<string, string> }[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...ps] = part.split(';').map((x) => x.trim());
    const params: Record<string, string> = {};
    for (const p of ps) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** What representation of objects the client asked for (kubectl get asks for Tables). */
export type Representation = 'object' | 'table' | 'partial';

export function representationOf(accept: string | undefined): Representation {
  for (const r of parseAccept(accept)) {
    if (r.params.as === 'Table' && (r.params.g ?? '') === 'meta.k8s.io') return 'table';
    if ((r.params.as === 'PartialObjectMetadata' || r.params.as === 'PartialObjectMetadataList') && (r.params.g ?? '') === 'meta.k8s.io') return 'partial';
    if (r.type === 'application/json' || r.type === '*/*' || r.type === 'application/yaml' || r.type === 'application/vnd.kubernetes.protobuf') {
      if (!r.params.as) return 'object';
    }
  }
  return 'object';
}
