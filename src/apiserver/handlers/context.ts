// What request handlers need from the rest of the server, and the request options they share.
import * as errors from '../../machinery/errors.js';
import { type FieldError, notSupported } from '../../machinery/fieldErrors.js';
import type { ApiRequest, ApiResponse } from '../http/exchange.js';
import type { KubeObject } from '../../machinery/types.js';
import type { SchemaRegistry } from '../../machinery/schema.js';
import type { Store } from '../../store/types.js';
import type { OpenApiDocs } from '../openapi/index.js';
import type { ResourceInfo, ResourceRegistry } from '../registry.js';
import type { ResourceRequest } from '../requestInfo.js';
import type { ResourceStore } from '../storage/resourceStore.js';
import type { PodStreamBackend } from '../streaming/types.js';
import type { MetricsProvider } from '../metrics/types.js';
import type { ServiceAccountTokens } from '../authn/serviceAccountTokens.js';

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
  /** The node's log/exec/attach/port-forward backend; undefined for a simulated node. */
  podStreams?: (nodeName: string) => PodStreamBackend | undefined;
  /** CPU/memory rates for metrics.k8s.io; unset (e.g. simulated nodes only): the API lists nothing. */
  metrics?: MetricsProvider;
  /** Signs TokenRequest tokens and checks `Authorization: Bearer` ones; unset: neither is served. */
  serviceAccountTokens?: ServiceAccountTokens;
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

/** A core/v1 object (pods, nodes, secrets, serviceaccounts …); 404 NotFound when absent. */
export async function getCoreObject(deps: Pick<ApiDeps, 'registry' | 'objects'>, resource: string, namespace: string | undefined, name: string): Promise<KubeObject> {
  const info = deps.registry.lookup('', 'v1', resource);
  if (!info) throw errors.notFound({ group: '', resource }, name);
  return deps.objects.get(info, namespace, name);
}

/** The same, undefined when absent. */
export async function tryGetCoreObject(deps: Pick<ApiDeps, 'registry' | 'objects'>, resource: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  const info = deps.registry.lookup('', 'v1', resource);
  return info ? (await deps.objects.tryGet(info, namespace, name))?.obj : undefined;
}

export function isDryRun(url: URL): boolean {
  return url.searchParams.getAll('dryRun').includes('All');
}

export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

const fieldValidationValues = ['', 'Ignore', 'Strict', 'Warn'];

/**
 * metav1 validation of a write's options (ValidateDryRun, ValidateFieldValidation): an
 * unknown value is refused with 422 on `<Kind>.meta.k8s.io ""` before anything is read or
 * written, so a client that misspells `dryRun=All` never persists by accident.
 */
export function validateWriteOptions(url: URL, kind: OptionsKind, bodyDryRun?: readonly unknown[]): void {
  const errs: FieldError[] = [];
  const dryRun = [...url.searchParams.getAll('dryRun'), ...(bodyDryRun ?? [])];
  if (dryRun.some((v) => v !== 'All')) errs.push(notSupported('dryRun', dryRun, ['All']));
  const fv = url.searchParams.get('fieldValidation');
  if (kind !== 'DeleteOptions' && fv !== null && !fieldValidationValues.includes(fv)) errs.push(notSupported('fieldValidation', fv, fieldValidationValues));
  if (errs.length) throw errors.invalid('meta.k8s.io', kind, '', errs);
}

/**
 * An integer query parameter (limit, timeoutSeconds, gracePeriodSeconds). Upstream's
 * parameter codec answers 400 with strconv's error when it does not parse.
 */
export function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[-+]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** Upstream defaults the manager from the user agent's program name (`kubectl`, …). */
export function fieldManagerOf(ctx: { req: ApiRequest; url: URL }): string {
  const explicit = ctx.url.searchParams.get('fieldManager');
  if (explicit) return explicit;
  const ua = ctx.req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0] || 'unknown';
}

export type ObjectTransform = (obj: KubeObject) => KubeObject;
