// The official JavaScript client works against skiff (issue 2, "Done means" 7):
// @kubernetes/client-node 2.x lists, creates, patches (JSON, merge and strategic merge,
// chosen with its setHeaderOptions middleware) and watches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { startCluster, type TestCluster } from '../support/cluster.js';

interface SeenEvent {
  type: string;
  name: string;
  resourceVersion: string;
  data?: Record<string, string>;
}

describe('@kubernetes/client-node', () => {
  let c: TestCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  before(async () => {
    c = await startCluster();
    kc = new KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(async () => {
    await c.stop();
  });

  it('lists namespaces', async () => {
    const list = await core.listNamespace();
    const names = list.items.map((n) => n.metadata?.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
  });

  it('creates, reads and lists ConfigMaps with a label selector', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-js', labels: { app: 'js' } }, data: { a: '1' } } });
    assert.equal(created.metadata?.name, 'from-js');
    assert.ok(created.metadata?.uid);
    assert.ok(created.metadata?.creationTimestamp instanceof Date, 'the client decoded creationTimestamp as a date');
    const read = await core.readNamespacedConfigMap({ name: 'from-js', namespace: 'default' });
    assert.deepEqual(read.data, { a: '1' });
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app=js' });
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['from-js']);
  });

  it('reports API errors as ApiException with the Status body', async () => {
    await assert.rejects(core.readNamespacedConfigMap({ name: 'nope', namespace: 'default' }), (e: unknown) => {
      assert.ok(e instanceof ApiException);
      assert.equal(e.code, 404);
      const body = (typeof e.body === 'string' ? JSON.parse(e.body) : e.body) as { kind: string; reason: string; message: string };
      assert.equal(body.kind, 'Status');
      assert.equal(body.reason, 'NotFound');
      assert.equal(body.message, 'configmaps "nope" not found');
      return true;
    });
    await assert.rejects(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-js' } } }), (e: unknown) => e instanceof ApiException && e.code === 409);
  });

  it('patches with a JSON patch (the default), a merge patch and a strategic merge patch', async () => {
    const json = await core.patchNamespacedConfigMap({ name: 'from-js', namespace: 'default', body: [{ op: 'add', path: '/data/b', value: '2' }] });
    assert.deepEqual(json.data, { a: '1', b: '2' });

    const merge = await core.patchNamespacedConfigMap(
      { name: 'from-js', namespace: 'default', body: { data: { a: null, c: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(merge.data, { b: '2', c: '3' });

    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'js-web' },
        spec: {
          selector: { matchLabels: { app: 'js-web' } },
          template: { metadata: { labels: { app: 'js-web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'sidecar', image: 'busybox' }] } },
        },
      },
    });
    // Strategic merge: containers merge by name, so only `web` changes and `sidecar` stays.
    const smp = await apps.patchNamespacedDeployment(
      { name: 'js-web', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(smp.spec?.template.spec?.containers.map((k) => `${k.name}=${k.image}`), ['web=nginx:1.27', 'sidecar=busybox']);
    assert.equal(smp.metadata?.generation, 2);
    // The same body as a merge patch replaces the list.
    const replaced = await apps.patchNamespacedDeployment(
      { name: 'js-web', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(replaced.spec?.template.spec?.containers.map((k) => k.name), ['web']);

    // Server-side apply through the same middleware.
    const applied = await core.patchNamespacedConfigMap(
      { name: 'applied-js', namespace: 'default', fieldManager: 'js-test', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied-js' }, data: { x: '1' } } },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    assert.deepEqual(applied.data, { x: '1' });
    assert.ok(applied.metadata?.managedFields?.some((m) => m.manager === 'js-test' && m.operation === 'Apply'));
  });

  it('watches: ADDED then MODIFIED for an object, then DELETED', async () => {
    const seen: SeenEvent[] = [];
    let resolveDone: (err: unknown) => void = () => undefined;
    const doneP = new Promise<unknown>((r) => (resolveDone = r));
    let wake: () => void = () => undefined;
    // Resolves once n events for our object arrived; fails if the watch ends first.
    const waitFor = (n: number): Promise<void> =>
      Promise.race([
        new Promise<void>((r) => {
          const check = (): void => (seen.filter((e) => e.name === 'watched').length >= n ? r() : void (wake = check));
          check();
        }),
        doneP.then((err) => {
          if (seen.filter((e) => e.name === 'watched').length < n) throw new Error(`the watch ended after ${JSON.stringify(seen)}: ${String(err)}`);
        }),
      ]);

    const start = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata?.resourceVersion;
    const watch = new Watch(kc);
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: start, allowWatchBookmarks: true, timeoutSeconds: 30 },
      (type: string, obj: V1ConfigMap) => {
        if (type === 'BOOKMARK') return;
        seen.push({ type, name: obj.metadata?.name ?? '', resourceVersion: obj.metadata?.resourceVersion ?? '', data: obj.data });
        wake();
      },
      (err: unknown) => resolveDone(err),
    );
    try {
      const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' }, data: { v: '1' } } });
      await waitFor(1);
      const modified = await core.replaceNamespacedConfigMap({ name: 'watched', namespace: 'default', body: { ...created, data: { v: '2' } } });
      await waitFor(2);
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
      await waitFor(3);
      const mine = seen.filter((e) => e.name === 'watched');
      assert.deepEqual(mine.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      assert.equal(mine[0].resourceVersion, created.metadata?.resourceVersion);
      assert.deepEqual(mine[0].data, { v: '1' });
      assert.equal(mine[1].resourceVersion, modified.metadata?.resourceVersion);
      assert.deepEqual(mine[1].data, { v: '2' });
    } finally {
      req.abort();
      await doneP;
    }
  });
});
