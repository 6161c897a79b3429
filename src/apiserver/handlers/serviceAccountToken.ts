// POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token: the TokenRequest API
// (pkg/registry/core/serviceaccount/storage/token.go), used by `kubectl create token` and by
// the kubelet for projected serviceAccountToken volumes. Nothing is stored: the answer is the
// posted TokenRequest with defaults, metadata and status {token, expirationTimestamp} (201).
import * as errors from '../../machinery/errors.js';
import { invalid as invalidField, type FieldError } from '../../machinery/fieldErrors.js';
import { isPlainObject, parseApiVersion, type KubeObject } from '../../machinery/types.js';
import { rfc3339 } from '../../machinery/time.js';
import { decodeObjectBody, mediaType, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { ResourceRequest } from '../requestInfo.js';
import {
  EXPIRATION_EXTENSION_SECONDS,
  serviceAccountClaims,
  WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
  type ClaimsInput,
} from '../authn/serviceAccountTokens.js';
import { getCoreObject, tryGetCoreObject, validateWriteOptions, type RequestContext } from './context.js';

const GROUP = 'authentication.k8s.io';
const KIND = 'TokenRequest';
/** authentication validation MinTokenAgeSec and the 2^32 ceiling. */
const MIN_SECONDS = 10 * 60;
const MAX_SECONDS = 2 ** 32;
const DEFAULT_SECONDS = 60 * 60;

export function isServiceAccountTokenRequest(target: ResourceRequest): boolean {
  return target.group === '' && target.resource === 'serviceaccounts' && target.name !== undefined && target.subresource === 'token';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** What the boundObjectRef names, resolved (TokenREST.Create's switch on the reference's kind). */
async function boundObjects(ctx: RequestContext, saName: string, namespace: string, ref: Record<string, unknown>): Promise<Pick<ClaimsInput, 'pod' | 'secret' | 'node'>> {
  const apiVersion = str(ref.apiVersion) ?? '';
  const kind = str(ref.kind) ?? '';
  const name = str(ref.name) ?? '';
  const { group, version } = parseApiVersion(apiVersion);
  let uid: string | undefined;
  const out: Pick<ClaimsInput, 'pod' | 'secret' | 'node'> = {};
  if (group === '' && kind === 'Pod') {
    const pod = await getCoreObject(ctx.deps, 'pods', namespace, name);
    const spec = isPlainObject(pod.spec) ? pod.spec : {};
    if (str(spec.serviceAccountName) !== saName) {
      throw errors.badRequest(`cannot bind token for serviceaccount ${JSON.stringify(saName)} to pod running with different serviceaccount name.`);
    }
    uid = pod.metadata.uid ?? '';
    out.pod = { name: pod.metadata.name ?? name, uid };
    const nodeName = str(spec.nodeName);
    if (nodeName) {
      // A missing Node still leaves its name in the claims, so the token says where the pod ran.
      const node = await tryGetCoreObject(ctx.deps, 'nodes', undefined, nodeName);
      out.node = { name: nodeName, uid: node?.metadata.uid };
    }
  } else if (group === '' && kind === 'Node') {
    const node = await getCoreObject(ctx.deps, 'nodes', undefined, name);
    uid = node.metadata.uid ?? '';
    out.node = { name, uid };
  } else if (group === '' && kind === 'Secret') {
    const secret = await getCoreObject(ctx.deps, 'secrets', namespace, name);
    uid = secret.metadata.uid ?? '';
    out.secret = { name, uid };
  } else {
    // schema.GroupVersionKind.String(): "<group>/<version>, Kind=<kind>".
    throw errors.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  }
  const refUid = str(ref.uid) ?? '';
  if (refUid !== '' && refUid !== uid) {
    throw errors.conflict({ group, resource: kind }, name, `the UID in the bound object reference (${refUid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return out;
}

export async function handleServiceAccountToken(ctx: RequestContext): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  if (method !== 'POST') throw errors.methodNotSupported({ group: '', resource: 'serviceaccounts/token' }, method.toLowerCase());
  const tokens = ctx.deps.serviceAccountTokens;
  if (!tokens) throw errors.notFound({ group: '', resource: 'serviceaccounts' }, `${ctx.target.name}/token`);
  validateWriteOptions(ctx.url, 'CreateOptions');
  const name = ctx.target.name!;
  const namespace = ctx.target.namespace;
  if (!namespace) throw errors.badRequest('namespace is required');
  const body = decodeObjectBody(await readBody(ctx.req), mediaType(ctx.req));
  if (body.kind !== undefined && body.kind !== KIND) throw errors.badRequest(`expected a ${KIND}, got ${String(body.kind)}`);
  const meta: Record<string, unknown> = isPlainObject(body.metadata) ? { ...body.metadata } : {};
  const spec: Record<string, unknown> = isPlainObject(body.spec) ? { ...body.spec } : {};

  const mismatch = (field: string, value: unknown, detail: string): never => {
    throw errors.invalid(GROUP, KIND, name, [invalidField(field, value, detail)]);
  };
  if (str(meta.name) && meta.name !== name) mismatch('metadata.name', meta.name, 'must match the service account name if specified');
  if (str(meta.namespace) && meta.namespace !== namespace) mismatch('metadata.namespace', meta.namespace, 'must match the service account namespace if specified');

  const sa = await getCoreObject(ctx.deps, 'serviceaccounts', namespace, name);

  // SetDefaults_TokenRequestSpec, then the REST defaults (audiences from --api-audiences).
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
  spec.audiences = audiences.length > 0 ? audiences : [...tokens.apiAudiences];
  if (spec.expirationSeconds === undefined || spec.expirationSeconds === null) spec.expirationSeconds = DEFAULT_SECONDS;
  if (spec.boundObjectRef === undefined) spec.boundObjectRef = null;
  const nowMs = Date.now();
  const out: KubeObject = {
    kind: KIND,
    apiVersion: `${GROUP}/v1`,
    metadata: { ...meta, name: str(meta.name) || (sa.metadata.name ?? name), namespace: str(meta.namespace) || namespace, creationTimestamp: rfc3339(nowMs) },
    spec,
  };

  const seconds = spec.expirationSeconds;
  const errs: FieldError[] = [];
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) errs.push(invalidField('spec.expirationSeconds', seconds, 'must be an integer'));
  else if (seconds < MIN_SECONDS) errs.push(invalidField('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'));
  else if (seconds > MAX_SECONDS) errs.push(invalidField('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds'));
  if (errs.length) throw errors.invalid(GROUP, KIND, '', errs);
  const expirationSeconds = seconds as number;

  const bound = isPlainObject(spec.boundObjectRef) ? await boundObjects(ctx, name, namespace, spec.boundObjectRef) : {};

  // --service-account-extend-token-expiration (default true): the kubelet's 3607 s tokens for
  // the API server are valid for a year and only warned about after 3607 s, so workloads that
  // never reload their token keep working; the status still reports the requested lifetime.
  let lifetime = expirationSeconds;
  let warnAfterSeconds: number | undefined;
  if (bound.pod && expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && tokens.isKubeAudiences(spec.audiences as string[])) {
    warnAfterSeconds = expirationSeconds;
    lifetime = EXPIRATION_EXTENSION_SECONDS;
  }
  const claims = serviceAccountClaims({
    serviceAccount: { namespace, name: sa.metadata.name ?? name, uid: sa.metadata.uid ?? '' },
    ...bound,
    expirationSeconds: lifetime,
    warnAfterSeconds,
    audiences: spec.audiences as string[],
    now: nowMs,
  });
  out.status = { token: tokens.issue(claims), expirationTimestamp: rfc3339(nowMs + expirationSeconds * 1000) };
  sendJson(ctx.res, 201, out, ctx.req, ctx.warnings);
}
