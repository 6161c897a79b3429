// The files of configMap, secret, downwardAPI and projected volumes (upstream's MakePayload
// / CollectData / projected collectData), as AtomicWriter payloads. A missing object fails
// with the kubelet's text unless the source is optional (then it projects nothing); items
// naming a missing key fail unless optional. Projected sources collect every error and
// report them together (utilerrors.NewAggregate).
import { ApiError, isMethodNotSupported, isNotFound } from '../../client/errors.js';
import type { Client } from '../../client/types.js';
import { num, record, records, str } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';
import type { FileProjection, Payload } from './atomicWriter.js';
import { aggregate, errorText } from './errors.js';
import { extractFieldPathAsString } from './fieldPath.js';
import { GVR, notFoundText, type ConfigData, type Lookup } from './lookup.js';
import { resourceFieldValue } from './resourceField.js';

export interface PayloadContext {
  pod: KubeObject;
  client: Client;
  lookup: Lookup;
  allocatable: () => Promise<Record<string, unknown>>;
  tokens: TokenCache;
  /** Maps a file's mode to what it is on disk (fsGroup adds group bits). */
  fileMode: (mode: number) => number;
  /** The pod sets an fsGroup (service account tokens are then 0600 before ownership). */
  hasFsGroup: boolean;
  now: () => number;
}

const ns = (ctx: PayloadContext): string => ctx.pod.metadata.namespace ?? '';
const modeOf = (v: unknown, fallback: number): number => num(v) ?? fallback;

/** MakePayload of the configmap and secret plugins. */
function makePayload(kind: 'configmap' | 'secret', items: Record<string, unknown>[], data: ConfigData, defaultMode: number, optional: boolean, ctx: PayloadContext): Payload {
  const out: Payload = new Map();
  const file = (bytes: Buffer, mode: number): FileProjection => ({ data: bytes, mode: ctx.fileMode(mode) });
  if (items.length === 0) {
    for (const [k, v] of data.bytes) out.set(k, file(v, defaultMode));
    return out;
  }
  for (const item of items) {
    const key = str(item.key) ?? '';
    const bytes = data.bytes.get(key);
    if (!bytes) {
      if (optional) continue;
      throw new Error(kind === 'configmap' ? `configmap references non-existent config key: ${key}` : `references non-existent secret key: ${key}`);
    }
    out.set(str(item.path) ?? key, file(bytes, modeOf(item.mode, defaultMode)));
  }
  return out;
}

async function objectPayload(kind: 'configmap' | 'secret', src: Record<string, unknown>, defaultMode: number, ctx: PayloadContext): Promise<Payload> {
  const name = str(kind === 'configmap' ? src.name : (src.secretName ?? src.name)) ?? '';
  const optional = src.optional === true;
  const found = kind === 'configmap' ? await ctx.lookup.configMap(ns(ctx), name) : await ctx.lookup.secret(ns(ctx), name);
  if (!found && !optional) throw new Error(notFoundText(kind, name));
  return makePayload(kind, records(src.items), found ?? { strings: new Map(), bytes: new Map() }, defaultMode, optional, ctx);
}

export function configMapPayload(src: Record<string, unknown>, ctx: PayloadContext): Promise<Payload> {
  return objectPayload('configmap', src, modeOf(src.defaultMode, 0o644), ctx);
}

export function secretPayload(src: Record<string, unknown>, ctx: PayloadContext): Promise<Payload> {
  return objectPayload('secret', src, modeOf(src.defaultMode, 0o644), ctx);
}

/** downwardapi.CollectData: metadata fields and resource values, errors aggregated. */
export async function downwardAPIPayload(items: Record<string, unknown>[], defaultMode: number, ctx: PayloadContext): Promise<Payload> {
  const out: Payload = new Map();
  const errs: string[] = [];
  for (const item of items) {
    const p = str(item.path) ?? '';
    let value = '';
    try {
      const fieldRef = record(item.fieldRef);
      const resRef = record(item.resourceFieldRef);
      if (fieldRef) value = extractFieldPathAsString(ctx.pod, str(fieldRef.fieldPath) ?? '');
      else if (resRef) value = resourceFieldValue(resRef, ctx.pod, undefined, await ctx.allocatable());
    } catch (err) {
      errs.push(errorText(err));
    }
    out.set(p, { data: Buffer.from(value, 'utf8'), mode: ctx.fileMode(modeOf(item.mode, defaultMode)) });
  }
  const agg = aggregate(errs);
  if (agg) throw new Error(agg);
  return out;
}

/** projected collectData: every source in order, later files overwriting earlier ones. */
export async function projectedPayload(volumeName: string, src: Record<string, unknown>, ctx: PayloadContext): Promise<Payload> {
  const defaultMode = modeOf(src.defaultMode, 0o644);
  const out: Payload = new Map();
  const errs: string[] = [];
  for (const source of records(src.sources)) {
    try {
      let part: Payload | undefined;
      const secret = record(source.secret);
      const cm = record(source.configMap);
      const dapi = record(source.downwardAPI);
      const token = record(source.serviceAccountToken);
      if (secret) part = await objectPayload('secret', secret, defaultMode, ctx);
      else if (cm) part = await objectPayload('configmap', cm, defaultMode, ctx);
      else if (dapi) part = await downwardAPIPayload(records(dapi.items), defaultMode, ctx);
      else if (token) {
        const mode = ctx.hasFsGroup ? 0o600 : defaultMode;
        const value = await ctx.tokens.token(ctx, volumeName, token);
        part = new Map([[str(token.path) ?? 'token', { data: Buffer.from(value, 'utf8'), mode: ctx.fileMode(mode) }]]);
      }
      for (const [k, v] of part ?? []) out.set(k, v);
    } catch (err) {
      errs.push(errorText(err));
    }
  }
  const agg = aggregate(errs);
  if (agg) throw new Error(agg);
  return out;
}

interface IssuedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Bound service account tokens through the TokenRequest API (serviceaccounts/<sa>/token),
 * cached per pod volume and renewed like the kubelet's token manager: once 80% of the
 * lifetime has passed or the token is older than 24 h (the periodic resync asks, so refreshes
 * happen in place). The request binds the token to the pod (boundObjectRef with its uid), for
 * the volume's audience (none: the API server's) and expirationSeconds. A server without the
 * subresource fails the volume with a message naming it; no placeholder token is ever written.
 */
export class TokenCache {
  private readonly issued = new Map<string, IssuedToken>();

  async token(ctx: PayloadContext, volumeName: string, src: Record<string, unknown>): Promise<string> {
    const pod = ctx.pod;
    const key = `${pod.metadata.uid ?? ''}/${volumeName}/${str(src.path) ?? ''}/${str(src.audience) ?? ''}`;
    const now = ctx.now();
    const have = this.issued.get(key);
    if (have && now < have.issuedAt + Math.min(0.8 * (have.expiresAt - have.issuedAt), 24 * 3600_000)) return have.token;
    const sa = str(record(pod.spec)?.serviceAccountName) || 'default';
    const audience = str(src.audience);
    const request: KubeObject = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: sa, namespace: ns(ctx) },
      spec: {
        audiences: audience ? [audience] : [],
        expirationSeconds: num(src.expirationSeconds) ?? 3600,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
      },
    };
    let resp: KubeObject;
    try {
      resp = await ctx.client.create(GVR.serviceAccounts, request, { namespace: ns(ctx), subresource: 'token' });
    } catch (err) {
      // A server without the subresource answers 405, or a 404 naming no object (or `<sa>/token`);
      // a 404 naming the ServiceAccount or the pod is the server's own answer, passed on as is.
      const named = err instanceof ApiError ? (err.status.details?.name ?? '') : '';
      const apiMissing = isMethodNotSupported(err) || (isNotFound(err) && (named === '' || named.includes('/')));
      if (!apiMissing) throw new Error(`failed to fetch token: ${errorText(err)}`);
      if (!(await ctx.lookup.getOrUndefined(GVR.serviceAccounts, sa, ns(ctx)))) throw new Error(`failed to fetch token: serviceaccounts "${sa}" not found`);
      throw new Error(`failed to fetch token: the API server does not offer the TokenRequest API (serviceaccounts/token), which projected serviceAccountToken volumes need`);
    }
    const status = record(resp.status) ?? {};
    const token = str(status.token);
    if (!token) throw new Error('failed to fetch token: the TokenRequest response carries no token');
    const exp = Date.parse(str(status.expirationTimestamp) ?? '');
    this.issued.set(key, { token, issuedAt: now, expiresAt: Number.isFinite(exp) ? exp : now + (num(src.expirationSeconds) ?? 3600) * 1000 });
    return token;
  }

  forgetPod(uid: string): void {
    for (const k of [...this.issued.keys()]) if (k.startsWith(`${uid}/`)) this.issued.delete(k);
  }
}
