// /openapi/v2 and /openapi/v3: answers in the form each kubectl version asks for, with
// ETags so clients can cache (documents are built once, on first request).
import type { ApiRequest, ApiResponse } from './http/exchange.js';
import * as errors from '../machinery/errors.js';
import { openApiV2ProtobufContentType } from './openapi/index.js';
import type { ApiDeps } from './handlers/context.js';

function send(req: ApiRequest, res: ApiResponse, body: Buffer, contentType: string, etag: string, immutable: boolean): void {
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': String(body.length),
    ETag: etag,
    Vary: 'Accept',
    'Cache-Control': immutable ? 'public, immutable' : 'no-cache, private',
  });
  res.end(body);
}

export function serveOpenApi(req: ApiRequest, res: ApiResponse, url: URL, deps: ApiDeps): void {
  const p = url.pathname.replace(/\/+$/, '');
  if (p === '/openapi/v2') {
    const doc = deps.openapi.v2Document();
    const wantsProto = (req.headers.accept ?? '').includes('protobuf');
    return send(req, res, wantsProto ? doc.protobuf : doc.jsonBody, wantsProto ? openApiV2ProtobufContentType : 'application/json', doc.etag, false);
  }
  if (p === '/openapi/v3') {
    const body = Buffer.from(JSON.stringify(deps.openapi.v3Index()));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length), 'Cache-Control': 'no-cache, private' });
    res.end(body);
    return;
  }
  if (p.startsWith('/openapi/v3/')) {
    const doc = deps.openapi.v3Document(p.slice('/openapi/v3/'.length));
    if (doc) return send(req, res, doc.body, 'application/json', doc.etag, url.searchParams.get('hash') === doc.hash);
  }
  throw new errors.ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}
