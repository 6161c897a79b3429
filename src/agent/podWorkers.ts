// The pod workers (kubelet pod_workers.go + status manager): one record per pod UID bound
// to a served node, synced through a WorkQueue so each pod is handled by one worker at a
// time (never concurrently with itself) while different pods proceed in parallel. One
// PodWorkers serves any number of nodes (a real agent has one; simulated nodes share one).
//
// A sync: observe the runtime → report the status the kubelet would (pods/status, merge
// patch carrying metadata.uid, skipped when unchanged) → act (start, restart, back off) →
// sync again at once if anything changed, or when a back-off or probe delay ends.
// Lifecycle, as upstream:
//   - a pod with deletionTimestamp has its containers stopped within its grace period
//     (deletionGracePeriodSeconds; at least 2 s per container), its sandbox stopped (IP
//     released), then a terminal phase (Succeeded/Failed) is reported and the kubelet's
//     final delete is sent: gracePeriodSeconds 0 with a UID precondition;
//   - a pod reaching Succeeded/Failed by itself has its sandbox stopped and is left alone;
//   - a pod already terminal when first seen is left alone (the final delete if deleting);
//   - a pod gone from the API (force-deleted, or after the final delete) is stopped and
//     removed from the runtime.
// Runtime events (a container exiting), probe results changing and the informer's pod
// changes enqueue the pod.
import { realClock, type Clock } from '../client/clock.js';
import { runController } from '../client/controllerLoop.js';
import { isConflict, isNotFound } from '../client/errors.js';
import type { Client } from '../client/types.js';
import { WorkQueue } from '../client/workqueue.js';
import type { GroupVersionResource, KubeObject } from '../machinery/types.js';
import { rec as asRec, str } from '../resources/shared/access.js';
import { CrashLoopBackoff } from './backoff.js';
import { sameJson } from './json.js';
import { containerRecord, type NodeHandle, type PodRecord } from './podRecord.js';
import { buildPodStatus } from './podStatus.js';
import { deletionGraceSeconds, killPod, observationOf, observeContainers, removePod, startPod } from './podSync.js';
import type { ContainerInfo, SandboxInfo } from './runtime.js';

export const podsGVR: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };

export interface PodWorkersOptions {
  client: Client;
  clock?: Clock;
  /** Pods synced concurrently (default 32). */
  workers?: number;
  /** For runtimes without events: how often pods with live containers are re-checked (default 1 s, the generic PLEG's relist). */
  relistPeriodMs?: number;
  /** Report a new pod as Pending/ContainerCreating before starting it (default true; one write less per pod when false). */
  reportContainerCreating?: boolean;
  /** Field manager of status writes (default `kubelet`). */
  fieldManager?: string;
  /** Crash-loop back-off (default 10 s doubling to 5 min). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Told about failed syncs (retried with back-off); default: a line on stderr. */
  onError?: (podKey: string, err: unknown) => void;
}

interface Adoptable {
  /** The node whose runtime reported it. */
  node: NodeHandle;
  sandbox: SandboxInfo;
  containers: ContainerInfo[];
}

const isTerminalPhase = (p: unknown): boolean => p === 'Succeeded' || p === 'Failed';
const phaseOf = (pod: KubeObject): unknown => asRec(pod.status)?.phase;

/** True when resourceVersion `a` is older than `b` (both etcd-style integers). */
function olderRV(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

export class PodWorkers {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly opts: PodWorkersOptions;
  private readonly queue: WorkQueue<string>;
  private readonly backoff: CrashLoopBackoff;
  private readonly nodes = new Map<string, NodeHandle>();
  private readonly unsubscribe = new Map<string, () => void>();
  private readonly records = new Map<string, PodRecord>();
  private readonly uidByKey = new Map<string, string>();
  private readonly adoptable = new Map<string, Adoptable>();

  constructor(opts: PodWorkersOptions) {
    this.opts = opts;
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.queue = new WorkQueue<string>({ clock: this.clock });
    this.backoff = new CrashLoopBackoff(opts.backoffInitialMs, opts.backoffMaxMs);
  }

  /** Starts serving a node: learns what its runtime already runs, so it can be adopted. */
  async addNode(node: NodeHandle): Promise<void> {
    this.nodes.set(node.name, node);
    const [sandboxes, containers] = await Promise.all([node.runtime.listPodSandboxes(), node.runtime.listContainers()]);
    for (const sb of sandboxes) this.adoptable.set(sb.podUid, { node, sandbox: sb, containers: containers.filter((c) => c.sandboxId === sb.id) });
    const unsub = node.runtime.subscribe?.((ev) => {
      if (ev.type !== 'stopped' && ev.type !== 'deleted') return;
      const r = this.records.get(ev.podUid);
      if (r && !r.node.paused) this.queue.add(ev.podUid);
    });
    if (unsub) this.unsubscribe.set(node.name, unsub);
    // A prober running real probes has a pod synced again when a result changes.
    node.prober.attach?.({
      resync: (uid) => {
        const r = this.records.get(uid);
        if (r && !r.node.paused) this.queue.add(uid);
      },
      recordEvent: (pod, type, reason, message) => node.recordEvent?.(pod, type, reason, message),
    });
  }

  node(name: string): NodeHandle | undefined {
    return this.nodes.get(name);
  }

  /** Pauses or resumes a node (a simulated partition); resuming syncs all its pods. */
  setPaused(name: string, paused: boolean): void {
    const n = this.nodes.get(name);
    if (!n || n.paused === paused) return;
    n.paused = paused;
    if (!paused) for (const r of this.records.values()) if (r.node === n) this.queue.add(r.uid);
  }

  /** Pods (UIDs) known on a node, or on all nodes. */
  podUids(nodeName?: string): string[] {
    return [...this.records.values()].filter((r) => !nodeName || r.node.name === nodeName).map((r) => r.uid);
  }

  /** An informer saw the pod added or changed. */
  podChanged(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const prevUid = this.uidByKey.get(key);
    if (prevUid && prevUid !== uid) this.forgetFromApi(prevUid);
    const existing = this.records.get(uid);
    if (existing) {
      existing.pod = pod;
      existing.lastPod = pod;
      this.uidByKey.set(key, uid);
      this.queue.add(uid);
      return;
    }
    const node = this.nodes.get(str(asRec(pod.spec)?.nodeName) ?? '');
    if (!node || !uid) return;
    const r: PodRecord = { uid, key, node, pod, lastPod: pod, lifecycle: 'active', sandboxReady: false, containers: new Map(), killDone: false, finalDeleteSent: false };
    this.adopt(r);
    this.records.set(uid, r);
    this.uidByKey.set(key, uid);
    this.queue.add(uid);
  }

  /** An informer saw the pod leave the API. */
  podRemoved(pod: KubeObject): void {
    this.forgetFromApi(pod.metadata.uid ?? '');
  }

  private forgetFromApi(uid: string): void {
    const r = this.records.get(uid);
    if (!r) return;
    r.pod = undefined;
    if (this.uidByKey.get(r.key) === uid) this.uidByKey.delete(r.key);
    this.queue.add(uid);
  }

  /** Re-attaches a sandbox and containers left by an earlier agent (after a restart). */
  private adopt(r: PodRecord): void {
    const a = this.adoptable.get(r.uid);
    if (!a || a.sandbox.podUid !== r.uid) return;
    this.adoptable.delete(r.uid);
    r.sandboxId = a.sandbox.id;
    r.sandboxReady = a.sandbox.state === 'ready';
    if (a.sandbox.podIP) r.podIP = a.sandbox.podIP;
    const byName = new Map<string, ContainerInfo[]>();
    for (const c of a.containers) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    for (const [name, list] of byName) {
      list.sort((x, y) => y.attempt - x.attempt || y.createdAt - x.createdAt);
      const cr = containerRecord(r, name);
      cr.id = list[0].id;
      cr.attempt = list[0].attempt;
      if (list[1]) cr.previousId = list[1].id;
    }
  }

  /** Once every served node's pods are known: stops and removes sandboxes no pod owns. */
  async removeOrphans(): Promise<void> {
    const orphans = [...this.adoptable.entries()];
    this.adoptable.clear();
    // One listing per node that has orphans (not one per orphan): only sandboxes still there are removed.
    const present = new Map<NodeHandle, Set<string>>();
    for (const [, a] of orphans) {
      const { node } = a;
      let ids = present.get(node);
      if (!ids) present.set(node, (ids = new Set((await node.runtime.listPodSandboxes()).map((s) => s.id))));
      if (!ids.has(a.sandbox.id)) continue;
      for (const c of a.containers) await node.runtime.stopContainer(c.id, 0);
      await node.runtime.removePodSandbox(a.sandbox.id);
    }
  }

  /** Runs the workers until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => {
      for (const u of this.unsubscribe.values()) u();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    await runController({
      name: 'pod-workers',
      queue: this.queue,
      workers: this.opts.workers ?? 32,
      signal,
      reconcile: async (uid) => {
        try {
          return await this.sync(uid);
        } catch (e) {
          // A stale copy (someone else wrote the pod): retry once the cache has caught up.
          if (isConflict(e)) return { requeue: true };
          throw e;
        }
      },
      onError: (uid, err) => {
        const key = this.records.get(uid)?.key ?? uid;
        if (this.opts.onError) this.opts.onError(key, err);
        else process.stderr.write(`pod workers: sync of pod "${key}" failed, will retry: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    });
  }

  private async sync(uid: string): Promise<{ requeueAfterMs?: number } | undefined> {
    const r = this.records.get(uid);
    if (!r || r.node.paused) return undefined;
    const pod = r.pod;
    if (!pod) {
      // Gone from the API: stop whatever still runs, then remove it all.
      if (r.lifecycle === 'active' || r.lifecycle === 'terminating') await killPod(r, deletionGraceSeconds(r.lastPod));
      await removePod(r);
      this.backoff.forgetPrefix(`${uid}/`);
      this.records.delete(uid);
      return undefined;
    }
    if (r.lifecycle === 'finished') return undefined;
    const now = this.clock.now();

    if (r.lifecycle === 'active' && isTerminalPhase(phaseOf(pod)) && !r.sandboxId && r.containers.size === 0) {
      // Terminal before this agent ever ran it: left alone.
      r.lifecycle = 'terminated';
    }
    if (pod.metadata.deletionTimestamp && r.lifecycle === 'active') r.lifecycle = 'terminating';
    if (r.lifecycle === 'terminating') this.ensureKilling(r, pod);

    await observeContainers(r);
    // Killed pods report a terminal phase whatever their restartPolicy (getPhase podIsTerminal).
    // (Read once: the kill runs concurrently and may finish while this sync is under way.)
    const killed = r.killDone;
    const terminalForPhase = (r.lifecycle === 'terminating' && killed) || r.lifecycle === 'terminated';
    const { obs, recheckInMs } = observationOf(r, pod, now, terminalForPhase);
    // Our own last write may be newer than the cache: build on the newest copy we know, so
    // transition times carry over instead of being re-stamped.
    const mine = r.lastWrittenPod;
    const latest = mine && olderRV(pod.metadata.resourceVersion, mine.metadata.resourceVersion) ? mine : pod;
    const status = buildPodStatus(latest, obs, now);
    // The first report of a pod about to be started shows it ContainerCreating, as the
    // kubelet's does; at scale (simulated nodes) that write can be skipped.
    const startingFresh = r.lifecycle === 'active' && !r.sandboxId && r.containers.size === 0;
    const skip = (startingFresh && this.opts.reportContainerCreating === false) || (!r.sandboxId && r.containers.size === 0 && isTerminalPhase(phaseOf(pod)));
    if (!skip) await this.writeStatus(r, latest, status);

    if (r.lifecycle === 'terminating') {
      if (!killed) return undefined; // the kill re-enqueues the pod when done
      r.lifecycle = 'terminated';
    }
    if (r.lifecycle === 'terminated') {
      if (pod.metadata.deletionTimestamp && !r.finalDeleteSent) await this.finalDelete(r, pod);
      return undefined;
    }

    // active
    if (isTerminalPhase(status.phase)) {
      await killPod(r, 0);
      r.lifecycle = 'terminated';
      this.queue.add(uid); // report PodReadyToStartContainers=False
      return undefined;
    }
    const step = await startPod(r, pod, this.backoff, now);
    if (step.acted) this.queue.add(uid);
    let wake = step.wakeInMs;
    if (recheckInMs !== undefined) wake = wake === undefined ? recheckInMs : Math.min(wake, recheckInMs);
    if (!r.node.runtime.subscribe && [...r.containers.values()].some((c) => c.status?.state === 'running')) {
      const relist = this.opts.relistPeriodMs ?? 1000;
      wake = wake === undefined ? relist : Math.min(wake, relist);
    }
    return wake !== undefined ? { requeueAfterMs: Math.max(1, wake) } : undefined;
  }

  /** Starts (or, for a shortened grace period, restarts) stopping the pod in the background. */
  private ensureKilling(r: PodRecord, pod: KubeObject): void {
    const grace = deletionGraceSeconds(pod);
    if (r.killing && r.killGrace !== undefined && grace >= r.killGrace) return;
    r.killGrace = grace;
    const run = killPod(r, grace).then(
      () => {
        if (r.killing !== run) return;
        r.killDone = true;
        this.queue.add(r.uid);
      },
      (err: unknown) => {
        if (r.killing !== run) return;
        r.killing = undefined;
        r.killGrace = undefined;
        this.opts.onError?.(r.key, err);
        this.queue.addRateLimited(r.uid);
      },
    );
    r.killing = run;
  }

  /**
   * PUT pods/status with the new status over `base` (the newest copy of the pod we know).
   * A PUT rather than a merge patch keeps `lastProbeTime: null` and friends, which a merge
   * patch would delete.
   */
  private async writeStatus(r: PodRecord, base: KubeObject, status: Record<string, unknown>): Promise<void> {
    const current = asRec(base.status) ?? {};
    const subset: Record<string, unknown> = {};
    for (const k of Object.keys(status)) subset[k] = current[k];
    if (sameJson(subset, status)) return;
    const body: KubeObject = { ...base, metadata: { ...base.metadata, uid: r.uid }, status: { ...current, ...status } };
    r.lastWrittenPod = await this.client.update(podsGVR, body, {
      subresource: 'status',
      namespace: base.metadata.namespace,
      fieldManager: this.opts.fieldManager ?? 'kubelet',
    });
  }

  /** The kubelet's last word on a pod: delete it with no grace, for this UID only. */
  private async finalDelete(r: PodRecord, pod: KubeObject): Promise<void> {
    try {
      await this.client.delete(podsGVR, pod.metadata.name ?? '', { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: r.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
    r.finalDeleteSent = true;
    r.lifecycle = 'finished';
  }
}
