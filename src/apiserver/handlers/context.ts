// What request handlers need from the rest of the server.
import type { ApiRequest, ApiResponse } from '../http/exchange.js';
import type { KubeObject } from '../../machinery/types.js';
import type { SchemaRegistry } from '../../machinery/schema.js';
import type { Store } from '../../store/types.js';
import type { OpenApiDocs } from '../openapi/index.js';
import type { ResourceInfo, ResourceRegistry } from '../registry.js';
import type { ResourceRequest } from '../requestInfo.js';
import type { ResourceStore } from '../storage/resourceStore.js';

export interface SchemaLookup {
  registry: SchemaRegistry;
  ref: string;
}

export interface ApiDeps {
  registry: ResourceRegistry;
  objects: ResourceStore;
  store: Store;
  schemaFor(info: ResourceInfo): SchemaLookup | undefined;
  openapi: OpenApiDocs;
  log(msg: string): void;
}

export interface RequestContext {
  deps: ApiDeps;
  req: ApiRequest;
  res: ApiResponse;
  url: URL;
  target: ResourceRequest;
  info: ResourceInfo;
  /** Warnings to return as `Warning:` headers. */
  warnings: string[];
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(url: URL): FieldValidation {
  const v = url.searchParams.get('fieldValidation');
  return v === 'Strict' || v === 'Ignore' ? v : 'Warn';
}

export function isDryRun(url: URL): boolean {
  return url.searchParams.getAll('dryRun').includes('All');
}

/** Upstream defaults the manager from the user agent's program name (`kubectl`, …). */
export function fieldManagerOf(ctx: { req: ApiRequest; url: URL }): string {
  const explicit = ctx.url.searchParams.get('fieldManager');
  if (explicit) return explicit;
  const ua = ctx.req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0] || 'unknown';
}

export type ObjectTransform = (obj: KubeObject) => KubeObject;
