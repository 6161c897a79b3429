// Service account JWTs as kube-apiserver issues and checks them (pkg/serviceaccount:
// claims.go Claims, jwt.go JWTTokenGenerator / JWTTokenAuthenticator). Claims: iss, sub
// `system:serviceaccount:<ns>:<sa>`, aud, exp/iat/nbf (seconds), jti (ServiceAccountTokenJTI,
// on since 1.30), and the private `kubernetes.io` claim {namespace, serviceaccount {name,uid},
// pod|secret {name,uid}, node {name,uid} (pod-bound tokens carry their node too), warnafter}.
// This file holds the key and does the stateless checks (signature, issuer, audiences, time);
// whether the service account and bound objects still exist is tokenAuthenticator.ts's job.
import { randomUUID } from 'node:crypto';
import { loadSigningKey, parseJwt, signJwt, verifyJwtSignature, type JwtSigningKey } from './jwt.js';

/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: what admission puts in kube-api-access volumes. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
/** serviceaccount.ExpirationExtensionSeconds: the real lifetime of such kubelet tokens (one year). */
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;
/** go-jose jwt.DefaultLeeway. */
const LEEWAY_SECONDS = 60;

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface ClaimsInput {
  serviceAccount: { namespace: string; name: string; uid: string };
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** For pod-bound tokens, the pod's node (uid empty when the Node object is gone); alone, a node-bound token. */
  node?: { name: string; uid?: string };
  expirationSeconds: number;
  /** Seconds after issue when use should only be warned about (the 3607 s kubelet tokens). */
  warnAfterSeconds?: number;
  audiences: string[];
  /** Issue time, ms since epoch. */
  now: number;
  jti?: string;
}

/** The private `kubernetes.io` claim. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: { name: string; uid?: string };
  warnafter?: number;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti?: string;
  'kubernetes.io': KubernetesClaim;
}

/** `system:serviceaccount:<ns>:<name>` (apiserver serviceaccount.MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

const ref = (r: { name: string; uid?: string }): { name: string; uid?: string } => (r.uid ? { name: r.name, uid: r.uid } : { name: r.name });

/** Claims() without the issuer (the generator adds it). */
export function serviceAccountClaims(input: ClaimsInput): Omit<ServiceAccountClaims, 'iss'> {
  if (input.secret && (input.node || input.pod)) throw new Error('internal error, token can only be bound to one object type');
  const now = Math.floor(input.now / 1000);
  const k8s: KubernetesClaim = {
    namespace: input.serviceAccount.namespace,
    serviceaccount: { name: input.serviceAccount.name, uid: input.serviceAccount.uid },
  };
  if (input.pod) {
    k8s.pod = { name: input.pod.name, uid: input.pod.uid };
    if (input.node) k8s.node = ref(input.node);
  } else if (input.secret) {
    k8s.secret = { name: input.secret.name, uid: input.secret.uid };
  } else if (input.node) {
    k8s.node = ref(input.node);
  }
  if (input.warnAfterSeconds) k8s.warnafter = now + input.warnAfterSeconds;
  return {
    sub: serviceAccountUsername(input.serviceAccount.namespace, input.serviceAccount.name),
    aud: [...input.audiences],
    iat: now,
    nbf: now,
    exp: now + input.expirationSeconds,
    jti: input.jti ?? randomUUID(),
    'kubernetes.io': k8s,
  };
}

export type TokenCheck = { ok: true; claims: ServiceAccountClaims } | { ok: false; reason: string };

export interface ServiceAccountTokensOptions {
  /** PEM private key (EC P-256 or RSA), `<data-dir>/tls/service-account.key`. */
  signingKeyPem: string;
  /** --service-account-issuer: `https://kubernetes.default.svc.<cluster domain>`. */
  issuer: string;
  /** --api-audiences; upstream defaults them to the issuer. */
  apiAudiences?: string[];
}

export class ServiceAccountTokens {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  private readonly key: JwtSigningKey;

  constructor(opts: ServiceAccountTokensOptions) {
    this.key = loadSigningKey(opts.signingKeyPem);
    this.issuer = opts.issuer;
    this.apiAudiences = opts.apiAudiences ?? [opts.issuer];
  }

  /** TokenREST's isKubeAudiences: every requested audience is one of the API server's. */
  isKubeAudiences(audiences: readonly string[]): boolean {
    return audiences.every((a) => this.apiAudiences.includes(a));
  }

  issue(claims: Omit<ServiceAccountClaims, 'iss'>): string {
    return signJwt(this.key, { iss: this.issuer, ...claims });
  }

  /**
   * The authenticator's checks before any lookup: a JWT from our issuer, signed by our key,
   * meant for the API server (an audience in common), inside its validity window (1 min leeway).
   */
  check(token: string, nowMs: number): TokenCheck {
    const jwt = parseJwt(token);
    if (!jwt) return { ok: false, reason: 'not a JWT' };
    if (jwt.payload.iss !== this.issuer) return { ok: false, reason: 'token issuer is not this API server' };
    if (!verifyJwtSignature(this.key, jwt)) return { ok: false, reason: 'invalid signature' };
    const claims = asClaims(jwt.payload);
    if (!claims) return { ok: false, reason: 'token lacks the kubernetes.io service account claims' };
    if (!claims.aud.some((a) => this.apiAudiences.includes(a))) {
      return { ok: false, reason: `token audiences ${goQuoted(claims.aud)} is invalid for the target audiences ${goQuoted([...this.apiAudiences])}` };
    }
    const now = Math.floor(nowMs / 1000);
    if (now + LEEWAY_SECONDS < claims.nbf) return { ok: false, reason: 'service account token is not valid yet' };
    if (now - LEEWAY_SECONDS > claims.exp) return { ok: false, reason: 'service account token has expired' };
    if (now + LEEWAY_SECONDS < claims.iat) return { ok: false, reason: 'service account token is issued in the future' };
    return { ok: true, claims };
  }
}

function goQuoted(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

const isRef = (v: unknown): v is ObjectRef => v !== null && typeof v === 'object' && typeof (v as ObjectRef).name === 'string';

function asClaims(p: Record<string, unknown>): ServiceAccountClaims | undefined {
  const k8s = p['kubernetes.io'];
  if (k8s === null || typeof k8s !== 'object') return undefined;
  const k = k8s as Record<string, unknown>;
  if (typeof k.namespace !== 'string' || !isRef(k.serviceaccount)) return undefined;
  // jwt.Audience accepts a single string as well as a list.
  const aud = typeof p.aud === 'string' ? [p.aud] : Array.isArray(p.aud) ? p.aud.filter((a): a is string => typeof a === 'string') : [];
  const numOr = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
  return {
    iss: String(p.iss),
    sub: typeof p.sub === 'string' ? p.sub : '',
    aud,
    exp: numOr(p.exp, Number.POSITIVE_INFINITY),
    iat: numOr(p.iat, Number.NEGATIVE_INFINITY),
    nbf: numOr(p.nbf, Number.NEGATIVE_INFINITY),
    ...(typeof p.jti === 'string' ? { jti: p.jti } : {}),
    'kubernetes.io': {
      namespace: k.namespace,
      serviceaccount: { name: k.serviceaccount.name, uid: String(k.serviceaccount.uid ?? '') },
      ...(isRef(k.pod) ? { pod: { name: k.pod.name, uid: String(k.pod.uid ?? '') } } : {}),
      ...(isRef(k.secret) ? { secret: { name: k.secret.name, uid: String(k.secret.uid ?? '') } } : {}),
      ...(isRef(k.node) ? { node: { name: k.node.name, uid: String(k.node.uid ?? '') } } : {}),
      ...(typeof k.warnafter === 'number' ? { warnafter: k.warnafter } : {}),
    },
  };
}
