import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { ServiceAccountTokens } from '../authn/serviceAccountTokens.js';
import { authenticateServiceAccountToken } from '../authn/tokenAuthenticator.js';
import type { ApiDeps } from './context.js';
import { testApiServer } from '../testing/testApiServer.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

interface Answer {
  status: number;
  body: Record<string, any>;
}

function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, any>;
}

describe('serviceaccounts/token (TokenRequest)', () => {
  let post: (path: string, body: unknown) => Promise<Answer>;
  let deps: ApiDeps;
  let tokens: ServiceAccountTokens;
  const uids: Record<string, string> = {};

  before(async () => {
    tokens = new ServiceAccountTokens({ signingKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), issuer: ISSUER });
    const t = testApiServer({ extras: { serviceAccountTokens: tokens } });
    const { objects, info, dispatch } = t;
    deps = t.deps;
    const create = async (resource: string, ns: string | undefined, obj: KubeObject): Promise<void> => {
      const made = await objects.create(info(resource), ns, obj);
      uids[`${resource}/${obj.metadata.name}`] = made.metadata.uid!;
    };
    await create('namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    await create('serviceaccounts', 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    await create('serviceaccounts', 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    await create('nodes', undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    await create('pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'x' }] } });
    await create('secrets', 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
    post = async (path, body) => {
      const payload = Buffer.from(JSON.stringify(body));
      const a = await dispatch('POST', path, { headers: { 'content-type': 'application/json', 'content-length': String(payload.length) }, body: payload });
      return { status: a.status, body: JSON.parse(a.text) as Record<string, any> };
    };
  });

  const url = (sa: string) => `/api/v1/namespaces/default/serviceaccounts/${sa}/token`;

  it('answers 201 with the defaulted TokenRequest and a token for the API server', async () => {
    const before = Math.floor(Date.now() / 1000);
    const a = await post(url('robot'), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    assert.equal(a.status, 201);
    assert.deepEqual(Object.keys(a.body), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    assert.deepEqual(a.body.spec, { audiences: [ISSUER], expirationSeconds: 3600, boundObjectRef: null });
    assert.equal(a.body.metadata.name, 'robot');
    assert.equal(a.body.metadata.namespace, 'default');
    const c = claimsOf(a.body.status.token);
    assert.equal(c.iss, ISSUER);
    assert.equal(c.sub, 'system:serviceaccount:default:robot');
    assert.deepEqual(c.aud, [ISSUER]);
    assert.ok(c.iat >= before && c.nbf === c.iat && c.exp === c.iat + 3600);
    assert.match(c.jti, /^[0-9a-f-]{36}$/);
    assert.deepEqual(c['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'robot', uid: uids['serviceaccounts/robot'] } });
    assert.ok(Date.parse(a.body.status.expirationTimestamp) / 1000 <= c.exp);
    const user = await authenticateServiceAccountToken(a.body.status.token, tokens, async (r, ns, n) => (await deps.objects.tryGet(deps.registry.lookup('', 'v1', r)!, ns || undefined, n))?.obj);
    assert.ok('user' in user && user.user.name === 'system:serviceaccount:default:robot');
  });

  it('binds to a pod (with its node) and extends the kubelet 3607 s tokens to a year with warnafter', async () => {
    const ref = { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: uids['pods/web'] };
    const a = await post(url('default'), { spec: { expirationSeconds: 3607, boundObjectRef: ref } });
    assert.equal(a.status, 201);
    const c = claimsOf(a.body.status.token);
    assert.deepEqual(c['kubernetes.io'].pod, { name: 'web', uid: uids['pods/web'] });
    assert.deepEqual(c['kubernetes.io'].node, { name: 'node-a', uid: uids['nodes/node-a'] });
    assert.equal(c['kubernetes.io'].warnafter, c.iat + 3607);
    assert.equal(c.exp, c.iat + 365 * 24 * 3600);
    assert.ok(Date.parse(a.body.status.expirationTimestamp) / 1000 <= c.iat + 3607, 'status reports the requested lifetime');
    // Another audience: no extension.
    const vault = await post(url('default'), { spec: { audiences: ['vault'], expirationSeconds: 3607, boundObjectRef: ref } });
    const v = claimsOf(vault.body.status.token);
    assert.deepEqual([v.aud, v.exp - v.iat, v['kubernetes.io'].warnafter], [['vault'], 3607, undefined]);
    const secret = await post(url('robot'), { spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } } });
    assert.deepEqual(claimsOf(secret.body.status.token)['kubernetes.io'].secret, { name: 's', uid: uids['secrets/s'] });
  });

  it('refuses what upstream refuses, with its codes and messages', async () => {
    const short = await post(url('robot'), { spec: { expirationSeconds: 60 } });
    assert.equal(short.status, 422);
    assert.equal(short.body.message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const missing = await post(url('ghost'), { spec: {} });
    assert.deepEqual([missing.status, missing.body.message], [404, 'serviceaccounts "ghost" not found']);
    const otherSa = await post(url('robot'), { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } });
    assert.deepEqual([otherSa.status, otherSa.body.message], [400, 'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.']);
    const stale = await post(url('default'), { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'old' } } });
    assert.deepEqual([stale.status, stale.body.message], [409, 'Operation cannot be fulfilled on Pod "web": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated']);
    const noPod = await post(url('default'), { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'nope' } } });
    assert.equal(noPod.status, 404);
    const cm = await post(url('default'), { spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } });
    assert.deepEqual([cm.status, cm.body.message], [400, 'cannot bind token to object of type /v1, Kind=ConfigMap']);
    const wrongName = await post(url('robot'), { metadata: { name: 'other' }, spec: {} });
    assert.deepEqual([wrongName.status, wrongName.body.message], [422, 'TokenRequest.authentication.k8s.io "robot" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified']);
  });
});
