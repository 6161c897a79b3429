import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';
import { FakeClient } from '../../client/testing/fakeClient.js';
import type { KubeObject } from '../../machinery/types.js';
import { VolumeSetupError } from './errors.js';
import { createPodConfigSource } from './index.js';
import { GVR } from './lookup.js';
import { configMap, pod, secret, seededClient, tempRoot, TokenFakeClient } from './testing/fixtures.js';
import { mountPointsUnder, unmount } from './tmpfs.js';
import type { PodConfigSource } from './types.js';

const isRoot = process.getuid?.() === 0;

function source(t: { after: (fn: () => void) => void }, client: FakeClient, root: string, tmpfs = false): PodConfigSource {
  const s = createPodConfigSource({ client, root, nodeName: 'node-1', clusterDomain: 'cluster.local', tmpfs, resyncMs: 3_600_000 });
  t.after(() => s.close());
  return s;
}

const read = (p: string): Promise<string> => fs.readFile(p, 'utf8');
const mode = async (p: string): Promise<number> => (await fs.stat(p)).mode & 0o7777;
const visible = async (dir: string): Promise<string[]> => (await fs.readdir(dir)).filter((n) => !n.startsWith('..')).sort();

async function claim(client: FakeClient, name: string, pv: KubeObject | undefined, bound = true): Promise<void> {
  const c: KubeObject = await client.create(GVR.claims, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { volumeName: pv?.metadata.name ?? '' } });
  await client.update(GVR.claims, { ...c, status: { phase: bound ? 'Bound' : 'Pending' } }, { subresource: 'status' });
  if (pv) await client.create(GVR.volumes, { ...pv, spec: { ...(pv.spec as object), claimRef: { namespace: 'default', name, uid: c.metadata.uid } } });
}

test('each plugin lays out its volume under <root>/pods/<uid>/volumes', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient(new TokenFakeClient());
  await client.create(GVR.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  await configMap(client, 'cfg', { 'app.conf': 'debug=1', other: 'o' }, { 'blob.bin': Buffer.from([0, 1, 2]).toString('base64') });
  await secret(client, 'creds', { password: 's3cret' });
  const hostDir = path.join(root, 'host', 'data');
  const pvDir = path.join(root, 'storage', 'pvc-1_default_data');
  await claim(client, 'data', {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name: 'pvc-1', annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
    spec: { hostPath: { path: pvDir, type: 'DirectoryOrCreate' }, capacity: { storage: '1Gi' } },
  });
  const p = pod(
    {
      containers: [{ name: 'app', resources: { limits: { cpu: '500m' } } }],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o640 } },
        { name: 'cfg-items', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'etc/app.conf', mode: 0o600 }, { key: 'blob.bin', path: 'blob' }] } },
        { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
        { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } }] } },
        {
          name: 'all',
          projected: {
            sources: [
              { configMap: { name: 'cfg', items: [{ key: 'other', path: 'other' }] } },
              { secret: { name: 'creds' } },
              { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
              { serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'api' } },
            ],
          },
        },
        { name: 'host', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      ],
    },
    { labels: { app: 'web' } },
  );
  const s = source(t, client, root);
  await s.preparePod(p);
  const uid = p.metadata.uid ?? '';
  const vols = path.join(root, 'pods', uid, 'volumes');
  assert.equal(s.podDir(uid), path.join(root, 'pods', uid));

  const scratch = path.join(vols, 'kubernetes.io~empty-dir/scratch');
  assert.equal(await mode(scratch), 0o777);
  assert.deepEqual(await fs.readdir(scratch), []);

  const cfg = path.join(vols, 'kubernetes.io~configmap/cfg');
  assert.deepEqual(await visible(cfg), ['app.conf', 'blob.bin', 'other']);
  assert.equal(await read(path.join(cfg, 'app.conf')), 'debug=1');
  assert.deepEqual([...(await fs.readFile(path.join(cfg, 'blob.bin')))], [0, 1, 2]);
  assert.equal(await mode(path.join(cfg, 'other')), 0o640);

  const items = path.join(vols, 'kubernetes.io~configmap/cfg-items');
  assert.deepEqual(await visible(items), ['blob', 'etc']);
  assert.equal(await read(path.join(items, 'etc/app.conf')), 'debug=1');
  assert.equal(await mode(path.join(items, 'etc/app.conf')), 0o600);
  assert.equal(await mode(path.join(items, 'blob')), 0o644);

  const creds = path.join(vols, 'kubernetes.io~secret/creds');
  assert.equal(await read(path.join(creds, 'password')), 's3cret');
  assert.equal(await mode(path.join(creds, 'password')), 0o400);

  const podinfo = path.join(vols, 'kubernetes.io~downward-api/podinfo');
  assert.equal(await read(path.join(podinfo, 'labels')), 'app="web"');
  assert.equal(await read(path.join(podinfo, 'cpu')), '500');

  const all = path.join(vols, 'kubernetes.io~projected/all');
  assert.deepEqual(await visible(all), ['name', 'other', 'password', 'token']);
  assert.equal(await read(path.join(all, 'name')), 'web');
  assert.equal(await read(path.join(all, 'token')), 'token-1-for-web');

  assert.ok((await fs.stat(hostDir)).isDirectory());
  assert.equal(await mode(pvDir), 0o777);

  // Preparing again (a re-sync) changes nothing and asks for no new token.
  const before = await fs.readlink(path.join(cfg, '..data'));
  await s.preparePod(p);
  assert.equal(await fs.readlink(path.join(cfg, '..data')), before);
  assert.equal((client as TokenFakeClient).issued, 1);
});

test('volume failures name the volume and the cause; the other volumes are still set up', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await configMap(client, 'cfg', { a: '1' });
  const file = path.join(root, 'a-file');
  await fs.writeFile(file, '');
  await claim(client, 'pending', undefined, false);
  await claim(client, 'nfs', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-nfs' }, spec: { nfs: { server: 'x', path: '/' } } });
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ configMap: { name: 'missing' } }, 'configmap "missing" not found'],
    [{ secret: { secretName: 'missing' } }, 'secret "missing" not found'],
    [{ configMap: { name: 'cfg', items: [{ key: 'nope', path: 'x' }] } }, 'configmap references non-existent config key: nope'],
    [{ projected: { sources: [{ configMap: { name: 'missing' } }, { secret: { name: 'gone' } }] } }, '[configmap "missing" not found, secret "gone" not found]'],
    [{ projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }, 'failed to fetch token: serviceaccounts "default" not found'],
    [{ hostPath: { path: file, type: 'Directory' } }, `hostPath type check failed: ${file} is not a directory, it's a File`],
    [{ persistentVolumeClaim: { claimName: 'ghost' } }, 'error processing PVC default/ghost: failed to fetch PVC from API server: persistentvolumeclaims "ghost" not found'],
    [{ persistentVolumeClaim: { claimName: 'pending' } }, 'error processing PVC default/pending: PVC is not bound'],
    [{ persistentVolumeClaim: { claimName: 'nfs' } }, 'error processing PVC default/nfs: PersistentVolume "pv-nfs" has a nfs source; this node can mount only hostPath and local volumes'],
    [{ nfs: { server: 'x', path: '/' } }, 'volume type "nfs" is not supported on this node'],
  ];
  const s = source(t, client, root);
  for (const [src, detail] of cases) {
    const p = pod({ volumes: [{ name: 'ok', emptyDir: {} }, { name: 'bad', ...src }] });
    await assert.rejects(s.preparePod(p), (err: unknown) => {
      assert.ok(err instanceof VolumeSetupError);
      assert.equal(err.message, `MountVolume.SetUp failed for volume "bad" : ${detail}`);
      assert.equal(err.volume, 'bad');
      return true;
    });
    await fs.access(path.join(s.podDir(p.metadata.uid ?? ''), 'volumes/kubernetes.io~empty-dir/ok'));
  }
});

test('a server without the TokenRequest API fails the token volume instead of faking a token', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await client.create(GVR.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } });
  const p = pod({ serviceAccountName: 'robot', volumes: [{ name: 'kube-api-access-x', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }] });
  const s = source(t, client, root);
  await assert.rejects(s.preparePod(p), {
    message: 'MountVolume.SetUp failed for volume "kube-api-access-x" : failed to fetch token: the API server does not offer the TokenRequest API (serviceaccounts/token), which projected serviceAccountToken volumes need',
  });
  const asked = client.calls.find((c) => c.verb === 'create' && c.subresource === 'token');
  assert.deepEqual(asked && { resource: asked.resource, name: asked.name, namespace: asked.namespace }, { resource: 'serviceaccounts', name: 'robot', namespace: 'default' });
  await assert.rejects(fs.stat(path.join(s.podDir(p.metadata.uid ?? ''), 'volumes/kubernetes.io~projected/kube-api-access-x/token')), { code: 'ENOENT' });
});

test('optional sources project what exists', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await configMap(client, 'cfg', { a: '1' });
  const p = pod({
    volumes: [
      { name: 'none', configMap: { name: 'missing', optional: true } },
      { name: 'some', configMap: { name: 'cfg', optional: true, items: [{ key: 'a', path: 'a' }, { key: 'b', path: 'b' }] } },
      { name: 'proj', projected: { sources: [{ secret: { name: 'missing', optional: true } }, { configMap: { name: 'cfg' } }] } },
    ],
  });
  const s = source(t, client, root);
  await s.preparePod(p);
  const vols = path.join(s.podDir(p.metadata.uid ?? ''), 'volumes');
  assert.deepEqual(await visible(path.join(vols, 'kubernetes.io~configmap/none')), []);
  assert.deepEqual(await visible(path.join(vols, 'kubernetes.io~configmap/some')), ['a']);
  assert.deepEqual(await visible(path.join(vols, 'kubernetes.io~projected/proj')), ['a']);
});

test('cleanupPod removes the pod directory and nothing outside it', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await configMap(client, 'cfg', { a: '1' });
  const hostDir = path.join(root, 'host');
  await fs.mkdir(hostDir);
  await fs.writeFile(path.join(hostDir, 'keep'), 'x');
  const p = pod({ volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch', emptyDir: {} }, { name: 'h', hostPath: { path: hostDir } }] });
  const s = source(t, client, root);
  await s.preparePod(p);
  const c = await s.containerConfig(p, { name: 'app', volumeMounts: [{ name: 'h', mountPath: '/h' }] }, '10.42.0.9');
  assert.ok(c.mounts.length > 0);
  await s.cleanupPod(p.metadata.uid ?? '');
  await assert.rejects(fs.stat(s.podDir(p.metadata.uid ?? '')), { code: 'ENOENT' });
  assert.equal(await read(path.join(hostDir, 'keep')), 'x');
  await s.cleanupPod(p.metadata.uid ?? '');
  await assert.rejects(s.cleanupPod('../escape'), /invalid pod uid/);
});

test('fsGroup: group ownership, group-readable files, setgid directories', { skip: isRoot ? false : 'needs root (chown to another group)' }, async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await secret(client, 'creds', { key: 'v' });
  const p = pod({ securityContext: { fsGroup: 2345 }, volumes: [{ name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } }, { name: 'scratch', emptyDir: {} }] });
  const s = source(t, client, root);
  await s.preparePod(p);
  const vols = path.join(s.podDir(p.metadata.uid ?? ''), 'volumes');
  const file = path.join(vols, 'kubernetes.io~secret/creds/key');
  assert.equal((await fs.stat(file)).gid, 2345);
  assert.equal(await mode(file), 0o440);
  const scratch = path.join(vols, 'kubernetes.io~empty-dir/scratch');
  assert.equal((await fs.stat(scratch)).gid, 2345);
  assert.equal(await mode(scratch), 0o2777);
  const data = await fs.readlink(path.join(vols, 'kubernetes.io~secret/creds/..data'));
  await s.preparePod(p);
  // The masked modes compare equal on the next write: nothing is rewritten.
  assert.equal(await fs.readlink(path.join(vols, 'kubernetes.io~secret/creds/..data')), data);
});

test('tmpfs: memory emptyDir (with sizeLimit) and secrets are tmpfs mounts, unmounted on cleanup', { skip: isRoot ? false : 'needs root (mount)' }, async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await secret(client, 'creds', { key: 'v' });
  const p = pod({ volumes: [{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }, { name: 'creds', secret: { secretName: 'creds' } }, { name: 'disk', emptyDir: {} }] });
  const s = source(t, client, root, true);
  const dir = s.podDir(p.metadata.uid ?? '');
  t.after(async () => {
    for (const mp of await mountPointsUnder(dir)) await unmount(mp);
  });
  await s.preparePod(p);
  const mem = path.join(dir, 'volumes/kubernetes.io~empty-dir/mem');
  const creds = path.join(dir, 'volumes/kubernetes.io~secret/creds');
  assert.deepEqual((await mountPointsUnder(dir)).sort(), [creds, mem].sort());
  const info = await fs.readFile('/proc/self/mountinfo', 'utf8');
  const memLine = info.split('\n').find((l) => l.split(' ')[4] === mem) ?? '';
  assert.match(memLine, / - tmpfs tmpfs .*size=65536k/);
  assert.equal(await mode(mem), 0o777);
  assert.equal(await read(path.join(creds, 'key')), 'v');
  await s.preparePod(p);
  assert.equal((await mountPointsUnder(dir)).length, 2);
  await s.cleanupPod(p.metadata.uid ?? '');
  assert.deepEqual(await mountPointsUnder(dir), []);
  await assert.rejects(fs.stat(dir), { code: 'ENOENT' });
});
