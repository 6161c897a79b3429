// The server as a user meets it: start-up output, kubeconfig, TLS and authentication,
// health endpoints, version, graceful stop. Driven by the real kubectl binaries.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { kubectlVersions, startCluster, type TestCluster } from '../support/cluster.js';

function get(url: string, path: string, opts: { ca?: string; cert?: string; key?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const r = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET', ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: !!opts.ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

describe('skiff server', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c.stop();
  });

  it('prints where the kubeconfig is and what to run next', () => {
    assert.match(c.startupOutput, /kubeconfig: .*kubeconfig\.yaml/);
    assert.match(c.startupOutput, /kubectl get nodes/);
  });

  for (const v of kubectlVersions) {
    it(`lists the four system namespaces with kubectl ${v}`, async () => {
      const out = await c.kubectlOk(['get', 'ns', '-o', 'name'], { version: v });
      assert.deepEqual(out.trim().split('\n').sort(), ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
    });
  }

  it('serves health endpoints and version without credentials', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await get(c.url, p);
      assert.equal(r.status, 200, p);
      assert.equal(r.body, 'ok');
    }
    const v = JSON.parse((await get(c.url, '/version')).body) as { gitVersion: string; major: string; minor: string };
    assert.match(v.gitVersion, /^v1\.33\.0-skiff\.\d+$/);
    assert.equal(v.major, '1');
  });

  it('answers 401 Unauthorized without a client certificate', async () => {
    const r = await get(c.url, '/api/v1/namespaces');
    assert.equal(r.status, 401);
    const s = JSON.parse(r.body) as { kind: string; reason: string; code: number };
    assert.equal(s.kind, 'Status');
    assert.equal(s.reason, 'Unauthorized');
  });

  it('verifies with the CA in the kubeconfig and accepts the admin certificate', async () => {
    const tls = `${c.dataDir}/tls`;
    const r = await get(c.url, '/api/v1/namespaces/default', { ca: readFileSync(`${tls}/ca.crt`, 'utf8'), cert: readFileSync(`${tls}/admin.crt`, 'utf8'), key: readFileSync(`${tls}/admin.key`, 'utf8') });
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as { metadata: { name: string } }).metadata.name, 'default');
  });

  it('kubectl version reports the server version', async () => {
    const out = await c.kubectlOk(['version', '-o', 'json']);
    const v = JSON.parse(out) as { serverVersion: { gitVersion: string } };
    assert.match(v.serverVersion.gitVersion, /skiff/);
  });
});

describe('skiff server lifecycle', () => {
  it('exits 0 on SIGTERM and keeps every object, uid and resourceVersion across a restart', async () => {
    const first = await startCluster({ keepDataDir: true });
    await first.kubectlOk(['create', 'configmap', 'keep', '--from-literal=a=1']);
    const before = JSON.parse(await first.kubectlOk(['get', 'cm', 'keep', '-o', 'json'])) as { metadata: { uid: string; resourceVersion: string } };
    const nsBefore = await first.kubectlOk(['get', 'ns', 'default', '-o', 'jsonpath={.metadata.uid}']);
    assert.equal(await first.stop(), 0);
    const second = await startCluster({ dataDir: first.dataDir });
    try {
      const afterRestart = JSON.parse(await second.kubectlOk(['get', 'cm', 'keep', '-o', 'json'])) as { metadata: { uid: string; resourceVersion: string }; data: Record<string, string> };
      assert.equal(afterRestart.metadata.uid, before.metadata.uid);
      assert.equal(afterRestart.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.deepEqual(afterRestart.data, { a: '1' });
      assert.equal(await second.kubectlOk(['get', 'ns', 'default', '-o', 'jsonpath={.metadata.uid}']), nsBefore);
    } finally {
      await second.stop();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
