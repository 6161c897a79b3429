// Service account tokens with the real kubectl: `kubectl create token` (JSON in 1.27, protobuf
// in 1.33) returns a JWT with upstream's claims; the API server accepts it as
// `Authorization: Bearer` (curl-style raw HTTPS and a token-only kubeconfig) until its
// ServiceAccount is gone; pods get the kube-api-access volume from admission, also when a
// controller creates them; every namespace gets kube-root-ca.crt with the cluster CA.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlPath, run, startCluster, type KubectlVersion, type TestCluster } from '../support/cluster.js';
import { rawApi, type RawApi } from '../support/rawApi.js';
import { eventually } from '../support/workloads.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

function claimsOf(token: string): Record<string, any> {
  const parts = token.trim().split('.');
  assert.equal(parts.length, 3, 'a compact JWS');
  assert.deepEqual(Object.keys(JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as object), ['alg', 'kid']);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as Record<string, any>;
}

describe('service account tokens', () => {
  let c: TestCluster;
  let api: RawApi;
  let defaultUid: string;
  before(async () => {
    c = await startCluster({ controllers: true });
    api = rawApi(c.url, c.dataDir);
    defaultUid = await eventually(async () => {
      const r = await c.kubectl(['get', 'sa', 'default', '-o', 'jsonpath={.metadata.uid}']);
      return r.code === 0 && r.stdout ? r.stdout : undefined;
    }, 'the default ServiceAccount');
  });
  after(async () => {
    await c.stop();
  });

  for (const v of ['1.27', '1.33'] as KubectlVersion[]) {
    it(`kubectl ${v} create token returns a JWT with upstream's claims`, async () => {
      const before = Math.floor(Date.now() / 1000);
      const token = (await c.kubectlOk(['create', 'token', 'default'], { version: v })).trim();
      const claims = claimsOf(token);
      assert.deepEqual(Object.keys(claims), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
      assert.equal(claims.iss, ISSUER);
      assert.deepEqual(claims.aud, [ISSUER]);
      assert.equal(claims.sub, 'system:serviceaccount:default:default');
      assert.ok(claims.iat >= before - 1 && claims.nbf === claims.iat);
      assert.equal(claims.exp - claims.iat, 3600);
      assert.deepEqual(claims['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'default', uid: defaultUid } });

      const custom = claimsOf(await c.kubectlOk(['create', 'token', 'default', '--audience=vault', '--duration=20m'], { version: v }));
      assert.deepEqual([custom.aud, custom.exp - custom.iat], [['vault'], 1200]);

      const short = await c.kubectl(['create', 'token', 'default', '--duration=1m'], { version: v });
      assert.notEqual(short.code, 0);
      assert.match(short.stderr, /TokenRequest\.authentication\.k8s\.io "" is invalid: spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
      const missing = await c.kubectl(['create', 'token', 'ghost'], { version: v });
      assert.match(missing.stderr, /serviceaccounts "ghost" not found/);
    });
  }

  it('accepts the token as Authorization: Bearer, and refuses bad, foreign-audience and orphaned tokens with 401', async () => {
    const token = (await c.kubectlOk(['create', 'token', 'default'])).trim();
    const bearer = (t: string, path = '/api/v1/namespaces/default/pods') => api.req('GET', path, { anonymous: true, headers: { Authorization: `Bearer ${t}` } });
    const ok = await bearer(token);
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { kind: string }).kind, 'PodList');
    const bad = await bearer(`${token.slice(0, -4)}AAAA`);
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    assert.equal((await bearer('not-a-token')).status, 401);
    assert.equal((await bearer((await c.kubectlOk(['create', 'token', 'default', '--audience=vault'])).trim())).status, 401);
    assert.equal((await api.req('GET', '/api/v1/namespaces', { anonymous: true })).status, 401);
    // Discovery lists the subresource as upstream does.
    const v1 = (await api.req('GET', '/api/v1')).json as { resources: Array<Record<string, unknown>> };
    assert.deepEqual(v1.resources.find((r) => r.name === 'serviceaccounts/token'), {
      name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'],
    });

    // A kubeconfig with nothing but the CA and the token is enough for kubectl.
    const kubeconfig = join(c.dataDir, 'token-kubeconfig.yaml');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: skiff
  cluster:
    server: ${c.url}
    certificate-authority: ${join(c.dataDir, 'tls', 'ca.crt')}
users:
- name: sa
  user:
    token: ${token}
contexts:
- name: sa
  context: {cluster: skiff, user: sa}
current-context: sa
`);
    const viaToken = await run(kubectlPath('1.33'), ['--kubeconfig', kubeconfig, 'get', 'sa', 'default', '-o', 'name']);
    assert.equal(viaToken.stdout.trim(), 'serviceaccount/default', viaToken.stderr);

    // Deleting the ServiceAccount invalidates its tokens at once.
    await c.kubectlOk(['create', 'sa', 'robot']);
    const robot = (await c.kubectlOk(['create', 'token', 'robot'])).trim();
    assert.equal((await bearer(robot)).status, 200);
    await c.kubectlOk(['delete', 'sa', 'robot']);
    assert.equal((await bearer(robot)).status, 401);
    // Recreated under the same name it is another account: the old token stays refused.
    await c.kubectlOk(['create', 'sa', 'robot']);
    assert.equal((await bearer(robot)).status, 401);
  });

  it('a pod created with kubectl, and one created by a Deployment, get the kube-api-access volume and mount', async () => {
    await c.kubectlOk(['run', 'web', '--image=nginx:1.25']);
    const pod = JSON.parse(await c.kubectlOk(['get', 'pod', 'web', '-o', 'json'])) as { spec: Record<string, any> };
    assert.equal(pod.spec.serviceAccountName, 'default');
    const volume = (pod.spec.volumes as Array<Record<string, any>>).find((v) => String(v.name).startsWith('kube-api-access-'));
    assert.ok(volume, 'the projected token volume');
    assert.match(volume.name, /^kube-api-access-[a-z0-9]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    assert.deepEqual(pod.spec.containers[0].volumeMounts, [{ name: volume.name, readOnly: true, mountPath: MOUNT_PATH }]);

    const bound = claimsOf(await c.kubectlOk(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=web']));
    assert.equal(bound['kubernetes.io'].pod.name, 'web');

    await c.kubectlOk(['create', 'deployment', 'api', '--image=nginx:1.25']);
    const mounts = await eventually(async () => {
      const out = await c.kubectlOk(['get', 'pods', '-l', 'app=api', '-o', 'jsonpath={.items[0].spec.containers[0].volumeMounts[0].mountPath}']);
      return out || undefined;
    }, 'the Deployment pod');
    assert.equal(mounts, MOUNT_PATH);

    await c.kubectlOk(['run', 'quiet', '--image=nginx:1.25', '--overrides={"spec":{"automountServiceAccountToken":false}}']);
    assert.equal(await c.kubectlOk(['get', 'pod', 'quiet', '-o', 'jsonpath={.spec.volumes}']), '');
  });

  it('every namespace gets kube-root-ca.crt with the cluster CA', async () => {
    await c.kubectlOk(['create', 'namespace', 'fresh']);
    const cm = await eventually(async () => {
      const r = await c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { data: Record<string, string>; metadata: { annotations: Record<string, string> } }) : undefined;
    }, 'kube-root-ca.crt in a new namespace');
    assert.equal(cm.data['ca.crt'], readFileSync(join(c.dataDir, 'tls', 'ca.crt'), 'utf8'));
    assert.match(cm.metadata.annotations['kubernetes.io/description'], /^Contains a CA bundle that can be used to verify the kube-apiserver/);
    // Edited away, it comes back.
    await c.kubectlOk(['-n', 'fresh', 'patch', 'configmap', 'kube-root-ca.crt', '--type=merge', '-p', '{"data":{"ca.crt":"tampered"}}']);
    await eventually(async () => {
      const out = await c.kubectlOk(['get', 'configmap', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'jsonpath={.data.ca\\.crt}']);
      return out.startsWith('-----BEGIN CERTIFICATE-----') ? true : undefined;
    }, 'kube-root-ca.crt repaired');
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      await eventually(async () => ((await c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', ns])).code === 0 ? true : undefined), `kube-root-ca.crt in ${ns}`);
    }
  });
});
