// The scheduling queue (upstream backend/queue PriorityQueue): activeQ, backoffQ and the
// unschedulable pool, on an injected clock.
//
// Guarantees:
// - One entry per pod (namespace/name): a pod is in exactly one of activeQ, backoffQ, the
//   error backoffQ, the unschedulable pool, the gated pool, or in flight (popped, not yet
//   reported back with done/addUnschedulable/addError).
// - activeQ order: higher spec.priority first, then earlier queue timestamp (PrioritySort).
// - Back-off: after n attempts a pod waits podInitialBackoff·2^(n−1), capped at
//   podMaxBackoff (defaults 1 s and 10 s), counted from when it was re-queued.
// - A pod that failed as unschedulable waits in the unschedulable pool until a cluster event
//   that may help (moveAllToActiveOrBackoff) or until it has waited 5 minutes (checked every
//   30 s, as upstream flushUnschedulablePodsLeftover); it then goes to activeQ, or to
//   backoffQ while its back-off has not expired. If such an event arrived while the pod was
//   being scheduled, it goes straight to backoffQ instead (moveRequestCycle).
// - When activeQ is empty, pop takes the head of backoffQ early (SchedulerPopFromBackoffQ,
//   on by default in 1.33); pods that failed with an error always serve their back-off.
// - Pods with spec.schedulingGates wait in the gated pool until an update removes the gates.
// - Timers exist only while something waits on them; `close` cancels them and releases
//   every `popWait`.
import type { Clock, TimerHandle } from '../client/clock.js';
import { realClock } from '../client/clock.js';
import type { KubeObject } from '../machinery/types.js';
import { KeyedHeap } from './heap.js';
import { num, record, records } from '../machinery/jsonAccess.js';
import { podKeyOf } from './snapshot.js';
import { plugins } from './status.js';

export interface QueuedPodInfo {
  pod: KubeObject;
  readonly key: string;
  /** When the pod was last added or re-queued: orders equal priorities and starts back-off. */
  timestamp: number;
  /** When the pod first entered the queue. */
  readonly initialAttemptTimestamp: number;
  /** Scheduling attempts so far (counted at pop). */
  attempts: number;
  /** Plugins that rejected it in its last attempt (FitError.unschedulablePlugins). */
  unschedulablePlugins: Set<string>;
  /** The scheduling cycle of its last pop. */
  schedulingCycle: number;
}

export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'NamespaceChange'
  | 'VolumeChange'
  | 'UnschedulableTimeout';

// Which rejections an event can cure (the plugins' EventsToRegister, simplified). Pods with
// no recorded plugin move on any event.
const all = 'all' as const;
const eventPlugins: Record<ClusterEvent, ReadonlySet<string> | typeof all> = {
  NodeAdd: all,
  NodeUpdate: all,
  AssignedPodAdd: new Set([plugins.interPodAffinity, plugins.podTopologySpread]),
  AssignedPodUpdate: new Set([plugins.interPodAffinity, plugins.podTopologySpread]),
  AssignedPodDelete: new Set([plugins.nodeResourcesFit, plugins.nodePorts, plugins.interPodAffinity, plugins.podTopologySpread, plugins.volumeBinding]),
  NamespaceChange: new Set([plugins.interPodAffinity]),
  VolumeChange: new Set([plugins.volumeBinding]),
  UnschedulableTimeout: all,
};

export interface SchedulingQueueOptions {
  clock?: Clock;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsDurationMs?: number;
  /** How often the unschedulable pool is checked for pods past the limit (upstream 30 s). */
  unschedulableFlushIntervalMs?: number;
  popFromBackoffQ?: boolean;
}

const priorityOf = (pod: KubeObject): number => num(record(pod.spec)?.priority) ?? 0;
const isGated = (pod: KubeObject): boolean => records(record(pod.spec)?.schedulingGates).length > 0;
const isBound = (pod: KubeObject): boolean => typeof record(pod.spec)?.nodeName === 'string' && record(pod.spec)?.nodeName !== '';

/** Whether this scheduler (profile `schedulerName`) owns the pod: unbound, not terminating, its schedulerName. */
export function responsibleForPod(pod: KubeObject, schedulerName = 'default-scheduler'): boolean {
  const spec = record(pod.spec);
  const name = typeof spec?.schedulerName === 'string' && spec.schedulerName !== '' ? spec.schedulerName : 'default-scheduler';
  return name === schedulerName && !isBound(pod) && pod.metadata.deletionTimestamp === undefined;
}

/** isPodUpdated: a change other than resourceVersion, generation, status, managedFields or finalizers. */
export function isPodUpdated(oldPod: KubeObject, newPod: KubeObject): boolean {
  const strip = (p: KubeObject): string => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, finalizers: _f, ...meta } = p.metadata;
    const { status: _s, metadata: _m, ...rest } = p;
    return JSON.stringify({ ...rest, metadata: meta });
  };
  return strip(oldPod) !== strip(newPod);
}

/**
 * Whether a node update can change scheduling decisions (allocatable, labels, taints,
 * unschedulable, condition types/statuses), so heartbeat-only updates need not wake pods.
 */
export function nodeSchedulingPropertiesChanged(oldNode: KubeObject, newNode: KubeObject): boolean {
  const view = (n: KubeObject): string => {
    const spec = record(n.spec);
    const st = record(n.status);
    const conds = records(st?.conditions).map((c) => [c.type, c.status, c.reason, c.message]);
    return JSON.stringify([n.metadata.labels ?? {}, spec?.unschedulable ?? false, spec?.taints ?? [], st?.allocatable ?? {}, conds]);
  };
  return view(oldNode) !== view(newNode);
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxInUnschedulable: number;
  private readonly flushInterval: number;
  private readonly popFromBackoffQ: boolean;
  private readonly active = new KeyedHeap<QueuedPodInfo>(
    (p) => p.key,
    (a, b) => {
      const pa = priorityOf(a.pod);
      const pb = priorityOf(b.pod);
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  );
  private readonly backoff = new KeyedHeap<QueuedPodInfo>((p) => p.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly errorBackoff = new KeyedHeap<QueuedPodInfo>((p) => p.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly gated = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private cycle = 0;
  private moveRequestCycle = -1;
  private waiters: (() => void)[] = [];
  private backoffTimer: TimerHandle | undefined;
  private backoffTimerAt = Infinity;
  private flushTimer: TimerHandle | undefined;
  private closed = false;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.initialBackoff = opts.podInitialBackoffMs ?? 1000;
    this.maxBackoff = opts.podMaxBackoffMs ?? 10_000;
    this.maxInUnschedulable = opts.podMaxInUnschedulablePodsDurationMs ?? 300_000;
    this.flushInterval = opts.unschedulableFlushIntervalMs ?? 30_000;
    this.popFromBackoffQ = opts.popFromBackoffQ ?? true;
  }

  /** Back-off for a pod after `attempts` attempts (calculateBackoffDuration). */
  backoffDuration(attempts: number): number {
    if (attempts <= 0) return 0;
    let d = this.initialBackoff;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoff - d) return this.maxBackoff;
      d += d;
    }
    return d;
  }

  backoffExpiry(p: QueuedPodInfo): number {
    return p.timestamp + this.backoffDuration(p.attempts);
  }

  private backingOff(p: QueuedPodInfo): boolean {
    return this.backoffExpiry(p) > this.clock.now();
  }

  // --- informer side ---

  /** A new pending pod. */
  add(pod: KubeObject): void {
    if (this.closed || isBound(pod)) return;
    const key = podKeyOf(pod);
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.pod = pod;
      return;
    }
    const prev = this.take(key);
    const now = this.clock.now();
    const p: QueuedPodInfo = prev ?? { pod, key, timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set(), schedulingCycle: 0 };
    p.pod = pod;
    if (isGated(pod)) this.gated.set(key, p);
    else this.activate(p);
  }

  /** A pending pod changed. Bound pods leave the queue. */
  update(oldPod: KubeObject | undefined, newPod: KubeObject): void {
    if (this.closed) return;
    const key = podKeyOf(newPod);
    if (isBound(newPod)) {
      this.delete(key);
      return;
    }
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.pod = newPod;
      return;
    }
    const gated = this.gated.get(key);
    if (gated) {
      gated.pod = newPod;
      if (!isGated(newPod)) {
        this.gated.delete(key);
        this.activate(gated);
      }
      return;
    }
    const inActive = this.active.get(key);
    if (inActive) {
      inActive.pod = newPod;
      this.active.push(inActive);
      return;
    }
    for (const h of [this.backoff, this.errorBackoff]) {
      const p = h.get(key);
      if (p) {
        p.pod = newPod;
        return;
      }
    }
    const u = this.unschedulable.get(key);
    if (u) {
      const changed = oldPod === undefined || isPodUpdated(oldPod, newPod);
      u.pod = newPod;
      if (changed) {
        this.unschedulable.delete(key);
        this.requeue(u);
      }
      return;
    }
    this.add(newPod);
  }

  delete(pod: KubeObject | string): void {
    const key = podKeyOf(pod);
    this.take(key);
    this.inFlight.delete(key);
    this.arm();
  }

  // --- scheduler side ---

  /** The next pod to schedule, or undefined when none is ready. Counts an attempt. */
  pop(): QueuedPodInfo | undefined {
    if (this.closed) return undefined;
    this.flushBackoff();
    let p = this.active.pop();
    if (!p && this.popFromBackoffQ) p = this.backoff.pop();
    if (!p) {
      this.arm();
      return undefined;
    }
    p.attempts++;
    p.schedulingCycle = ++this.cycle;
    this.inFlight.set(p.key, p);
    this.arm();
    return p;
  }

  /** Waits until a pod is ready (or `signal` aborts / the queue closes: undefined). */
  async popWait(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      const p = this.pop();
      if (p || this.closed || signal?.aborted) return p;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  /** The pod was bound (or dropped): it leaves the queue. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** The popped pod fits no node now; `rejectedBy` are the plugins that said so. */
  addUnschedulable(p: QueuedPodInfo, rejectedBy: Iterable<string> = []): void {
    if (this.closed || this.inFlight.get(p.key) !== p) return;
    this.inFlight.delete(p.key);
    p.timestamp = this.clock.now();
    p.unschedulablePlugins = new Set(rejectedBy);
    if (this.moveRequestCycle >= p.schedulingCycle) this.pushBackoff(p);
    else {
      this.unschedulable.set(p.key, p);
      this.armFlush();
    }
  }

  /** The attempt failed with an error (API failure, …): retry after back-off. */
  addError(p: QueuedPodInfo): void {
    if (this.closed || this.inFlight.get(p.key) !== p) return;
    this.inFlight.delete(p.key);
    p.timestamp = this.clock.now();
    p.unschedulablePlugins = new Set();
    this.errorBackoff.push(p);
    this.arm();
  }

  /** A cluster event that may make unschedulable pods fit; returns how many moved. */
  moveAllToActiveOrBackoff(event: ClusterEvent, podFilter?: (p: QueuedPodInfo) => boolean): number {
    this.moveRequestCycle = this.cycle;
    const relevant = eventPlugins[event];
    let moved = 0;
    for (const p of [...this.unschedulable.values()]) {
      if (relevant !== all && p.unschedulablePlugins.size > 0 && ![...p.unschedulablePlugins].some((n) => relevant.has(n))) continue;
      if (podFilter && !podFilter(p)) continue;
      this.unschedulable.delete(p.key);
      this.requeue(p);
      moved++;
    }
    return moved;
  }

  /** Moves pods whose back-off ended to activeQ and long-waiting unschedulable pods out of the pool. */
  flush(): void {
    this.flushBackoff();
    const now = this.clock.now();
    for (const p of [...this.unschedulable.values()]) {
      if (now - p.timestamp > this.maxInUnschedulable) {
        this.unschedulable.delete(p.key);
        this.requeue(p);
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.backoffTimer !== undefined) this.clock.clearTimeout(this.backoffTimer);
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    this.backoffTimer = this.flushTimer = undefined;
    this.wake();
  }

  /** Where a pod is, for tests and debugging. */
  where(key: string): 'active' | 'backoff' | 'unschedulable' | 'gated' | 'inFlight' | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key) || this.errorBackoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.gated.has(key)) return 'gated';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  stats(): { active: number; backoff: number; unschedulable: number; gated: number; inFlight: number } {
    return {
      active: this.active.size,
      backoff: this.backoff.size + this.errorBackoff.size,
      unschedulable: this.unschedulable.size,
      gated: this.gated.size,
      inFlight: this.inFlight.size,
    };
  }

  get schedulingCycle(): number {
    return this.cycle;
  }

  // --- internals ---

  private take(key: string): QueuedPodInfo | undefined {
    const p = this.active.delete(key) ?? this.backoff.delete(key) ?? this.errorBackoff.delete(key) ?? this.gated.get(key) ?? this.unschedulable.get(key);
    this.gated.delete(key);
    this.unschedulable.delete(key);
    return p;
  }

  private activate(p: QueuedPodInfo): void {
    this.active.push(p);
    this.wake();
  }

  private pushBackoff(p: QueuedPodInfo): void {
    this.backoff.push(p);
    this.arm();
    // An idle scheduler may take it early (popFromBackoffQ).
    if (this.popFromBackoffQ && this.active.size === 0) this.wake();
  }

  /** Back to backoffQ while backing off, else activeQ. */
  private requeue(p: QueuedPodInfo): void {
    if (this.backingOff(p)) this.pushBackoff(p);
    else this.activate(p);
  }

  private flushBackoff(): void {
    for (const h of [this.backoff, this.errorBackoff]) {
      for (let p = h.peek(); p && !this.backingOff(p); p = h.peek()) {
        h.pop();
        this.active.push(p);
      }
    }
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Keeps one timer at the earliest back-off expiry. */
  private arm(): void {
    if (this.closed) return;
    let at = Infinity;
    for (const h of [this.backoff, this.errorBackoff]) {
      const p = h.peek();
      if (p) at = Math.min(at, this.backoffExpiry(p));
    }
    if (at === this.backoffTimerAt) return;
    if (this.backoffTimer !== undefined) this.clock.clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    this.backoffTimerAt = at;
    if (at === Infinity) return;
    this.backoffTimer = this.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.backoffTimerAt = Infinity;
      const before = this.active.size;
      this.flushBackoff();
      this.arm();
      if (this.active.size > before) this.wake();
    }, Math.max(0, at - this.clock.now()));
  }

  /** The periodic unschedulable-pool check runs only while the pool is non-empty. */
  private armFlush(): void {
    if (this.closed || this.flushTimer !== undefined || this.unschedulable.size === 0) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      const before = this.active.size;
      this.flush();
      this.arm();
      this.armFlush();
      if (this.active.size > before) this.wake();
    }, this.flushInterval);
  }
}
