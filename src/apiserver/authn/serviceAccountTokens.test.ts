import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { test } from 'node:test';
import { parseJwt, sortedJson } from './jwt.js';
import { serviceAccountClaims, ServiceAccountTokens } from './serviceAccountTokens.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const ecKey = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const sa = { namespace: 'team-a', name: 'robot', uid: 'sa-uid' };

function decodePart(token: string, i: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('claims are upstream Claims(): sub, aud, iat=nbf, exp, jti and the kubernetes.io private claim', () => {
  assert.deepEqual(serviceAccountClaims({ serviceAccount: sa, expirationSeconds: 3600, audiences: [ISSUER], now: NOW, jti: 'j-1' }), {
    sub: 'system:serviceaccount:team-a:robot',
    aud: [ISSUER],
    iat: 1735787045,
    nbf: 1735787045,
    exp: 1735787045 + 3600,
    jti: 'j-1',
    'kubernetes.io': { namespace: 'team-a', serviceaccount: { name: 'robot', uid: 'sa-uid' } },
  });
  // Pod-bound: the pod and its node; warnafter for the kubelet's extended tokens.
  const bound = serviceAccountClaims({ serviceAccount: sa, pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' }, expirationSeconds: 31536000, warnAfterSeconds: 3607, audiences: ['a'], now: NOW, jti: 'j' });
  assert.deepEqual(bound['kubernetes.io'], {
    namespace: 'team-a', serviceaccount: { name: 'robot', uid: 'sa-uid' }, pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' }, warnafter: 1735787045 + 3607,
  });
  // A node that no longer exists still names itself (no uid).
  assert.deepEqual(serviceAccountClaims({ serviceAccount: sa, pod: { name: 'web', uid: 'p' }, node: { name: 'gone' }, expirationSeconds: 600, audiences: [], now: NOW })['kubernetes.io'].node, { name: 'gone' });
  assert.throws(() => serviceAccountClaims({ serviceAccount: sa, pod: { name: 'p', uid: 'u' }, secret: { name: 's', uid: 'u' }, expirationSeconds: 600, audiences: [], now: NOW }), /only be bound to one object type/);
});

test('issued tokens are ES256 JWTs with a kid, sorted claims, and a signature the public key verifies', () => {
  const pem = ecKey();
  const tokens = new ServiceAccountTokens({ signingKeyPem: pem, issuer: ISSUER });
  assert.deepEqual(tokens.apiAudiences, [ISSUER]);
  const token = tokens.issue(serviceAccountClaims({ serviceAccount: sa, expirationSeconds: 3600, audiences: [ISSUER], now: NOW, jti: 'j-1' }));
  const header = decodePart(token, 0);
  assert.deepEqual(Object.keys(header), ['alg', 'kid']);
  assert.equal(header.alg, 'ES256');
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  assert.equal(header.kid, createHash('sha256').update(der).digest('base64url'));
  const payloadText = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
  assert.equal(payloadText, sortedJson(JSON.parse(payloadText)));
  assert.deepEqual(Object.keys(JSON.parse(payloadText) as object), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
  assert.equal(decodePart(token, 1).iss, ISSUER);
  const [h, p, s] = token.split('.');
  assert.equal(Buffer.from(s, 'base64url').length, 64);
  assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey(pem), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')));
  const checked = tokens.check(token, NOW + 1000);
  assert.ok(checked.ok);
  assert.equal(checked.claims.sub, 'system:serviceaccount:team-a:robot');
});

test('check refuses tampered, foreign, expired, not-yet-valid and wrong-audience tokens', () => {
  const tokens = new ServiceAccountTokens({ signingKeyPem: ecKey(), issuer: ISSUER });
  const claims = serviceAccountClaims({ serviceAccount: sa, expirationSeconds: 600, audiences: [ISSUER], now: NOW });
  const token = tokens.issue(claims);
  const reason = (t: string, now = NOW): string => {
    const r = tokens.check(t, now);
    return r.ok ? 'ok' : r.reason;
  };
  assert.equal(reason(token), 'ok');
  // Payload edited (another service account), signature kept.
  const [h, , s] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...decodePart(token, 1), sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
  assert.equal(reason(`${h}.${forged}.${s}`), 'invalid signature');
  // Signed by another key with the same issuer.
  const other = new ServiceAccountTokens({ signingKeyPem: ecKey(), issuer: ISSUER });
  assert.equal(reason(other.issue(claims)), 'invalid signature');
  assert.equal(reason('not-a-jwt'), 'not a JWT');
  assert.equal(reason(new ServiceAccountTokens({ signingKeyPem: ecKey(), issuer: 'https://elsewhere' }).issue(claims)), 'token issuer is not this API server');
  // 600 s lifetime + 60 s leeway.
  assert.equal(reason(token, NOW + 655_000), 'ok');
  assert.equal(reason(token, NOW + 662_000), 'service account token has expired');
  assert.equal(reason(token, NOW - 62_000), 'service account token is not valid yet');
  const forVault = tokens.issue(serviceAccountClaims({ serviceAccount: sa, expirationSeconds: 600, audiences: ['vault'], now: NOW }));
  assert.equal(reason(forVault), `token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]`);
  // An "alg":"none" header never verifies.
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.${s}`;
  assert.equal(reason(none), 'invalid signature');
  assert.ok(parseJwt(token));
});

test('an RSA key signs RS256', () => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tokens = new ServiceAccountTokens({ signingKeyPem: pem, issuer: ISSUER });
  const token = tokens.issue(serviceAccountClaims({ serviceAccount: sa, expirationSeconds: 600, audiences: [ISSUER], now: NOW }));
  assert.equal(decodePart(token, 0).alg, 'RS256');
  assert.ok(tokens.check(token, NOW).ok);
});
