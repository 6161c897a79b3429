// Reading and decoding request bodies (JSON, YAML, Kubernetes protobuf), with upstream's size limit.
import type { ApiRequest } from './exchange.js';
import { parse as parseYaml } from 'yaml';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from '../../machinery/errors.js';
import { isPlainObject } from '../../machinery/types.js';
import { decodeProtobufObject, isProtobufContentType } from '../protobuf/decode.js';

/** Upstream's maxRequestBodyBytes: 3 MiB. */
export const maxBodyBytes = 3 * 1024 * 1024;

export async function readBody(req: ApiRequest): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    throw requestEntityTooLarge(maxBodyBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBodyBytes) {
      req.resume();
      throw requestEntityTooLarge(maxBodyBytes);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: ApiRequest): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
}

/** Decodes a create/update body into a JSON object. */
export function decodeObjectBody(body: Buffer, contentType: string): Record<string, unknown> {
  let value: unknown;
  if (isProtobufContentType(contentType)) {
    return decodeProtobufObject(body).object;
  } else if (contentType === 'application/json' || contentType === '') {
    value = parseJson(body);
  } else if (contentType === 'application/yaml' || contentType === 'application/x-yaml' || contentType === 'text/yaml') {
    value = parseYamlBody(body);
  } else {
    throw unsupportedMediaType(contentType);
  }
  if (!isPlainObject(value)) throw badRequest(`Object 'Kind' is missing in '${body.toString('utf8').slice(0, 200)}'`);
  return value;
}

export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't decode the request body as JSON: ${(e as Error).message}`);
  }
}

export function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}
