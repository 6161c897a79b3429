// `kubectl top node` / `kubectl top pod` (1.27 and 1.33, the real binaries) against the
// metrics.k8s.io/v1beta1 API, fed by a fake MetricsProvider with fixed samples, so the printed
// tables are exact: CPU in millicores (rounded up), memory in whole Mi, node percentages from
// status.allocatable, `<unknown>` for a node with no metrics, as against metrics-server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MetricsProvider, NodeMetricsSample, PodMetricsSample } from '../../src/apiserver/metrics/types.js';
import type { KubeObject } from '../../src/machinery/types.js';
import { bootstrapObjects } from '../../src/server/bootstrap.js';
import { ensurePki } from '../../src/server/certs.js';
import { kubeconfigYaml } from '../../src/server/kubeconfig.js';
import { testApiServer } from '../../src/apiserver/testing/testApiServer.js';
import { kubectlPath, run, type KubectlVersion, type RunResult } from '../support/cluster.js';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);

interface Harness {
  provider: { nodes: NodeMetricsSample[]; pods: PodMetricsSample[] };
  kubectl(v: KubectlVersion, args: string[]): Promise<RunResult>;
  stop(): Promise<void>;
}

async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-metrics-'));
  const pki = await ensurePki(dir, { dns: ['localhost'], ips: ['127.0.0.1'] }, () => {});
  const provider = { nodes: [] as NodeMetricsSample[], pods: [] as PodMetricsSample[] };
  const metrics: MetricsProvider = { nodeMetrics: async () => provider.nodes, podMetrics: async () => provider.pods };
  const errors: string[] = [];
  const { api, store, registry, objects, info } = testApiServer({ schemas: true, extras: { metrics }, log: (m) => errors.push(m), tls: { key: pki.servingKey, cert: pki.servingCert, ca: pki.caCert } });
  const port = await api.listen(0, '127.0.0.1');
  await bootstrapObjects(objects, registry, { serviceIP: '10.43.0.1', apiPort: port });
  const node = async (name: string, allocatable: Record<string, string>): Promise<void> => {
    await objects.create(info('nodes'), undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    await objects.update(info('nodes'), undefined, name, (cur) => ({ ...cur!, status: { allocatable, capacity: allocatable } }), { subresource: 'status' });
  };
  await node('node-a', { cpu: '4', memory: '8Gi', pods: '110' });
  await node('sim-node-1', { cpu: '2', memory: '4Gi', pods: '110' });
  const pod = async (namespace: string, name: string, containers: string[], labels: Record<string, string> = {}): Promise<void> => {
    const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { nodeName: 'node-a', containers: containers.map((c) => ({ name: c, image: 'busybox' })) } };
    await objects.create(info('pods'), namespace, p);
  };
  await pod('default', 'web', ['main', 'sidecar'], { app: 'web' });
  await pod('default', 'db', ['main'], { app: 'db' });
  await pod('kube-system', 'coredns', ['coredns']);
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, kubeconfigYaml(pki, `https://127.0.0.1:${port}`));
  const cacheDir = join(dir, 'cache');
  return {
    provider,
    kubectl: (v, args) => run(kubectlPath(v), ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { timeoutMs: 60_000 }),
    async stop() {
      await api.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      assert.deepEqual(errors.filter((e) => e.includes('internal error')), []);
    },
  };
}

const usage = (cpuNanoCores: number, memoryBytes: number) => ({ cpuNanoCores, memoryBytes });

/** kubectl's tabwriter output, whitespace-collapsed per line. */
const table = (out: string): string[][] => out.trim().split('\n').map((l) => l.trim().split(/\s+/));

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.stop();
});

for (const v of ['1.27', '1.33'] as const) {
  describe(`kubectl ${v} top`, () => {
    before(() => {
      h.provider.nodes = [{ nodeName: 'node-a', timestampMs: T0, windowMs: 10_000, usage: usage(1_234_567_890, 3 * 1024 * MiB + 512 * MiB) }];
      h.provider.pods = [
        { namespace: 'default', name: 'web', timestampMs: T0, windowMs: 10_000, containers: [{ name: 'main', usage: usage(122_400_000, 10 * MiB) }, { name: 'sidecar', usage: usage(600_001, 2 * MiB + 100) }] },
        { namespace: 'default', name: 'db', timestampMs: T0, windowMs: 10_000, containers: [{ name: 'main', usage: usage(5_000_000, 300 * MiB) }] },
        { namespace: 'kube-system', name: 'coredns', timestampMs: T0, windowMs: 10_000, containers: [{ name: 'coredns', usage: usage(2_000_000, 20 * MiB) }] },
      ];
    });

    it('top nodes: millicores, Mi, percentages of allocatable, <unknown> for a node without metrics', async () => {
      const r = await h.kubectl(v, ['top', 'nodes']);
      assert.equal(r.code, 0, r.stderr);
      const rows = table(r.stdout);
      // 1.234567890 cores of 4 = 30%; 3.5Gi of 8Gi = 43%.
      assert.deepEqual(rows[0], ['NAME', 'CPU(cores)', v === '1.27' ? 'CPU%' : 'CPU(%)', 'MEMORY(bytes)', v === '1.27' ? 'MEMORY%' : 'MEMORY(%)']);
      assert.deepEqual(rows.slice(1), [
        ['node-a', '1235m', '30%', '3584Mi', '43%'],
        ['sim-node-1', '<unknown>', '<unknown>', '<unknown>', '<unknown>'],
      ]);
    });

    it('top node NAME and -l', async () => {
      const one = await h.kubectl(v, ['top', 'node', 'node-a', '--no-headers']);
      assert.equal(one.code, 0, one.stderr);
      assert.deepEqual(table(one.stdout), [['node-a', '1235m', '30%', '3584Mi', '43%']]);
      const sim = await h.kubectl(v, ['top', 'node', 'sim-node-1']);
      assert.notEqual(sim.code, 0);
      assert.match(sim.stderr, /Error from server \(NotFound\): nodemetrics\.metrics\.k8s\.io "sim-node-1" not found/);
      const none = await h.kubectl(v, ['top', 'node', '-l', 'kubernetes.io/hostname=sim-node-1']);
      assert.notEqual(none.code, 0);
      assert.match(none.stderr, /error: metrics not available yet/);
    });

    it('top pods -A: every namespace, containers summed per pod', async () => {
      const r = await h.kubectl(v, ['top', 'pods', '-A']);
      assert.equal(r.code, 0, r.stderr);
      // web: 122.4m + 0.600001m = 123.000001m → 124m (kubectl rounds up); 10Mi + 2Mi + 100 B → 12Mi.
      assert.deepEqual(table(r.stdout), [
        ['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'],
        ['default', 'db', '5m', '300Mi'],
        ['default', 'web', '124m', '12Mi'],
        ['kube-system', 'coredns', '2m', '20Mi'],
      ]);
    });

    it('top pod in a namespace, by name, by label, with --containers', async () => {
      const ns = await h.kubectl(v, ['top', 'pod']);
      assert.equal(ns.code, 0, ns.stderr);
      assert.deepEqual(table(ns.stdout), [['NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['db', '5m', '300Mi'], ['web', '124m', '12Mi']]);
      const byLabel = await h.kubectl(v, ['top', 'pod', '-l', 'app=web', '--no-headers']);
      assert.deepEqual(table(byLabel.stdout), [['web', '124m', '12Mi']]);
      const containers = await h.kubectl(v, ['top', 'pod', 'web', '--containers']);
      assert.equal(containers.code, 0, containers.stderr);
      assert.deepEqual(table(containers.stdout), [['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], ['web', 'main', '123m', '10Mi'], ['web', 'sidecar', '1m', '2Mi']]);
      const coredns = await h.kubectl(v, ['top', 'pod', 'coredns', '-n', 'kube-system', '--no-headers']);
      assert.deepEqual(table(coredns.stdout), [['coredns', '2m', '20Mi']]);
    });

    it('reports a missing pod and an empty namespace as upstream', async () => {
      const missing = await h.kubectl(v, ['top', 'pod', 'nope']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
      const empty = await h.kubectl(v, ['top', 'pod', '-n', 'kube-public']);
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal(empty.stdout, '');
      assert.match(empty.stderr, /No resources found in kube-public namespace\./);
    });

    it('kubectl get nodes.metrics.k8s.io prints metrics-server’s table', async () => {
      const r = await h.kubectl(v, ['get', 'nodes.metrics.k8s.io']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(table(r.stdout), [['NAME', 'CPU', 'MEMORY', 'WINDOW'], ['node-a', '1234567890n', '3584Mi', '10s']]);
      // The core kinds keep their short names: `nodes` and `pods` still mean v1.
      assert.deepEqual((await h.kubectl(v, ['get', 'nodes', '-o', 'name'])).stdout.trim().split('\n'), ['node/node-a', 'node/sim-node-1']);
      assert.deepEqual((await h.kubectl(v, ['get', 'pods', '-A', '-o', 'name'])).stdout.trim().split('\n'), ['pod/db', 'pod/web', 'pod/coredns']);
    });
  });
}

describe('kubectl top before the first rate', () => {
  before(() => {
    h.provider.nodes = [];
    h.provider.pods = [];
  });

  it('top nodes says metrics are not available yet', async () => {
    const r = await h.kubectl('1.33', ['top', 'nodes']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error: metrics not available yet/);
  });

  it('top pods says metrics are not available yet for young pods', async () => {
    const r = await h.kubectl('1.33', ['top', 'pods']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error: metrics not available yet/);
  });
});
