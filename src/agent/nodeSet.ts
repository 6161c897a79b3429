// Runs a set of nodes in one process: registration, Lease heartbeats and node status on
// spread timers (./ticker.ts), and one PodWorkers fed by one pod informer and one node
// informer shared by every node — so N simulated nodes cost two watches, not 2·N. A real
// agent is the same thing with one node and informers narrowed to it by field selectors.
import { realClock, sleep, type Clock } from '../client/clock.js';
import { EventRecorder } from '../client/eventRecorder.js';
import { SharedInformer, stripManagedFields } from '../client/informer.js';
import type { Client } from '../client/types.js';
import type { KubeObject } from '../machinery/types.js';
import { NodeLease } from './lease.js';
import { type NodeConfig, nodesGVR, NodeStatusReporter, registerNode, runtimeFacts } from './node.js';
import type { NodeHandle } from './podRecord.js';
import type { Prober } from './prober.js';
import { podsGVR, PodWorkers } from './podWorkers.js';
import type { Runtime } from './runtime.js';
import { SpreadTicker } from './ticker.js';

export interface NodeTiming {
  /** Lease duration (default 40 s). */
  leaseDurationSeconds?: number;
  /** Lease renewal period (default 10 s: a quarter of the duration, as upstream). */
  leaseRenewIntervalMs?: number;
  /** How often node status is recomputed (default 10 s). */
  nodeStatusUpdateFrequencyMs?: number;
  /** How often an unchanged node status is posted anyway (default 5 min). */
  nodeStatusReportFrequencyMs?: number;
  /** Concurrent pod syncs (default 32). */
  podWorkers?: number;
  /** Relist period for runtimes without events (default 1 s). */
  relistPeriodMs?: number;
  /** Crash-loop back-off (default 10 s doubling to 5 min). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Report a new pod as Pending/ContainerCreating before starting it (default true). */
  reportContainerCreating?: boolean;
}

export interface NodeSpec {
  cfg: NodeConfig;
  runtime: Runtime;
  prober: Prober;
}

export interface NodeSetParams extends NodeTiming {
  client: Client;
  clock?: Clock;
  nodes: NodeSpec[];
  /** Narrows the shared pod watch (`spec.nodeName=<node>` for one node). */
  podFieldSelector: string;
  /** Narrows the shared node watch (`metadata.name=<node>` for one node). */
  nodeFieldSelector?: string;
  /** Concurrent registrations (default 64). */
  registrationConcurrency?: number;
  /** Record the kubelet's pod Events (Pulled, Created, Started, Killing, BackOff, …). */
  recordEvents?: boolean;
  onError?: (what: string, err: unknown) => void;
}

interface NodeState {
  spec: NodeSpec;
  handle?: NodeHandle;
  lease: NodeLease;
  reporter?: NodeStatusReporter;
  uid?: string;
  connected: boolean;
}

export interface NodeSet {
  /** Resolves once every node is registered and has a Lease. */
  registered: Promise<void>;
  podWorkers: PodWorkers;
  /** Stops (false) or resumes (true) a node's heartbeats, status posts and pod syncs. */
  setConnected(name: string, connected: boolean): void;
  stop(): Promise<void>;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs `fn` over `items` with at most `limit` in flight. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < items.length) await fn(items[i++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function startNodeSet(p: NodeSetParams): NodeSet {
  const clock = p.clock ?? realClock;
  const controller = new AbortController();
  const signal = controller.signal;
  const report = p.onError ?? ((what: string, err: unknown) => process.stderr.write(`agent: ${what}: ${errText(err)}\n`));
  const leaseDuration = p.leaseDurationSeconds ?? 40;
  const states = new Map<string, NodeState>();
  for (const spec of p.nodes) states.set(spec.cfg.name, { spec, lease: new NodeLease(p.client, spec.cfg.name, leaseDuration), connected: true });

  const podWorkers = new PodWorkers({
    client: p.client,
    clock,
    workers: p.podWorkers,
    relistPeriodMs: p.relistPeriodMs,
    backoffInitialMs: p.backoffInitialMs,
    backoffMaxMs: p.backoffMaxMs,
    reportContainerCreating: p.reportContainerCreating,
    onError: (key, err) => report(`sync of pod "${key}" failed (will retry)`, err),
  });
  const nodeInformer = new SharedInformer(p.client, nodesGVR, { clock, transform: stripManagedFields, fieldSelector: p.nodeFieldSelector, onError: (e, phase) => report(`node ${phase}`, e) });
  const podInformer = new SharedInformer(p.client, podsGVR, { clock, transform: stripManagedFields, fieldSelector: p.podFieldSelector, onError: (e, phase) => report(`pod ${phase}`, e) });
  podInformer.addEventHandler({
    onAdd: (pod) => podWorkers.podChanged(pod),
    onUpdate: (_old, pod) => podWorkers.podChanged(pod),
    onDelete: (pod) => podWorkers.podRemoved(pod),
  });

  const renew = async (s: NodeState): Promise<void> => {
    try {
      await s.lease.renew(clock.now(), s.uid);
    } catch (e) {
      report(`renewing the Lease of node "${s.spec.cfg.name}"`, e);
    }
  };
  const postStatus = async (s: NodeState, force: boolean): Promise<void> => {
    if (!s.reporter) return;
    try {
      await s.reporter.tick(clock.now(), nodeInformer.get(s.spec.cfg.name) as KubeObject | undefined, force);
    } catch (e) {
      report(`updating the status of node "${s.spec.cfg.name}"`, e);
    }
  };
  const leaseTicker = new SpreadTicker<NodeState>(clock, p.leaseRenewIntervalMs ?? Math.round((leaseDuration * 1000) / 4), async (members) => {
    await Promise.all(members.filter((s) => s.connected).map(renew));
  }, Math.min(100, p.nodes.length));
  const statusTicker = new SpreadTicker<NodeState>(clock, p.nodeStatusUpdateFrequencyMs ?? 10_000, async (members) => {
    await Promise.all(members.filter((s) => s.connected).map((s) => postStatus(s, false)));
  }, Math.min(100, p.nodes.length));

  const register = async (s: NodeState): Promise<void> => {
    let delay = 800;
    while (!signal.aborted) {
      try {
        const facts = await runtimeFacts(s.spec.runtime);
        const now = clock.now();
        const node = await registerNode(p.client, s.spec.cfg, facts, now);
        s.uid = node.metadata.uid;
        s.reporter = new NodeStatusReporter(p.client, s.spec.cfg, s.spec.runtime, p.nodeStatusReportFrequencyMs ?? 300_000, now);
        await s.lease.renew(clock.now(), s.uid);
        leaseTicker.add(s);
        statusTicker.add(s);
        return;
      } catch (e) {
        if (signal.aborted) return;
        report(`registering node "${s.spec.cfg.name}" (retrying in ${delay} ms)`, e);
        await sleep(clock, delay, signal);
        delay = Math.min(delay * 2, 7000);
      }
    }
  };

  const running: Promise<unknown>[] = [];
  const registered = (async () => {
    // Pod workers know every node before the first pod arrives, so none is dropped.
    for (const s of states.values()) {
      const v = await s.spec.runtime.version().catch(() => ({ runtimeName: 'unknown', runtimeVersion: '' }));
      s.handle = { name: s.spec.cfg.name, runtime: s.spec.runtime, prober: s.spec.prober, hostIP: s.spec.cfg.internalIP, runtimeName: v.runtimeName, paused: !s.connected };
      if (p.recordEvents) {
        const recorder = new EventRecorder(p.client, 'kubelet', s.spec.cfg.name);
        s.handle.recordEvent = (pod, type, reason, message) => {
          const m = pod.metadata;
          // Best effort, never awaited: an Event must not slow or fail a pod sync.
          void recorder.record({ type, reason, message, involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: m.namespace ?? '', name: m.name ?? '', uid: m.uid ?? '' } }, clock.now());
        };
      }
      await podWorkers.addNode(s.handle);
    }
    if (signal.aborted) return;
    running.push(nodeInformer.start(signal), podInformer.start(signal), podWorkers.run(signal));
    leaseTicker.start();
    statusTicker.start();
    void podInformer.waitForSync(signal).then((ok) => (ok ? podWorkers.removeOrphans().catch((e: unknown) => report('removing orphaned pod sandboxes', e)) : undefined));
    await eachLimited([...states.values()], p.registrationConcurrency ?? 64, register);
  })();

  return {
    registered,
    podWorkers,
    setConnected(name: string, connected: boolean): void {
      const s = states.get(name);
      if (!s || s.connected === connected) return;
      s.connected = connected;
      podWorkers.setPaused(name, !connected);
      if (connected) {
        // Back from a partition: heartbeat and report at once, as a restarted kubelet does.
        void renew(s);
        void postStatus(s, true);
      }
    },
    async stop(): Promise<void> {
      controller.abort();
      leaseTicker.stop();
      statusTicker.stop();
      await registered.catch(() => undefined);
      await Promise.all(running);
    },
  };
}
