// Compact JWS (JWT) signing and checking with node:crypto, as go-jose produces and accepts
// them for the apiserver's service account tokens: header {"alg","kid"} (no "typ"), payload
// JSON with every object's keys sorted (go-jose normalises claims through a Go map, so
// encoding/json writes them in key order), base64url without padding. ES256 signatures are
// r||s (IEEE P1363), not DER, as RFC 7518 requires.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'ES256' | 'RS256';

export interface JwtSigningKey {
  alg: JwtAlgorithm;
  /** upstream keyIDFromPublicKey: base64url(sha256(PKIX DER of the public key)). */
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface ParsedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `<header>.<payload>` as received: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** Loads a PEM private key (EC P-256 → ES256, RSA → RS256) and derives the public key and kid. */
export function loadSigningKey(pem: string): JwtSigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  let alg: JwtAlgorithm;
  if (privateKey.asymmetricKeyType === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') alg = 'ES256';
  else if (privateKey.asymmetricKeyType === 'rsa') alg = 'RS256';
  else throw new Error(`unsupported service account signing key type ${privateKey.asymmetricKeyType ?? 'unknown'} (want EC P-256 or RSA)`);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha256').update(der).digest('base64url');
  return { alg, kid, privateKey, publicKey };
}

/** JSON with object keys sorted at every level (Go's encoding of a map[string]interface{}). */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

function algorithmOptions(key: JwtSigningKey): { dsaEncoding?: 'ieee-p1363' } {
  return key.alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' } : {};
}

export function signJwt(key: JwtSigningKey, claims: Record<string, unknown>): string {
  const input = `${b64(sortedJson({ alg: key.alg, kid: key.kid }))}.${b64(sortedJson(claims))}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, ...algorithmOptions(key) });
  return `${input}.${signature.toString('base64url')}`;
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits a compact JWS; undefined when it is not one (three base64url parts, JSON header and payload). */
export function parseJwt(token: string): ParsedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeJsonPart(parts[0]);
  const payload = decodeJsonPart(parts[1]);
  if (!header || !payload || !/^[A-Za-z0-9_-]+$/.test(parts[2])) return undefined;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

/** True when the header names the key's algorithm and the signature verifies with its public key. */
export function verifyJwtSignature(key: JwtSigningKey, jwt: ParsedJwt): boolean {
  if (jwt.header.alg !== key.alg) return false;
  if (key.alg === 'ES256' && jwt.signature.length !== 64) return false;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), { key: key.publicKey, ...algorithmOptions(key) }, jwt.signature);
  } catch {
    return false;
  }
}
