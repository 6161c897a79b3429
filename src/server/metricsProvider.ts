// The node side of metrics.k8s.io for the containerd node: every 10 s, cumulative CPU and the
// working set of each running container (CRI ListContainerStats) and of the node (root cgroup,
// else /proc), turned into rates between two points, as metrics-server does with the kubelet's
// summary. Nothing is served for a container, pod or node until it has two points.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CriApi, CriRuntime } from '../agent/cri/index.js';
import type { ContainerMetricsSample, MetricsProvider, NodeMetricsSample, PodMetricsSample } from '../apiserver/metrics/types.js';

/** metrics-server's default --metric-resolution is 15 s; the kubelet's stats are fresh enough for 10. */
export const metricsIntervalMs = 10_000;

/** The CRI calls the sampler needs (CriClient has both). */
export interface ContainerStatsSource {
  listContainerStats(): Promise<CriApi.ContainerStats[]>;
  listContainers(filter?: CriApi.ContainerFilter): Promise<CriApi.Container[]>;
}

/** One reading of the whole node. */
export interface NodeUsagePoint {
  /** Cumulative CPU time of everything on the node, in ns. */
  cpuNs: bigint;
  /** Working set in bytes. */
  memoryBytes: number;
}

interface Point {
  cpuNs: bigint;
  /** When the point was taken, ns since the epoch. */
  atNs: bigint;
  memoryBytes: number;
}

interface ContainerPoint extends Point {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
}

interface Rate {
  cpuNanoCores: number;
  memoryBytes: number;
  timestampMs: number;
  windowMs: number;
}

/**
 * metrics-server's resourceUsage: (Δ cumulative CPU) / window, memory from the newer point.
 * A decrease (counter reset) or a window that did not advance gives no rate.
 */
export function rateBetween(prev: Point, last: Point): Rate | undefined {
  const windowNs = last.atNs - prev.atNs;
  if (windowNs <= 0n || last.cpuNs < prev.cpuNs) return undefined;
  const cpuNanoCores = Number(((last.cpuNs - prev.cpuNs) * 1_000_000_000n) / windowNs);
  return { cpuNanoCores, memoryBytes: last.memoryBytes, timestampMs: Number(last.atNs / 1_000_000n), windowMs: Number(windowNs) / 1e6 };
}

const u64 = (v: CriApi.UInt64Value | null | undefined): bigint | undefined => {
  if (!v || v.value === undefined || v.value === null) return undefined;
  try {
    return BigInt(v.value);
  } catch {
    return undefined;
  }
};

function containerPoint(s: CriApi.ContainerStats, nowNs: bigint): ContainerPoint | undefined {
  const labels = s.attributes?.labels ?? {};
  const namespace = labels['io.kubernetes.pod.namespace'];
  const pod = labels['io.kubernetes.pod.name'];
  const container = labels['io.kubernetes.container.name'] ?? s.attributes?.metadata?.name;
  const cpuNs = u64(s.cpu?.usage_core_nano_seconds);
  if (!namespace || !pod || !container || cpuNs === undefined) return undefined;
  const ts = s.cpu?.timestamp ? BigInt(s.cpu.timestamp) : 0n;
  return {
    namespace,
    pod,
    uid: labels['io.kubernetes.pod.uid'] ?? '',
    container,
    cpuNs,
    atNs: ts > 0n ? ts : nowNs,
    memoryBytes: Number(u64(s.memory?.working_set_bytes) ?? 0n),
  };
}

export interface MetricsSamplerOptions {
  cri: ContainerStatsSource;
  nodeName: string;
  readNode: () => Promise<NodeUsagePoint>;
  /** Wall clock in ns since the epoch (tests pin it). */
  nowNs?: () => bigint;
  log?: (msg: string) => void;
}

/**
 * Keeps the last point per container (by CRI id, so a restarted container starts over) and
 * per node, and the rates computed at the last sample. `sample()` takes one reading.
 */
export class MetricsSampler implements MetricsProvider {
  private lastContainers = new Map<string, ContainerPoint>();
  private containerRates = new Map<string, Rate>();
  private lastNode: Point | undefined;
  private nodeRate: Rate | undefined;
  private pods: PodMetricsSample[] = [];
  private readonly nowNs: () => bigint;

  constructor(private readonly opts: MetricsSamplerOptions) {
    this.nowNs = opts.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
  }

  async sample(): Promise<void> {
    const [containers, node] = await Promise.allSettled([this.sampleContainers(), this.sampleNode()]);
    for (const r of [containers, node]) if (r.status === 'rejected') this.opts.log?.(`metrics: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  }

  private async sampleNode(): Promise<void> {
    const reading = await this.opts.readNode();
    const point: Point = { ...reading, atNs: this.nowNs() };
    const prev = this.lastNode;
    if (prev && point.atNs <= prev.atNs) return;
    this.lastNode = point;
    this.nodeRate = prev ? rateBetween(prev, point) : undefined;
  }

  private async sampleContainers(): Promise<void> {
    const [stats, running] = await Promise.all([this.opts.cri.listContainerStats(), this.opts.cri.listContainers({ state: { state: 'CONTAINER_RUNNING' } })]);
    const runningIds = new Set(running.map((c) => c.id));
    const now = this.nowNs();
    const last = new Map<string, ContainerPoint>();
    const rates = new Map<string, Rate>();
    for (const s of stats) {
      const id = s.attributes?.id;
      if (!id || !runningIds.has(id)) continue;
      const point = containerPoint(s, now);
      if (!point) continue;
      const prev = this.lastContainers.get(id);
      if (prev && point.atNs <= prev.atNs) {
        // Same reading as before (stats not refreshed): keep the point and the rate we had.
        last.set(id, prev);
        const kept = this.containerRates.get(id);
        if (kept) rates.set(id, kept);
        continue;
      }
      last.set(id, point);
      const rate = prev ? rateBetween(prev, point) : undefined;
      if (rate) rates.set(id, rate);
    }
    this.lastContainers = last;
    this.containerRates = rates;
    this.pods = podSamples(last, rates);
  }

  async nodeMetrics(): Promise<NodeMetricsSample[]> {
    const r = this.nodeRate;
    return r ? [{ nodeName: this.opts.nodeName, timestampMs: r.timestampMs, windowMs: r.windowMs, usage: { cpuNanoCores: r.cpuNanoCores, memoryBytes: r.memoryBytes } }] : [];
  }

  async podMetrics(): Promise<PodMetricsSample[]> {
    return this.pods;
  }
}

/**
 * Groups container rates by pod. As metrics-server's podStorage, a pod is reported only when
 * every running container has a rate (a container that just started or restarted holds the
 * pod back one period); the pod's timestamp and window are its earliest container's.
 */
function podSamples(points: Map<string, ContainerPoint>, rates: Map<string, Rate>): PodMetricsSample[] {
  const pods = new Map<string, { namespace: string; name: string; uid: string; complete: boolean; earliest?: Rate; containers: ContainerMetricsSample[] }>();
  for (const [id, p] of points) {
    const key = `${p.namespace}/${p.pod}/${p.uid}`;
    let pod = pods.get(key);
    if (!pod) pods.set(key, (pod = { namespace: p.namespace, name: p.pod, uid: p.uid, complete: true, containers: [] }));
    const r = rates.get(id);
    if (!r) {
      pod.complete = false;
      continue;
    }
    pod.containers.push({ name: p.container, usage: { cpuNanoCores: r.cpuNanoCores, memoryBytes: r.memoryBytes } });
    if (!pod.earliest || r.timestampMs < pod.earliest.timestampMs) pod.earliest = r;
  }
  const out: PodMetricsSample[] = [];
  for (const pod of pods.values()) {
    if (!pod.complete || !pod.earliest) continue;
    pod.containers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.push({ namespace: pod.namespace, name: pod.name, ...(pod.uid ? { uid: pod.uid } : {}), timestampMs: pod.earliest.timestampMs, windowMs: pod.earliest.windowMs, containers: pod.containers });
  }
  return out;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture skiff runs on. */
const nsPerJiffy = 10_000_000n;

/**
 * The node's usage as the kubelet's summary reports it: the root cgroup's cumulative CPU and
 * its working set (usage − total_inactive_file) on cgroup v1; without those files (cgroup v2),
 * busy jiffies from /proc/stat and MemTotal − MemAvailable from /proc/meminfo. `root` prefixes
 * every path (tests point it at a fake tree).
 */
export async function readNodeUsage(root = '/'): Promise<NodeUsagePoint> {
  const cg = join(root, 'sys/fs/cgroup');
  const [cpuacct, usage, stat] = await Promise.all([
    readText(join(cg, 'cpuacct/cpuacct.usage')),
    readText(join(cg, 'memory/memory.usage_in_bytes')),
    readText(join(cg, 'memory/memory.stat')),
  ]);
  let cpuNs: bigint | undefined;
  if (cpuacct !== undefined && /^\d+\s*$/.test(cpuacct)) cpuNs = BigInt(cpuacct.trim());
  else {
    const procStat = await readText(join(root, 'proc/stat'));
    const line = procStat?.split('\n').find((l) => l.startsWith('cpu '));
    if (!line) throw new Error('no CPU usage: neither cpuacct.usage nor /proc/stat is readable');
    // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait (guest is inside user).
    const f = line.trim().split(/\s+/).slice(1, 9).map((x) => BigInt(x));
    cpuNs = (f[0] + f[1] + f[2] + (f[5] ?? 0n) + (f[6] ?? 0n) + (f[7] ?? 0n)) * nsPerJiffy;
  }
  let memoryBytes: number | undefined;
  if (usage !== undefined && /^\d+\s*$/.test(usage)) {
    const inactive = /^total_inactive_file (\d+)$/m.exec(stat ?? '');
    memoryBytes = Math.max(0, Number(usage.trim()) - (inactive ? Number(inactive[1]) : 0));
  } else {
    const meminfo = (await readText(join(root, 'proc/meminfo'))) ?? '';
    const kb = (key: string): number | undefined => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(meminfo);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    const total = kb('MemTotal');
    const available = kb('MemAvailable');
    if (total === undefined || available === undefined) throw new Error('no memory usage: neither memory.usage_in_bytes nor /proc/meminfo is readable');
    memoryBytes = Math.max(0, total - available);
  }
  return { cpuNs, memoryBytes };
}

export interface RunningMetricsProvider extends MetricsProvider {
  stop(): void;
}

/**
 * Samples the containerd node now and every 10 s. The first rates (and so the first answers
 * of the metrics API) come one period after start, as with metrics-server.
 */
export function startMetricsProvider(runtime: CriRuntime, nodeName: string, opts: { intervalMs?: number; log?: (msg: string) => void } = {}): RunningMetricsProvider {
  const sampler = new MetricsSampler({ cri: runtime.cri, nodeName, readNode: () => readNodeUsage(), log: opts.log });
  let running: Promise<void> | undefined;
  const tick = (): void => {
    // A CRI call slower than the period must not pile up readings.
    if (running) return;
    running = sampler.sample().finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? metricsIntervalMs);
  timer.unref();
  return {
    nodeMetrics: () => sampler.nodeMetrics(),
    podMetrics: () => sampler.podMetrics(),
    stop: () => clearInterval(timer),
  };
}

/**
 * A provider for ApiDeps built before the node exists: asks whatever `current()` returns at
 * request time, and lists nothing until then (simulated nodes only, or containerd starting).
 */
export function deferredMetrics(current: () => MetricsProvider | undefined): MetricsProvider {
  return {
    nodeMetrics: async () => (await current()?.nodeMetrics()) ?? [],
    podMetrics: async () => (await current()?.podMetrics()) ?? [],
  };
}
