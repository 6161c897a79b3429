import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Store } from '../../store/types.js';
import type { ApiDeps } from '../handlers/context.js';
import type { ApiServer } from '../server.js';
import { testApiServer } from '../testing/testApiServer.js';
import type { MetricsProvider, NodeMetricsSample, PodMetricsSample } from './types.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Record<string, unknown>;
}

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
const MiB = 1024 * 1024;

class FakeProvider implements MetricsProvider {
  nodes: NodeMetricsSample[] = [];
  pods: PodMetricsSample[] = [];
  async nodeMetrics(): Promise<NodeMetricsSample[]> {
    return this.nodes;
  }
  async podMetrics(): Promise<PodMetricsSample[]> {
    return this.pods;
  }
}

interface Harness {
  api: ApiServer;
  deps: ApiDeps;
  provider: FakeProvider;
  store: Store;
  uids: Map<string, string>;
  call(method: string, path: string, accept?: string): Promise<Answer>;
}

async function harness(withProvider: boolean): Promise<Harness> {
  const provider = new FakeProvider();
  const { api, deps, store, objects, info, dispatch } = testApiServer({ extras: withProvider ? { metrics: provider } : {} });
  for (const ns of ['default', 'kube-system']) await objects.create(info('namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const node = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
  await objects.create(info('nodes'), undefined, node('node-a', { 'kubernetes.io/hostname': 'node-a', role: 'real' }));
  await objects.create(info('nodes'), undefined, node('node-b', { 'kubernetes.io/hostname': 'node-b', role: 'real' }));
  await objects.create(info('nodes'), undefined, node('sim-node-1', { 'kubernetes.io/hostname': 'sim-node-1', role: 'sim' }));
  const uids = new Map<string, string>();
  const pod = async (namespace: string, name: string, labels: Record<string, string>): Promise<void> => {
    const created = await objects.create(info('pods'), namespace, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    uids.set(`${namespace}/${name}`, created.metadata.uid!);
  };
  await pod('default', 'web', { app: 'web' });
  await pod('default', 'db', { app: 'db' });
  await pod('default', 'quiet', { app: 'quiet' });
  await pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
  await pod('default', 'recreated', { app: 'x' });
  provider.nodes = [
    { nodeName: 'node-b', timestampMs: T0, windowMs: 10_000, usage: { cpuNanoCores: 1_500_000_000, memoryBytes: 2048 * MiB } },
    { nodeName: 'node-a', timestampMs: T0, windowMs: 10_004, usage: { cpuNanoCores: 250_000_000, memoryBytes: 12 * MiB } },
    { nodeName: 'gone-node', timestampMs: T0, windowMs: 10_000, usage: { cpuNanoCores: 1, memoryBytes: 1 } },
  ];
  const usage = (cpuNanoCores: number, memoryBytes: number) => ({ cpuNanoCores, memoryBytes });
  provider.pods = [
    { namespace: 'default', name: 'web', uid: uids.get('default/web'), timestampMs: T0, windowMs: 10_000, containers: [{ name: 'main', usage: usage(123_456_789, 1500 * 1024) }, { name: 'sidecar', usage: usage(1_000_000, 1000) }] },
    { namespace: 'default', name: 'db', timestampMs: T0 - 1000, windowMs: 9_500, containers: [{ name: 'main', usage: usage(0, 64 * MiB) }] },
    { namespace: 'kube-system', name: 'coredns', timestampMs: T0, windowMs: 10_000, containers: [{ name: 'coredns', usage: usage(3_000_000, 20 * MiB) }] },
    { namespace: 'default', name: 'deleted', timestampMs: T0, windowMs: 10_000, containers: [{ name: 'main', usage: usage(1, 1) }] },
    { namespace: 'default', name: 'recreated', uid: 'an-older-uid', timestampMs: T0, windowMs: 10_000, containers: [{ name: 'main', usage: usage(1, 1) }] },
  ];
  const call = async (method: string, path: string, accept = 'application/json'): Promise<Answer> => {
    const a = await dispatch(method, path, { headers: { accept } });
    return { status: a.status, headers: a.headers, body: JSON.parse(a.text) as Record<string, unknown> };
  };
  return { api, deps, provider, store, uids, call };
}

const items = (a: Answer): Record<string, unknown>[] => a.body.items as Record<string, unknown>[];
const names = (a: Answer): string[] => items(a).map((i) => { const m = i.metadata as { name: string; namespace?: string }; return m.namespace ? `${m.namespace}/${m.name}` : m.name; });
const G = '/apis/metrics.k8s.io/v1beta1';

describe('metrics.k8s.io/v1beta1', () => {
  let h: Harness;
  before(async () => {
    h = await harness(true);
  });
  after(async () => {
    await h.store.close();
  });

  describe('discovery', () => {
    it('lists the group in /apis, after the registry groups', async () => {
      const a = await h.call('GET', '/apis');
      const groups = a.body.groups as { name: string }[];
      assert.equal(groups.at(-1)!.name, 'metrics.k8s.io');
      assert.deepEqual(groups.at(-1), { name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }], preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' } });
    });

    it('serves the APIGroup and the APIResourceList with get and list only', async () => {
      const g = await h.call('GET', '/apis/metrics.k8s.io');
      assert.equal(g.status, 200);
      assert.equal(g.body.kind, 'APIGroup');
      assert.deepEqual(g.body.preferredVersion, { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' });
      const rl = await h.call('GET', G);
      assert.deepEqual(rl.body, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'metrics.k8s.io/v1beta1',
        resources: [
          { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
          { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
        ],
      });
      assert.equal((await h.call('GET', '/apis/metrics.k8s.io/v1')).status, 404);
    });

    for (const v of ['v2', 'v2beta1']) {
      it(`is in the aggregated ${v} document for /apis, not /api`, async () => {
        const accept = `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList,application/json`;
        const a = await h.call('GET', '/apis', accept);
        assert.equal(a.headers['Content-Type'], `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
        const group = (a.body.items as { metadata: { name: string } }[]).find((i) => i.metadata.name === 'metrics.k8s.io');
        assert.deepEqual(group, {
          metadata: { name: 'metrics.k8s.io', creationTimestamp: null },
          versions: [{
            version: 'v1beta1',
            freshness: 'Current',
            resources: [
              { resource: 'nodes', responseKind: { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'NodeMetrics' }, scope: 'Cluster', singularResource: '', verbs: ['get', 'list'] },
              { resource: 'pods', responseKind: { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' }, scope: 'Namespaced', singularResource: '', verbs: ['get', 'list'] },
            ],
          }],
        });
        const core = await h.call('GET', '/api', accept);
        assert.ok(!(core.body.items as { metadata: { name: string } }[]).some((i) => i.metadata.name === 'metrics.k8s.io'));
      });
    }
  });

  describe('nodes', () => {
    it('lists nodes that have metrics, by name, with the node labels', async () => {
      const a = await h.call('GET', `${G}/nodes`);
      assert.equal(a.status, 200);
      assert.equal(a.body.kind, 'NodeMetricsList');
      assert.equal(a.body.apiVersion, 'metrics.k8s.io/v1beta1');
      assert.deepEqual(a.body.metadata, {});
      // sim-node-1 has no sample and gone-node no Node object: both are left out.
      assert.deepEqual(names(a), ['node-a', 'node-b']);
      const first = items(a)[0];
      const meta = first.metadata as Record<string, unknown>;
      assert.match(String(meta.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(first, {
        metadata: { name: 'node-a', creationTimestamp: meta.creationTimestamp, labels: { 'kubernetes.io/hostname': 'node-a', role: 'real' } },
        timestamp: '2024-01-02T03:04:05Z',
        window: '10.004s',
        usage: { cpu: '250m', memory: '12Mi' },
      });
      assert.deepEqual(items(a)[1].usage, { cpu: '1500m', memory: '2Gi' });
      assert.equal(items(a)[1].window, '10s');
    });

    it('filters by labelSelector and by metadata.name, and refuses other fields', async () => {
      assert.deepEqual(names(await h.call('GET', `${G}/nodes?labelSelector=${encodeURIComponent('kubernetes.io/hostname=node-b')}`)), ['node-b']);
      assert.deepEqual(names(await h.call('GET', `${G}/nodes?labelSelector=role%3Dsim`)), []);
      assert.deepEqual(names(await h.call('GET', `${G}/nodes?fieldSelector=metadata.name%3Dnode-a`)), ['node-a']);
      assert.deepEqual(names(await h.call('GET', `${G}/nodes?fieldSelector=metadata.name!%3Dnode-a`)), ['node-b']);
      const bad = await h.call('GET', `${G}/nodes?fieldSelector=spec.unschedulable%3Dfalse`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.message, '"spec.unschedulable" is not a known field selector: only "metadata.name", "metadata.namespace"');
      assert.equal((await h.call('GET', `${G}/nodes?labelSelector=a%3D%3D%3Db`)).status, 400);
    });

    it('gets one node with kind and apiVersion', async () => {
      const a = await h.call('GET', `${G}/nodes/node-b`);
      assert.equal(a.status, 200);
      assert.equal(a.body.kind, 'NodeMetrics');
      assert.equal(a.body.apiVersion, 'metrics.k8s.io/v1beta1');
      assert.deepEqual(a.body.usage, { cpu: '1500m', memory: '2Gi' });
    });

    it('answers 404 as metrics-server: no metrics yet, or no such node', async () => {
      const sim = await h.call('GET', `${G}/nodes/sim-node-1`);
      assert.equal(sim.status, 404);
      assert.deepEqual(sim.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'nodemetrics.metrics.k8s.io "sim-node-1" not found', reason: 'NotFound', details: { name: 'sim-node-1', group: 'metrics.k8s.io', kind: 'nodemetrics' }, code: 404 });
      const missing = await h.call('GET', `${G}/nodes/gone-node`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'node "gone-node" not found');
    });
  });

  describe('pods', () => {
    it('lists one namespace, pods with metrics only, each with its containers', async () => {
      const a = await h.call('GET', `${G}/namespaces/default/pods`);
      assert.equal(a.body.kind, 'PodMetricsList');
      // quiet has no sample; deleted has no Pod; recreated's sample belongs to an older uid.
      assert.deepEqual(names(a), ['default/db', 'default/web']);
      const web = items(a)[1];
      assert.deepEqual(web.containers, [
        { name: 'main', usage: { cpu: '123456789n', memory: '1500Ki' } },
        { name: 'sidecar', usage: { cpu: '1m', memory: '1k' } },
      ]);
      assert.deepEqual((web.metadata as Record<string, unknown>).labels, { app: 'web' });
      assert.equal((web.metadata as Record<string, unknown>).namespace, 'default');
      assert.equal(web.timestamp, '2024-01-02T03:04:05Z');
      assert.equal(web.window, '10s');
      assert.equal(items(a)[0].window, '9.5s');
      assert.deepEqual((items(a)[0].containers as unknown[])[0], { name: 'main', usage: { cpu: '0', memory: '64Mi' } });
    });

    it('lists every namespace at /pods, sorted by namespace then name', async () => {
      assert.deepEqual(names(await h.call('GET', `${G}/pods`)), ['default/db', 'default/web', 'kube-system/coredns']);
    });

    it('filters by labelSelector and metadata fields', async () => {
      assert.deepEqual(names(await h.call('GET', `${G}/pods?labelSelector=k8s-app%3Dkube-dns`)), ['kube-system/coredns']);
      assert.deepEqual(names(await h.call('GET', `${G}/pods?fieldSelector=metadata.namespace%3Ddefault`)), ['default/db', 'default/web']);
      assert.deepEqual(names(await h.call('GET', `${G}/namespaces/default/pods?fieldSelector=metadata.name%3Dweb`)), ['default/web']);
      assert.equal((await h.call('GET', `${G}/pods?fieldSelector=spec.nodeName%3Dnode-a`)).status, 400);
    });

    it('gets one pod, or 404 with the names metrics-server uses', async () => {
      const a = await h.call('GET', `${G}/namespaces/kube-system/pods/coredns`);
      assert.equal(a.status, 200);
      assert.equal(a.body.kind, 'PodMetrics');
      assert.deepEqual(a.body.containers, [{ name: 'coredns', usage: { cpu: '3m', memory: '20Mi' } }]);
      const quiet = await h.call('GET', `${G}/namespaces/default/pods/quiet`);
      assert.equal(quiet.status, 404);
      assert.deepEqual(quiet.body.details, { name: 'default/quiet', group: 'metrics.k8s.io', kind: 'podmetrics' });
      assert.equal(quiet.body.message, 'podmetrics.metrics.k8s.io "default/quiet" not found');
      assert.equal((await h.call('GET', `${G}/namespaces/default/pods/recreated`)).body.message, 'podmetrics.metrics.k8s.io "default/recreated" not found');
      const deleted = await h.call('GET', `${G}/namespaces/default/pods/deleted`);
      assert.equal(deleted.status, 404);
      assert.equal(deleted.body.message, 'pods "deleted" not found');
    });
  });

  describe('verbs and routes', () => {
    it('refuses writes with 405 on every route', async () => {
      for (const [method, path] of [['POST', `${G}/nodes`], ['DELETE', `${G}/nodes/node-a`], ['PUT', `${G}/nodes/node-a`], ['PATCH', `${G}/namespaces/default/pods/web`], ['DELETE', `${G}/namespaces/default/pods`], ['POST', `${G}/namespaces/default/pods`]]) {
        const a = await h.call(method, path);
        assert.equal(a.status, 405, `${method} ${path}`);
        assert.equal(a.body.reason, 'MethodNotAllowed');
        assert.equal(a.body.message, 'the server does not allow this method on the requested resource');
      }
    });

    it('does not watch', async () => {
      const a = await h.call('GET', `${G}/nodes?watch=true`);
      assert.equal(a.status, 405);
      assert.equal(a.body.message, 'watch is not supported on resources of kind "nodes.metrics.k8s.io"');
    });

    it('has no other routes', async () => {
      for (const path of [`${G}/nodes/node-a/status`, `${G}/namespaces/default/nodes`, `${G}/pods/web`, `${G}/watch/nodes`, `${G}/podmetrics`, '/apis/metrics.k8s.io/v1/nodes']) {
        const a = await h.call('GET', path);
        assert.equal(a.status, 404, path);
        assert.equal(a.body.message, 'the server could not find the requested resource');
      }
    });
  });

  describe('representations', () => {
    it('answers kubectl get with metrics-server’s Table columns', async () => {
      const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
      const t = await h.call('GET', `${G}/namespaces/default/pods`, accept);
      assert.equal(t.body.kind, 'Table');
      assert.deepEqual((t.body.columnDefinitions as { name: string }[]).map((c) => c.name), ['Name', 'cpu', 'memory', 'Window']);
      const rows = t.body.rows as { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
      // A pod row sums its containers: 123456789n + 1m, 1500Ki + 1000.
      assert.deepEqual(rows.map((r) => r.cells), [['db', '0', '64Mi', '9.5s'], ['web', '124456789n', '1537000', '10s']]);
      assert.equal(rows[1].object.kind, 'PartialObjectMetadata');
      const n = await h.call('GET', `${G}/nodes/node-a`, accept);
      assert.deepEqual((n.body.rows as { cells: unknown[] }[])[0].cells, ['node-a', '250m', '12Mi', '10.004s']);
      const empty = await h.call('GET', `${G}/nodes?labelSelector=role%3Dsim`, accept);
      assert.equal(empty.body.rows, null);
      assert.equal(empty.body.columnDefinitions, null);
    });
  });
});

describe('metrics.k8s.io without a provider (simulated nodes only)', () => {
  let h: Harness;
  before(async () => {
    h = await harness(false);
  });
  after(async () => {
    await h.store.close();
  });

  it('still serves the group, with empty lists and 404 on get', async () => {
    assert.ok((await h.call('GET', '/apis')).body.groups instanceof Array);
    assert.equal((await h.call('GET', G)).status, 200);
    const nodes = await h.call('GET', `${G}/nodes`);
    assert.deepEqual(nodes.body, { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [] });
    assert.deepEqual(items(await h.call('GET', `${G}/pods`)), []);
    assert.equal((await h.call('GET', `${G}/nodes/node-a`)).body.message, 'nodemetrics.metrics.k8s.io "node-a" not found');
  });
});
