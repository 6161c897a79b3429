import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { serviceAccountClaims, ServiceAccountTokens } from './serviceAccountTokens.js';
import { authenticateServiceAccountToken, bearerToken, type ObjectLookup } from './tokenAuthenticator.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const NOW = Date.UTC(2025, 5, 1);
const tokens = new ServiceAccountTokens({
  signingKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  issuer: ISSUER,
});

function world(objects: Record<string, KubeObject>): ObjectLookup {
  return async (resource, namespace, name) => objects[`${resource}/${namespace}/${name}`];
}
const obj = (name: string, uid: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ metadata: { name, uid, ...extra } });

const podToken = tokens.issue(serviceAccountClaims({
  serviceAccount: { namespace: 'ns1', name: 'robot', uid: 'sa-1' },
  pod: { name: 'web', uid: 'pod-1' },
  node: { name: 'node-a', uid: 'node-1' },
  expirationSeconds: 3600,
  audiences: [ISSUER],
  now: NOW,
  jti: 'jti-1',
}));

test('a valid token is the service account user with its groups and pod/node extras', async () => {
  const objects = { 'serviceaccounts/ns1/robot': obj('robot', 'sa-1'), 'pods/ns1/web': obj('web', 'pod-1') };
  assert.deepEqual(await authenticateServiceAccountToken(podToken, tokens, world(objects), NOW + 5_000), {
    user: {
      name: 'system:serviceaccount:ns1:robot',
      uid: 'sa-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['web'],
        'authentication.kubernetes.io/pod-uid': ['pod-1'],
        'authentication.kubernetes.io/node-name': ['node-a'],
        'authentication.kubernetes.io/node-uid': ['node-1'],
        'authentication.kubernetes.io/credential-id': ['JTI=jti-1'],
      },
    },
  });
});

test('deleted or recreated service accounts and pods, and expired or tampered tokens, are refused', async () => {
  const sa = obj('robot', 'sa-1');
  const pod = obj('web', 'pod-1');
  const check = async (objects: Record<string, KubeObject>, token = podToken, now = NOW): Promise<string> => {
    const r = await authenticateServiceAccountToken(token, tokens, world(objects), now);
    return 'error' in r ? r.error : 'ok';
  };
  assert.equal(await check({ 'pods/ns1/web': pod }), 'serviceaccounts "robot" not found');
  assert.equal(await check({ 'serviceaccounts/ns1/robot': obj('robot', 'sa-2'), 'pods/ns1/web': pod }), 'service account UID (sa-2) does not match claim (sa-1)');
  assert.equal(await check({ 'serviceaccounts/ns1/robot': sa }), 'service account token has been invalidated');
  assert.equal(await check({ 'serviceaccounts/ns1/robot': sa, 'pods/ns1/web': obj('web', 'pod-2') }), 'pod UID (pod-2) does not match service account pod ref claim (pod-1)');
  // A pod in graceful deletion keeps its token until the deletion time has passed (+ leeway).
  const terminating = obj('web', 'pod-1', { deletionTimestamp: new Date(NOW + 30_000).toISOString() });
  assert.equal(await check({ 'serviceaccounts/ns1/robot': sa, 'pods/ns1/web': terminating }), 'ok');
  const longGone = obj('web', 'pod-1', { deletionTimestamp: new Date(NOW - 120_000).toISOString() });
  assert.equal(await check({ 'serviceaccounts/ns1/robot': sa, 'pods/ns1/web': longGone }), 'service account token has been invalidated');
  assert.equal(await check({ 'serviceaccounts/ns1/robot': sa, 'pods/ns1/web': pod }, podToken, NOW + 3600_000 + 61_000), 'service account token has expired');
  const parts = podToken.split('.');
  const sig = Buffer.from(parts[2], 'base64url');
  sig[10] ^= 0xff;
  const tampered = `${parts[0]}.${parts[1]}.${sig.toString('base64url')}`;
  assert.equal(await check({ 'serviceaccounts/ns1/robot': sa, 'pods/ns1/web': pod }, tampered), 'invalid signature');
});

test('node-bound tokens need their Node; the bearer header is parsed like upstream', async () => {
  const nodeToken = tokens.issue(serviceAccountClaims({ serviceAccount: { namespace: 'ns1', name: 'robot', uid: 'sa-1' }, node: { name: 'n', uid: 'n-1' }, expirationSeconds: 600, audiences: [ISSUER], now: NOW }));
  const sa = { 'serviceaccounts/ns1/robot': obj('robot', 'sa-1') };
  const r1 = await authenticateServiceAccountToken(nodeToken, tokens, world(sa), NOW);
  assert.deepEqual(r1, { error: 'service account token has been invalidated' });
  const r2 = await authenticateServiceAccountToken(nodeToken, tokens, world({ ...sa, 'nodes//n': obj('n', 'n-1') }), NOW);
  assert.ok('user' in r2);
  assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(bearerToken('bearer  abc'), 'abc');
  assert.equal(bearerToken('Basic dXNlcg=='), undefined);
  assert.equal(bearerToken('Bearer a b'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
