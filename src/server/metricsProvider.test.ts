import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CriApi } from '../agent/cri/index.js';
import { deferredMetrics, MetricsSampler, rateBetween, readNodeUsage, type ContainerStatsSource, type NodeUsagePoint } from './metricsProvider.js';

const S = 1_000_000_000n; // ns per second
const T0 = BigInt(Date.UTC(2024, 0, 2, 3, 4, 0)) * 1_000_000n;
const MiB = 1024 * 1024;

interface FakeContainer {
  id: string;
  namespace: string;
  pod: string;
  uid?: string;
  name: string;
  cpuNs: bigint;
  memory: number;
  state?: CriApi.Container['state'];
  /** Leave the CRI timestamp empty: the sampler's clock is used. */
  noTimestamp?: boolean;
}

/** A CRI that reports the containers as they are when asked, stamped with the fake clock. */
class FakeCri implements ContainerStatsSource {
  containers: FakeContainer[] = [];
  nowNs = T0;
  async listContainerStats(): Promise<CriApi.ContainerStats[]> {
    return this.containers.map((c) => ({
      attributes: {
        id: c.id,
        metadata: { name: c.name, attempt: 0 },
        labels: { 'io.kubernetes.pod.namespace': c.namespace, 'io.kubernetes.pod.name': c.pod, 'io.kubernetes.container.name': c.name, ...(c.uid ? { 'io.kubernetes.pod.uid': c.uid } : {}) },
        annotations: {},
      },
      cpu: { timestamp: c.noTimestamp ? '0' : String(this.nowNs), usage_core_nano_seconds: { value: String(c.cpuNs) }, usage_nano_cores: null },
      memory: { timestamp: String(this.nowNs), working_set_bytes: { value: String(c.memory) }, available_bytes: null, usage_bytes: null, rss_bytes: null },
      writable_layer: null,
    }));
  }
  async listContainers(filter?: CriApi.ContainerFilter): Promise<CriApi.Container[]> {
    return this.containers
      .filter((c) => !filter?.state || (c.state ?? 'CONTAINER_RUNNING') === filter.state.state)
      .map((c) => ({ id: c.id, pod_sandbox_id: `sb-${c.pod}`, metadata: { name: c.name, attempt: 0 }, image: null, image_ref: '', state: c.state ?? 'CONTAINER_RUNNING', created_at: '0', labels: {}, annotations: {} }));
  }
}

function harness() {
  const cri = new FakeCri();
  let node: NodeUsagePoint = { cpuNs: 1000n * S, memoryBytes: 512 * MiB };
  const sampler = new MetricsSampler({ cri, nodeName: 'node-a', readNode: async () => node, nowNs: () => cri.nowNs });
  return {
    cri,
    sampler,
    setNode(n: NodeUsagePoint) {
      node = n;
    },
    advance(seconds: number) {
      cri.nowNs += BigInt(seconds * 1000) * 1_000_000n;
    },
  };
}

describe('rateBetween', () => {
  it('is Δcpu over the window in nanocores, memory from the newer point', () => {
    const r = rateBetween({ cpuNs: 5n * S, atNs: T0, memoryBytes: 1 }, { cpuNs: 5n * S + 2_500_000_000n, atNs: T0 + 10n * S, memoryBytes: 42 });
    assert.deepEqual(r, { cpuNanoCores: 250_000_000, memoryBytes: 42, timestampMs: Number((T0 + 10n * S) / 1_000_000n), windowMs: 10_000 });
  });

  it('gives nothing for a counter that went back or a window that did not advance', () => {
    assert.equal(rateBetween({ cpuNs: 10n, atNs: T0, memoryBytes: 0 }, { cpuNs: 5n, atNs: T0 + S, memoryBytes: 0 }), undefined);
    assert.equal(rateBetween({ cpuNs: 1n, atNs: T0, memoryBytes: 0 }, { cpuNs: 5n, atNs: T0, memoryBytes: 0 }), undefined);
  });

  it('keeps exact arithmetic on counters beyond 2^53 ns', () => {
    const big = 1n << 60n;
    const r = rateBetween({ cpuNs: big, atNs: T0, memoryBytes: 0 }, { cpuNs: big + 3n * S, atNs: T0 + 2n * S, memoryBytes: 0 });
    assert.equal(r?.cpuNanoCores, 1_500_000_000);
  });
});

describe('MetricsSampler', () => {
  it('reports nothing after the first reading, then rates from the second', async () => {
    const h = harness();
    h.cri.containers = [{ id: 'c1', namespace: 'default', pod: 'web', uid: 'u-web', name: 'main', cpuNs: 100n * S, memory: 10 * MiB }];
    await h.sampler.sample();
    assert.deepEqual(await h.sampler.nodeMetrics(), []);
    assert.deepEqual(await h.sampler.podMetrics(), []);
    h.advance(10);
    h.cri.containers[0].cpuNs += 1_230_000_000n; // 123m over 10 s
    h.cri.containers[0].memory = 12 * MiB;
    h.setNode({ cpuNs: 1000n * S + 5n * S, memoryBytes: 600 * MiB }); // 500m
    await h.sampler.sample();
    const ts = Number(h.cri.nowNs / 1_000_000n);
    assert.deepEqual(await h.sampler.nodeMetrics(), [{ nodeName: 'node-a', timestampMs: ts, windowMs: 10_000, usage: { cpuNanoCores: 500_000_000, memoryBytes: 600 * MiB } }]);
    assert.deepEqual(await h.sampler.podMetrics(), [
      { namespace: 'default', name: 'web', uid: 'u-web', timestampMs: ts, windowMs: 10_000, containers: [{ name: 'main', usage: { cpuNanoCores: 123_000_000, memoryBytes: 12 * MiB } }] },
    ]);
  });

  it('groups containers by pod, sorted by name, and leaves out non-pod and non-running containers', async () => {
    const h = harness();
    h.cri.containers = [
      { id: 'w2', namespace: 'default', pod: 'web', name: 'sidecar', cpuNs: 0n, memory: 1 * MiB },
      { id: 'w1', namespace: 'default', pod: 'web', name: 'main', cpuNs: 0n, memory: 2 * MiB },
      { id: 'd1', namespace: 'kube-system', pod: 'coredns', name: 'coredns', cpuNs: 0n, memory: 3 * MiB },
      { id: 'x1', namespace: 'default', pod: 'done', name: 'main', cpuNs: 0n, memory: 1, state: 'CONTAINER_EXITED' },
      { id: 'n1', namespace: '', pod: '', name: 'not-kube', cpuNs: 0n, memory: 1 },
    ];
    await h.sampler.sample();
    h.advance(5);
    for (const c of h.cri.containers) c.cpuNs += S; // 200m each over 5 s
    await h.sampler.sample();
    const pods = await h.sampler.podMetrics();
    assert.deepEqual(pods.map((p) => `${p.namespace}/${p.name}`).sort(), ['default/web', 'kube-system/coredns']);
    const web = pods.find((p) => p.name === 'web')!;
    assert.equal(web.uid, undefined);
    assert.equal(web.windowMs, 5_000);
    assert.deepEqual(web.containers, [
      { name: 'main', usage: { cpuNanoCores: 200_000_000, memoryBytes: 2 * MiB } },
      { name: 'sidecar', usage: { cpuNanoCores: 200_000_000, memoryBytes: 1 * MiB } },
    ]);
  });

  it('holds a pod back for one period when one of its containers is new (restart: new CRI id)', async () => {
    const h = harness();
    h.cri.containers = [
      { id: 'a1', namespace: 'default', pod: 'app', name: 'main', cpuNs: 10n * S, memory: MiB },
      { id: 'b1', namespace: 'default', pod: 'app', name: 'helper', cpuNs: 10n * S, memory: MiB },
    ];
    await h.sampler.sample();
    h.advance(10);
    await h.sampler.sample();
    assert.equal((await h.sampler.podMetrics()).length, 1);
    // helper restarts: a new container id whose counter starts again from zero.
    h.cri.containers[1] = { id: 'b2', namespace: 'default', pod: 'app', name: 'helper', cpuNs: S / 10n, memory: MiB };
    h.advance(10);
    await h.sampler.sample();
    assert.deepEqual(await h.sampler.podMetrics(), []);
    h.advance(10);
    h.cri.containers[1].cpuNs += S;
    await h.sampler.sample();
    const [app] = await h.sampler.podMetrics();
    assert.deepEqual(app.containers.map((c) => [c.name, c.usage.cpuNanoCores]), [['helper', 100_000_000], ['main', 0]]);
  });

  it('keeps its rates when the runtime hands back the same reading, and drops pods that went away', async () => {
    const h = harness();
    h.cri.containers = [{ id: 'c1', namespace: 'default', pod: 'web', name: 'main', cpuNs: 0n, memory: MiB }];
    await h.sampler.sample();
    h.advance(10);
    h.cri.containers[0].cpuNs = 2n * S;
    await h.sampler.sample();
    const first = await h.sampler.podMetrics();
    assert.equal(first[0].containers[0].usage.cpuNanoCores, 200_000_000);
    await h.sampler.sample(); // no time passed: same CRI timestamp
    assert.deepEqual(await h.sampler.podMetrics(), first);
    h.cri.containers = [];
    h.advance(10);
    await h.sampler.sample();
    assert.deepEqual(await h.sampler.podMetrics(), []);
  });

  it('uses its own clock when the runtime gives no timestamp', async () => {
    const h = harness();
    h.cri.containers = [{ id: 'c1', namespace: 'default', pod: 'web', name: 'main', cpuNs: 0n, memory: MiB, noTimestamp: true }];
    await h.sampler.sample();
    h.advance(4);
    h.cri.containers[0].cpuNs = S;
    await h.sampler.sample();
    const [web] = await h.sampler.podMetrics();
    assert.equal(web.windowMs, 4_000);
    assert.equal(web.containers[0].usage.cpuNanoCores, 250_000_000);
  });

  it('keeps serving the node when the CRI fails, and logs why', async () => {
    const logs: string[] = [];
    let cpu = 0n;
    let now = T0;
    const broken: ContainerStatsSource = { listContainerStats: async () => Promise.reject(new Error('connection refused')), listContainers: async () => [] };
    const s = new MetricsSampler({ cri: broken, nodeName: 'n', readNode: async () => ({ cpuNs: (cpu += S), memoryBytes: 7 }), nowNs: () => (now += 2n * S), log: (m) => logs.push(m) });
    await s.sample();
    await s.sample();
    assert.deepEqual((await s.nodeMetrics()).map((n) => n.usage), [{ cpuNanoCores: 500_000_000, memoryBytes: 7 }]);
    assert.deepEqual(await s.podMetrics(), []);
    assert.deepEqual(logs, ['metrics: connection refused', 'metrics: connection refused']);
  });
});

describe('readNodeUsage', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tree = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'skiff-nodeusage-'));
    dirs.push(root);
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), text);
    }
    return root;
  };

  it('reads the root cgroup (v1): cpuacct.usage and usage_in_bytes minus total_inactive_file', async () => {
    const root = tree({
      'sys/fs/cgroup/cpuacct/cpuacct.usage': '17272085099347\n',
      'sys/fs/cgroup/memory/memory.usage_in_bytes': '2723508224\n',
      'sys/fs/cgroup/memory/memory.stat': 'cache 1\ninactive_file 8192\ntotal_inactive_file 1133965312\n',
      'proc/stat': 'cpu  1 2 3 4 5 6 7 8 0 0\n',
    });
    assert.deepEqual(await readNodeUsage(root), { cpuNs: 17272085099347n, memoryBytes: 2723508224 - 1133965312 });
  });

  it('falls back to /proc/stat busy jiffies and MemTotal − MemAvailable', async () => {
    const root = tree({
      'proc/stat': 'cpu  1332718 5 377132 736671 11910 2 9179 3 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\n',
      'proc/meminfo': 'MemTotal:       24683620 kB\nMemFree:         1000 kB\nMemAvailable:   23172592 kB\n',
    });
    // user+nice+system+irq+softirq+steal = 1332718+5+377132+2+9179+3 jiffies of 10 ms.
    assert.deepEqual(await readNodeUsage(root), { cpuNs: 1719039n * 10_000_000n, memoryBytes: (24683620 - 23172592) * 1024 });
  });

  it('fails when neither source is readable', async () => {
    await assert.rejects(readNodeUsage(tree({})), /no CPU usage/);
  });

  it('reads this machine', async () => {
    const u = await readNodeUsage();
    assert.ok(u.cpuNs > 0n);
    assert.ok(u.memoryBytes > 0);
  });
});

describe('deferredMetrics', () => {
  it('lists nothing until the node exists, then asks it', async () => {
    let current: MetricsSampler | undefined;
    const m = deferredMetrics(() => current);
    assert.deepEqual(await m.nodeMetrics(), []);
    assert.deepEqual(await m.podMetrics(), []);
    const h = harness();
    await h.sampler.sample();
    h.advance(10);
    await h.sampler.sample();
    current = h.sampler;
    assert.equal((await m.nodeMetrics()).length, 1);
  });
});
