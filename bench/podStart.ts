// Pod start-up on the real containerd node (`--only pods`, root only): create → Running as a
// watch sees it, for 20 pods one after another, beside the raw CRI floor measured on the same
// containerd in the same run (RunPodSandbox + CreateContainer + StartContainer of the same image
// by a bare client, CNI included), and the server's memory with those 20 pods running compared
// to the same server without a node.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CriClient } from '../src/agent/cri/index.js';
import type { ContainerConfig, PodSandboxConfig } from '../src/agent/cri/api.js';
import { missingHostDependencies } from '../src/agent/hostDependencies.js';
import { importImageArchive } from '../src/agent/images/importImage.js';
import { writeImageArchive } from '../src/agent/images/ociImage.js';
import { repoRoot } from '../test/support/cluster.js';
import { benchClient, percentile } from './client.js';
import { rssMb, startBenchServer } from './server.js';

type Results = Record<string, number>;
const pods = 20;
const image = 'docker.io/library/busybox:bench';
const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

export function podStartSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  const missing = missingHostDependencies();
  return missing.length ? `missing ${missing.map((m) => m.dep.what).join(', ')}` : undefined;
}

/** The floor: a bare CRI client starting one pod's sandbox and container, no API, no agent. */
async function criFloor(socket: string, logDir: string, n: number): Promise<number[]> {
  const cri = new CriClient(socket);
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const sandbox: PodSandboxConfig = {
        metadata: { name: `floor-${i}`, uid: `floor-uid-${i}-${process.pid}`, namespace: 'bench', attempt: 0 },
        hostname: `floor-${i}`,
        log_directory: join(logDir, `floor-${i}`),
        linux: { cgroup_parent: '', security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
      } as PodSandboxConfig;
      const container = { metadata: { name: 'c', attempt: 0 }, image: { image }, command: ['sleep', '3600'], log_path: 'c/0.log' } as unknown as ContainerConfig;
      const t0 = performance.now();
      const sb = await cri.runPodSandbox(sandbox);
      const id = await cri.createContainer(sb, container, sandbox);
      await cri.startContainer(id);
      times.push(performance.now() - t0);
      await cri.stopPodSandbox(sb);
      await cri.removePodSandbox(sb);
    }
  } finally {
    cri.close();
  }
  return times;
}

export async function benchPodStart(dir: string, res: Results, say: (m: string) => void): Promise<void> {
  const skip = podStartSkipReason();
  if (skip) {
    say(`pod start-up: skipped (${skip})`);
    return;
  }
  const dataDir = join(dir, 'pods');
  mkdirSync(dataDir, { recursive: true });
  // Control plane without a node: the memory baseline for the agent's share.
  const plain = await startBenchServer(join(dir, 'pods-plain'), ['--runtime', 'containerd', '--disable-agent']);
  await new Promise((r) => setTimeout(r, 1500));
  const rssPlain = rssMb(plain.pid);
  await plain.stop();

  const server = await startBenchServer(dataDir, ['--runtime', 'containerd']);
  const c = benchClient(server.url, dataDir);
  try {
    const socket = join(dataDir, 'containerd', 'containerd.sock');
    const archive = join(dir, 'bench-image.tar');
    writeImageArchive(archive, { name: image, busybox: true, config: { Cmd: ['sh'] } });
    await importImageArchive(socket, archive);
    // Wait for the node, then warm both paths once (first sandbox creates the bridge).
    for (let i = 0; i < 300; i++) {
      const r = await c.req('GET', '/api/v1/nodes');
      if (/"type":"Ready","status":"True"/.test(r.body)) break;
      await new Promise((r2) => setTimeout(r2, 200));
    }
    await criFloor(socket, join(dataDir, 'floor-logs'), 1);
    const floor = (await criFloor(socket, join(dataDir, 'floor-logs'), pods)).sort((a, b) => a - b);

    const created = new Map<string, number>();
    const latencies: number[] = [];
    let waiting: { name: string; done: () => void } | undefined;
    const stop = await c.watch('/api/v1/namespaces/default/pods?watch=true', (line) => {
      const ev = JSON.parse(line) as { object: { metadata: { name: string }; status?: { phase?: string } } };
      const name = ev.object.metadata.name;
      const t = created.get(name);
      if (t !== undefined && ev.object.status?.phase === 'Running') {
        latencies.push(performance.now() - t);
        created.delete(name);
        if (waiting?.name === name) waiting.done();
      }
    });
    const podManifest = (name: string): Record<string, unknown> => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
    });
    // One warm-up pod, not counted.
    for (let i = 0; i <= pods; i++) {
      const name = i === 0 ? 'warm' : `start-${i}`;
      const running = new Promise<void>((resolve) => (waiting = { name, done: resolve }));
      created.set(name, performance.now());
      const r = await c.req('POST', '/api/v1/namespaces/default/pods', podManifest(name));
      if (r.status !== 201) throw new Error(`pod ${name}: ${r.status} ${r.body}`);
      await Promise.race([running, new Promise((r2) => setTimeout(r2, 60_000))]);
      if (i === 0) latencies.length = 0;
    }
    stop();
    latencies.sort((a, b) => a - b);
    await new Promise((r) => setTimeout(r, 3000));
    res.cri_floor_p50_ms = round(percentile(floor, 50));
    res.cri_floor_p99_ms = round(percentile(floor, 99));
    res.pod_start_p50_ms = round(percentile(latencies, 50));
    res.pod_start_p99_ms = round(percentile(latencies, 99));
    res.pod_start_ratio_floor = round(res.pod_start_p50_ms / res.cri_floor_p50_ms, 2);
    res.rss_20_pods_mb = round(rssMb(server.pid));
    res.agent_rss_20_pods_mb = round(res.rss_20_pods_mb - rssPlain);
    say(`raw CRI floor (sandbox+create+start, ${pods} serial): p50 ${res.cri_floor_p50_ms} ms, p99 ${res.cri_floor_p99_ms} ms`);
    say(`pod start (create → Running seen by a watch, ${latencies.length} pods one by one): p50 ${res.pod_start_p50_ms} ms, p99 ${res.pod_start_p99_ms} ms, p50 / floor ${res.pod_start_ratio_floor}`);
    say(`server RSS with ${pods} pods running: ${res.rss_20_pods_mb} MB (${res.agent_rss_20_pods_mb} MB above the same server without a node)`);
    await c.req('DELETE', '/api/v1/namespaces/default/pods');
  } finally {
    c.agent.destroy();
    await server.stop();
    execFileSync(process.execPath, [join(repoRoot(), 'bin', 'skiff.js'), 'killall', '--data-dir', dataDir], { stdio: 'ignore' });
  }
}
