import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '../../client/testing/fakeClock.js';
import type { FakeClient } from '../../client/testing/fakeClient.js';
import type { CreateOptions, GroupVersionResource } from '../../client/types.js';
import type { KubeObject } from '../../machinery/types.js';
import { ContainerConfigError } from './errors.js';
import { createPodConfigSource, PodConfigSourceImpl } from './index.js';
import { GVR } from './lookup.js';
import { configMap, eventually, pod, seededClient, tempRoot, TokenFakeClient } from './testing/fixtures.js';
import type { PodConfigSource, PodConfigSourceOptions } from './types.js';

function source(t: { after: (fn: () => void) => void }, client: FakeClient, root: string, extra: Partial<PodConfigSourceOptions> = {}): PodConfigSource {
  const s = createPodConfigSource({ client, root, nodeName: 'node-1', clusterDomain: 'cluster.local', tmpfs: false, resyncMs: 3_600_000, ...extra });
  t.after(() => s.close());
  return s;
}

const containerOf = (p: KubeObject): Record<string, unknown> => (p.spec as { containers: Record<string, unknown>[] }).containers[0];

test('mounts: volumeMounts with subPath/subPathExpr, read-only plugins, propagation, then /etc/hosts and the termination log', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await configMap(client, 'cfg', { 'nginx.conf': 'worker 1;' });
  const p = pod({
    hostname: 'web-0',
    subdomain: 'web',
    hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }],
    containers: [{
      name: 'app',
      command: ['sh', '-c', 'echo $(POD_NAME)'],
      args: ['$(MISSING)', '$$(POD_NAME)'],
      terminationMessagePath: '/dev/termination-log',
      env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      volumeMounts: [
        { name: 'scratch', mountPath: '/scratch' },
        { name: 'scratch', mountPath: '/logs', subPathExpr: 'logs/$(POD_NAME)', readOnly: true },
        { name: 'cfg', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' },
        { name: 'cfg', mountPath: '/cfg', mountPropagation: 'HostToContainer' },
        { name: 'scratch', mountPath: '/shared', mountPropagation: 'Bidirectional' },
      ],
    }],
    volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
  });
  const s = source(t, client, root);
  await s.preparePod(p);
  const dir = s.podDir(p.metadata.uid ?? '');
  const scratch = path.join(dir, 'volumes/kubernetes.io~empty-dir/scratch');
  const cfg = path.join(dir, 'volumes/kubernetes.io~configmap/cfg');
  const c = await s.containerConfig(p, containerOf(p), '10.42.0.7');
  assert.deepEqual(c.command, ['sh', '-c', 'echo web']);
  assert.deepEqual(c.args, ['$(MISSING)', '$(POD_NAME)']);
  assert.equal(c.env.find((e) => e.key === 'POD_NAME')?.value, 'web');
  const data = await fs.readlink(path.join(cfg, '..data'));
  const term = c.mounts[6]?.hostPath ?? '';
  assert.deepEqual(c.mounts, [
    { containerPath: '/scratch', hostPath: scratch, readonly: false, propagation: 'private' },
    { containerPath: '/logs', hostPath: path.join(scratch, 'logs/web'), readonly: true, propagation: 'private' },
    { containerPath: '/etc/nginx/nginx.conf', hostPath: path.join(cfg, data, 'nginx.conf'), readonly: true, propagation: 'private' },
    { containerPath: '/cfg', hostPath: cfg, readonly: true, propagation: 'hostToContainer' },
    { containerPath: '/shared', hostPath: scratch, readonly: false, propagation: 'bidirectional' },
    { containerPath: '/etc/hosts', hostPath: path.join(dir, 'etc-hosts'), readonly: false, propagation: 'private' },
    { containerPath: '/dev/termination-log', hostPath: term, readonly: false, propagation: 'private' },
  ]);
  // subPathExpr directories are created with the volume's mode.
  assert.equal((await fs.stat(path.join(scratch, 'logs/web'))).mode & 0o777, 0o777);
  assert.equal(
    await fs.readFile(path.join(dir, 'etc-hosts'), 'utf8'),
    '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n' +
      '10.42.0.7\tweb-0.web.default.svc.cluster.local\tweb-0\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n',
  );
  assert.equal(path.dirname(term), path.join(dir, 'containers/app'));
  assert.equal((await fs.stat(term)).mode & 0o777, 0o666);
  // Every container instance gets its own termination file.
  const again = await s.containerConfig(p, containerOf(p), '10.42.0.7');
  assert.notEqual(again.mounts[6]?.hostPath, term);
});

test('/etc/hosts: none before the pod has an IP or when a volume takes /etc/hosts; the node\'s copy on hostNetwork', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  const nodeHosts = path.join(root, 'node-hosts');
  await fs.writeFile(nodeHosts, '127.0.0.1 localhost\n192.168.1.5 build-host\n');
  const s = source(t, client, root, { nodeHostsFile: nodeHosts });
  const plain = pod({ volumes: [{ name: 'h', emptyDir: {} }] });
  const paths = async (p: KubeObject, c: Record<string, unknown>, ip?: string): Promise<string[]> => (await s.containerConfig(p, c, ip)).mounts.map((m) => m.containerPath);
  assert.deepEqual(await paths(plain, { name: 'app' }, undefined), ['/dev/termination-log']);
  assert.deepEqual(await paths(plain, { name: 'app', terminationMessagePath: '', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] }, '10.42.0.3'), ['/etc/hosts']);
  const hostNet = pod({ hostNetwork: true, hostAliases: [{ ip: '1.2.3.4', hostnames: ['x'] }] });
  const c = await s.containerConfig(hostNet, { name: 'app', terminationMessagePath: '' }, undefined);
  assert.equal(c.mounts.length, 1);
  assert.equal(await fs.readFile(c.mounts[0].hostPath, 'utf8'), '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n192.168.1.5 build-host\n\n# Entries added by HostAliases.\n1.2.3.4\tx\n');
});

test('container config errors are ContainerConfigErrors with the kubelet\'s texts', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  const outside = path.join(root, 'outside');
  await fs.mkdir(outside);
  const p = pod({ volumes: [{ name: 'v', emptyDir: {} }] });
  const s = source(t, client, root);
  await s.preparePod(p);
  await fs.symlink(outside, path.join(s.podDir(p.metadata.uid ?? ''), 'volumes/kubernetes.io~empty-dir/v/escape'));
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, 'cannot find volume "nope" to mount into container "app"'],
    [{ volumeMounts: [{ name: 'v', mountPath: '/x', subPath: '/abs' }] }, 'error SubPath `/abs` must not be an absolute path'],
    [{ volumeMounts: [{ name: 'v', mountPath: '/x', subPath: 'a/../../b' }] }, "unable to provision SubPath `a/../../b`: must not contain '..'"],
    [{ volumeMounts: [{ name: 'v', mountPath: '/x', subPathExpr: '$(UNSET)' }] }, 'missing value for UNSET'],
    [{ volumeMounts: [{ name: 'v', mountPath: '/x', subPath: 'escape' }] }, 'failed to prepare subPath for volumeMount "v" of container "app"'],
    [{ volumeMounts: [{ name: 'v', mountPath: '/x', subPath: 'escape/new' }] }, 'failed to create subPath directory for volumeMount "v" of container "app"'],
    [{ volumeMounts: [{ name: 'v', mountPath: '/x', mountPropagation: 'Sideways' }] }, 'invalid MountPropagation mode: "Sideways"'],
    [{ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } }] }, 'configmap "absent" not found'],
  ];
  for (const [c, message] of cases) {
    await assert.rejects(s.containerConfig(p, { name: 'app', ...c }, '10.42.0.3'), (err: unknown) => err instanceof ContainerConfigError && err.message === message);
  }
  await assert.rejects(fs.stat(path.join(outside, 'new')), { code: 'ENOENT' });
});

test('containerConfig sets up a pod it has not prepared (adopted after a restart)', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  const p = pod({ volumes: [{ name: 'v', emptyDir: {} }] });
  const s = source(t, client, root);
  const c = await s.containerConfig(p, { name: 'app', volumeMounts: [{ name: 'v', mountPath: '/v' }] }, '10.42.0.3');
  assert.equal(c.mounts[0].hostPath, path.join(s.podDir(p.metadata.uid ?? ''), 'volumes/kubernetes.io~empty-dir/v'));
  await fs.access(c.mounts[0].hostPath);
});

test('the periodic resync updates configMap and downwardAPI files in place; cleanup and close stop it', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  const clock = new FakeClock();
  await configMap(client, 'cfg', { greeting: 'hello' });
  const created = await client.create(GVR.pods, pod({ volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] }, { labels: { v: '1' } }));
  const s = source(t, client, root, { clock, resyncMs: 10_000 });
  await s.preparePod(created);
  const dir = s.podDir(created.metadata.uid ?? '');
  const file = path.join(dir, 'volumes/kubernetes.io~configmap/cfg/greeting');
  const labels = path.join(dir, 'volumes/kubernetes.io~downward-api/info/labels');
  const data = await fs.readlink(path.join(dir, 'volumes/kubernetes.io~configmap/cfg/..data'));

  // Nothing changed: a resync leaves the payload directory alone.
  await clock.advance(10_000);
  await eventually(async () => client.calls.some((c) => c.verb === 'get' && c.resource === 'pods'), 'the first resync');
  assert.equal(await fs.readlink(path.join(dir, 'volumes/kubernetes.io~configmap/cfg/..data')), data);

  const cm = await client.get(GVR.configMaps, 'cfg', { namespace: 'default' });
  await client.update(GVR.configMaps, { ...cm, data: { greeting: 'bonjour' } });
  await client.update(GVR.pods, { ...(await client.get(GVR.pods, 'web', { namespace: 'default' })), metadata: { ...created.metadata, resourceVersion: undefined, labels: { v: '2' } } });
  // Time moves only by resync periods; real time only lets the file I/O of a resync finish.
  const afterResync = async (cond: () => Promise<boolean>): Promise<boolean> => {
    await clock.advance(10_000);
    return cond();
  };
  await eventually(() => afterResync(async () => (await fs.readFile(file, 'utf8')) === 'bonjour'), 'the configMap update');
  await eventually(() => afterResync(async () => (await fs.readFile(labels, 'utf8')) === 'v="2"'), 'the label update');

  await s.cleanupPod(created.metadata.uid ?? '');
  await clock.advance(10_000);
  await clock.advance(10_000);
  await assert.rejects(fs.stat(dir), { code: 'ENOENT' });
  s.close();
  assert.equal(clock.pending(), 0);
});

/** TokenRequest answers on the test's clock, so lifetimes and renewals are in fake time. */
class ClockedTokenClient extends TokenFakeClient {
  readonly requests: KubeObject[] = [];
  constructor(private readonly tokenClock: FakeClock) {
    super();
  }
  override async create<T extends KubeObject>(gvr: GroupVersionResource, obj: T, o: CreateOptions = {}): Promise<T> {
    if (o.subresource !== 'token') return super.create(gvr, obj, o);
    this.requests.push(obj);
    const seconds = (obj.spec as { expirationSeconds: number }).expirationSeconds;
    return { ...obj, status: { token: `token-${this.requests.length}`, expirationTimestamp: new Date(this.tokenClock.now() + seconds * 1000).toISOString() } } as T;
  }
}

test('the kube-api-access token is requested bound to the pod and renewed in place at 80% of its lifetime', async (t) => {
  const root = await tempRoot(t);
  const clock = new FakeClock();
  const tokens = new ClockedTokenClient(clock);
  const client = await seededClient(tokens);
  await configMap(client, 'kube-root-ca.crt', { 'ca.crt': 'CA PEM' });
  const volume = {
    name: 'kube-api-access-abcde',
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
  const created = await client.create(GVR.pods, pod({ volumes: [volume] }));
  const s = new PodConfigSourceImpl({ client, root, nodeName: 'node-1', clusterDomain: 'cluster.local', tmpfs: false, clock, resyncMs: 60_000 });
  t.after(() => s.close());
  await s.preparePod(created);
  assert.deepEqual(tokens.requests[0].spec, {
    audiences: [],
    expirationSeconds: 3607,
    boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: created.metadata.uid },
  });
  const dir = path.join(s.podDir(created.metadata.uid ?? ''), 'volumes/kubernetes.io~projected/kube-api-access-abcde');
  const read = (f: string): Promise<string> => fs.readFile(path.join(dir, f), 'utf8');
  assert.deepEqual([await read('token'), await read('ca.crt'), await read('namespace')], ['token-1', 'CA PEM', 'default']);
  // 48 min is under 80% of 3607 s (48 min 6 s): a resync asks for nothing.
  await clock.advance(48 * 60_000);
  await s.resyncNow();
  assert.equal(tokens.requests.length, 1);
  // Past it, the resync asks again and swaps the file in place.
  await clock.advance(10_000);
  await s.resyncNow();
  assert.equal(tokens.requests.length, 2);
  assert.equal(await read('token'), 'token-2');
});

test('a resync pass reads each ConfigMap once, however many pods and volumes project it, and still picks up changes', async (t) => {
  const root = await tempRoot(t);
  const client = await seededClient();
  await configMap(client, 'shared', { k: 'v1' });
  const volumes = [
    { name: 'a', configMap: { name: 'shared' } },
    { name: 'b', projected: { sources: [{ configMap: { name: 'shared' } }] } },
  ];
  const s = new PodConfigSourceImpl({ client, root, nodeName: 'node-1', clusterDomain: 'cluster.local', tmpfs: false, resyncMs: 3_600_000 });
  t.after(() => s.close());
  const pods = [await client.create(GVR.pods, pod({ volumes }, { name: 'one' })), await client.create(GVR.pods, pod({ volumes }, { name: 'two' }))];
  for (const p of pods) await s.preparePod(p);
  const cm = await client.get(GVR.configMaps, 'shared', { namespace: 'default' });
  await client.update(GVR.configMaps, { ...cm, data: { k: 'v2' } });
  const before = client.calls.length;
  await s.resyncNow();
  const gets = client.calls.slice(before).filter((c) => c.verb === 'get' && c.resource === 'configmaps');
  assert.equal(gets.length, 1);
  for (const p of pods) {
    const dir = path.join(s.podDir(p.metadata.uid ?? ''), 'volumes');
    assert.equal(await fs.readFile(path.join(dir, 'kubernetes.io~configmap/a/k'), 'utf8'), 'v2');
    assert.equal(await fs.readFile(path.join(dir, 'kubernetes.io~projected/b/k'), 'utf8'), 'v2');
  }
});
