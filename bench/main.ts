// `npm run bench [-- --json] [-- --only api,list,watch,sched,pods]`: skiff's API server measured
// against raw baselines taken in the same run (ratios, never absolute pass/fail).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { benchClient, percentile, type BenchClient } from './client.js';
import { benchPodStart } from './podStart.js';
import { rssMb, startBenchServer, type BenchServer } from './server.js';

type Results = Record<string, number>;
const args = process.argv.slice(2);
const json = args.includes('--json');
/** `--name value` or `--name=value`. */
const option = (name: string): string | undefined => {
  const a = args.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return undefined;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[args.indexOf(a) + 1];
};
const only = option('only')?.split(',');
const want = (g: string): boolean => !only || only.includes(g);
// `--cpu-prof DIR`: the server under test writes a V8 CPU profile there when it stops.
const cpuProfDir = option('cpu-prof');
// `--node-args "--trace-gc …"`: extra Node.js flags for the server under test.
const serverNodeArgs = option('node-args');
const schedNodes = Number(option('nodes') ?? 5000);
const schedPods = Number(option('pods') ?? 10000);
const say = (msg: string): void => {
  if (!json) process.stdout.write(`${msg}\n`);
  else process.stderr.write(`${msg}\n`);
};
const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const payload = (i: number): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, labels: { app: 'bench', shard: String(i % 10) } },
  data: { 'game.properties': 'enemy.types=aliens,monsters\nplayer.maximum-lives=5\n'.repeat(4), index: String(i) },
});

function rawSqliteInsertRate(dir: string, n: number): number {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY, key TEXT UNIQUE, value TEXT)');
  const ins = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ins.run(`/registry/core/configmaps/bench/cm-${i}`, JSON.stringify(payload(i)));
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

function startServer(dataDir: string, extraArgs: string[] = ['--disable-controller-manager']): Promise<BenchServer> {
  const nodeArgs = [...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []), ...(serverNodeArgs?.split(' ').filter(Boolean) ?? [])];
  return startBenchServer(dataDir, ['--runtime', 'sim', '--disable-agent', ...extraArgs], nodeArgs);
}

async function parallel(total: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await fn(next++);
  }));
}

async function createNamespace(c: BenchClient, name: string): Promise<void> {
  const r = await c.req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (r.status !== 201) throw new Error(`namespace ${name}: ${r.status} ${r.body}`);
}

async function benchApi(c: BenchClient, res: Results): Promise<void> {
  await createNamespace(c, 'bench-api');
  const n = 6000;
  const lat: number[] = [];
  const t0 = performance.now();
  await parallel(n, 16, async (i) => {
    const s = performance.now();
    const r = await c.req('POST', '/api/v1/namespaces/bench-api/configmaps', payload(i));
    if (r.status !== 201) throw new Error(`create: ${r.status} ${r.body}`);
    lat.push(performance.now() - s);
  });
  res.api_create_per_s = round(n / ((performance.now() - t0) / 1000));
  lat.sort((a, b) => a - b);
  res.api_create_p50_ms = round(percentile(lat, 50), 2);
  res.api_create_p99_ms = round(percentile(lat, 99), 2);
  say(`API create: ${res.api_create_per_s} objects/s with 16 concurrent HTTPS clients, p50 ${res.api_create_p50_ms} ms, p99 ${res.api_create_p99_ms} ms`);

  // Open-loop load at 1,000 writes/s for 5 s: latency when the server is not saturated.
  const rate = 1000;
  const seconds = 5;
  const paced: number[] = [];
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push((async () => {
      const s = performance.now();
      const r = await c.req('PUT', `/api/v1/namespaces/bench-api/configmaps/cm-${i % n}`, { ...payload(i % n), data: { v: String(i) } });
      if (r.status !== 200) throw new Error(`update: ${r.status} ${r.body}`);
      paced.push(performance.now() - s);
    })());
  }
  await Promise.all(pending);
  paced.sort((a, b) => a - b);
  res.api_write_p50_ms = round(percentile(paced, 50), 2);
  res.api_write_p99_ms = round(percentile(paced, 99), 2);
  say(`API writes at ${rate}/s: p50 ${res.api_write_p50_ms} ms, p99 ${res.api_write_p99_ms} ms`);
}

async function benchList(c: BenchClient, res: Results): Promise<void> {
  await createNamespace(c, 'bench-list');
  const n = 10000;
  await parallel(n, 16, async (i) => {
    const r = await c.req('POST', '/api/v1/namespaces/bench-list/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, labels: { app: 'bench', shard: String(i % 10) } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] }] },
    });
    if (r.status !== 201) throw new Error(`pod: ${r.status} ${r.body}`);
  });
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    const r = await c.req('GET', '/api/v1/namespaces/bench-list/pods');
    if (r.status !== 200 || (JSON.parse(r.body) as { items: unknown[] }).items.length !== n) throw new Error('list failed');
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  res.list_10k_pods_ms = round(percentile(times, 50));
  say(`list of 10,000 pods: ${res.list_10k_pods_ms} ms (median of 5)`);
}

async function benchWatch(url: string, dataDir: string, c: BenchClient, res: Results): Promise<void> {
  await createNamespace(c, 'bench-watch');
  const watchers = 1000;
  const wc = benchClient(url, dataDir, watchers + 10);
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  let ready = 0;
  const closers = await Promise.all(Array.from({ length: watchers }, () => wc.watch('/api/v1/namespaces/bench-watch/configmaps?watch=true', (line) => {
    const ev = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
    const t = sentAt.get(ev.object.metadata.name);
    if (ev.type === 'ADDED' && t !== undefined) delays.push(performance.now() - t);
  }).then((close) => {
    ready++;
    return close;
  })));
  const events = 50;
  for (let i = 0; i < events; i++) {
    const name = `w-${i}`;
    sentAt.set(name, performance.now());
    const r = await c.req('POST', '/api/v1/namespaces/bench-watch/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
    if (r.status !== 201) throw new Error(`watch create: ${r.status}`);
    await new Promise((r2) => setTimeout(r2, 20));
  }
  const deadline = Date.now() + 30_000;
  while (delays.length < watchers * events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  closers.forEach((close) => close());
  wc.agent.destroy();
  delays.sort((a, b) => a - b);
  res.watch_watchers = ready;
  res.watch_delivered_ratio = round(delays.length / (watchers * events), 3);
  res.watch_fanout_p50_ms = round(percentile(delays, 50), 2);
  res.watch_fanout_p99_ms = round(percentile(delays, 99), 2);
  say(`watch fan-out to ${ready} watchers: p50 ${res.watch_fanout_p50_ms} ms, p99 ${res.watch_fanout_p99_ms} ms (${delays.length}/${watchers * events} delivered)`);
}

/**
 * Control plane at scale: 5,000 simulated nodes, then a Deployment of 10,000 pods. Times are
 * read from one watch each, so polling never loads the server.
 */
async function benchScheduler(dir: string, res: Results): Promise<void> {
  const nodes = schedNodes;
  const pods = schedPods;
  const dataDir = join(dir, 'sched');
  const t0 = performance.now();
  const server = await startServer(dataDir, ['--sim-nodes', String(nodes)]);
  const c = benchClient(server.url, dataDir);
  try {
    const ready = new Set<string>();
    let nodesReadyAt = 0;
    const stopNodes = await c.watch('/api/v1/nodes?watch=true', (line) => {
      const ev = JSON.parse(line) as { type: string; object: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } } };
      if (ev.object.status?.conditions?.some((k) => k.type === 'Ready' && k.status === 'True')) ready.add(ev.object.metadata.name);
      if (ready.size >= nodes && !nodesReadyAt) nodesReadyAt = performance.now();
    });
    while (!nodesReadyAt) await new Promise((r) => setTimeout(r, 100));
    stopNodes();
    res.sim_nodes_ready_s = round((nodesReadyAt - t0) / 1000, 2);
    res.sim_nodes_ready_cpu_s = round(cpuSeconds(server.pid), 1);
    say(`${nodes} simulated nodes Ready ${res.sim_nodes_ready_s} s after the server process started (server CPU ${res.sim_nodes_ready_cpu_s} s)`);

    // The steady cost of the nodes alone (Lease renewals, status checks, the node controller):
    // server CPU per wall second over 10 s, a rate set by the work, not by the machine's load.
    const idleFrom = { wall: performance.now(), cpu: cpuSeconds(server.pid) };
    await new Promise((r) => setTimeout(r, 10_000));
    res.sim_nodes_idle_cpu_pct = round((100 * (cpuSeconds(server.pid) - idleFrom.cpu)) / ((performance.now() - idleFrom.wall) / 1000));
    say(`${nodes} idle simulated nodes: the server uses ${res.sim_nodes_idle_cpu_pct}% of a CPU`);

    const bound = new Set<string>();
    const running = new Set<string>();
    let firstBind = 0;
    let lastBind = 0;
    let runningAt = 0;
    const stopPods = await c.watch('/api/v1/namespaces/default/pods?watch=true', (line) => {
      const ev = JSON.parse(line) as { type: string; object: { metadata: { name: string }; spec?: { nodeName?: string }; status?: { phase?: string } } };
      const name = ev.object.metadata.name;
      if (ev.object.spec?.nodeName && !bound.has(name)) {
        bound.add(name);
        lastBind = performance.now();
        firstBind ||= lastBind;
      }
      if (ev.object.status?.phase === 'Running') running.add(name);
      if (running.size >= pods && !runningAt) runningAt = performance.now();
    });
    const t1 = performance.now();
    const cpu1 = cpuSeconds(server.pid);
    const r = await c.req('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'scale' },
      spec: { replicas: pods, selector: { matchLabels: { app: 'scale' } }, template: { metadata: { labels: { app: 'scale' } }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1m', memory: '1Mi' } } }] } } },
    });
    if (r.status !== 201) throw new Error(`deployment: ${r.status} ${r.body}`);
    const deadline = Date.now() + 600_000;
    while (!runningAt && Date.now() < deadline) await new Promise((r2) => setTimeout(r2, 200));
    stopPods();
    res.sched_pods_per_s = round(bound.size / ((lastBind - firstBind) / 1000 || 1));
    res.sim_pods_running_s = round(((runningAt || performance.now()) - t1) / 1000, 2);
    // Server CPU time from the Deployment's create to the last pod Running: unlike the wall
    // times above it does not depend on what else the machine is running.
    res.sim_pods_running_cpu_s = round(cpuSeconds(server.pid) - cpu1, 1);
    res.rss_5k_nodes_mb = round(rssMb(server.pid));
    say(`scheduler: ${bound.size} pods bound at ${res.sched_pods_per_s} pods/s (first to last bind, pods created by the ReplicaSet controller as fast as it goes)`);
    say(`Deployment of ${pods} replicas: all Running ${res.sim_pods_running_s} s after the create (${running.size} seen Running; server CPU ${res.sim_pods_running_cpu_s} s)`);
    say(`server RSS with ${nodes} nodes and ${pods} pods: ${res.rss_5k_nodes_mb} MB`);
  } finally {
    c.agent.destroy();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
  const res: Results = {};
  try {
    if (want('api')) {
      res.raw_sqlite_insert_per_s = round(rawSqliteInsertRate(dir, 20000));
      say(`raw SQLite single-row inserts (WAL, synchronous=NORMAL): ${res.raw_sqlite_insert_per_s}/s`);
    }
    if (want('api') || want('list') || want('watch')) await benchApiServer(dir, res);
    if (want('sched')) await benchScheduler(dir, res);
    if (want('pods')) await benchPodStart(dir, res, say);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (json) process.stdout.write(`${JSON.stringify(res)}\n`);
}

/** The API server alone (no controllers): writes, lists, watches and memory. */
async function benchApiServer(dir: string, res: Results): Promise<void> {
  const dataDir = join(dir, 'server');
  const t0 = performance.now();
  const server = await startServer(dataDir);
  res.server_ready_ms = round(performance.now() - t0);
  say(`server ready in ${res.server_ready_ms} ms (process start → ready line)`);
  const c = benchClient(server.url, dataDir);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    res.rss_idle_mb = round(rssMb(server.pid));
    say(`server RSS idle: ${res.rss_idle_mb} MB`);
    if (want('api')) {
      await benchApi(c, res);
      res.api_create_ratio_raw = round(res.api_create_per_s / res.raw_sqlite_insert_per_s, 3);
      say(`API create / raw SQLite insert: ${res.api_create_ratio_raw}`);
    }
    if (want('list')) {
      await benchList(c, res);
      res.rss_10k_objects_mb = round(rssMb(server.pid));
      say(`server RSS with 10,000 pods stored (after listing them): ${res.rss_10k_objects_mb} MB`);
    }
    if (want('watch')) await benchWatch(server.url, dataDir, c, res);
  } finally {
    c.agent.destroy();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
