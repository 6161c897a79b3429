// Test support only (used by the job, cronjob, ttlafterfinished and podgc tests): an
// in-memory namespace that executes controller Actions the way the reconcile loop and API
// server would, with the parts batch controllers rely on — finalizers that hold a deleted
// pod, `$deleteFromPrimitiveList/finalizers` and ownerReference strategic patches, Job
// deletion propagation — plus a kubelet stand-in that runs, finishes and removes pods.
// Deterministic: names, uids and times come from counters and an explicit clock.
import type { KubeObject, OwnerReference } from '../../machinery/types.js';
import { type Action, type EventDescriptor, type LastFailure, renderEvent } from '../shared/actions.js';
import type { DeleteWithOptions } from '../shared/deleteOptions.js';
import { clone, metaTime, rec, recs } from '../shared/meta.js';

export class ApiFailure extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export interface ApplyResult {
  writes: number;
  failure?: LastFailure;
  requeueMs?: number;
}

export class BatchCluster {
  now = Date.parse('2024-01-01T00:00:00Z');
  readonly namespace = 'default';
  readonly events: EventDescriptor[] = [];
  /** Every write that succeeded, in order (for assertions on what was sent). */
  readonly log: Action[] = [];
  /** Return a message to make a create fail with reason Forbidden. */
  failCreate?: (obj: KubeObject) => string | undefined;
  private readonly store = new Map<string, Map<string, KubeObject>>();
  private rv = 0;
  private seq = 0;

  private bucket(kind: string): Map<string, KubeObject> {
    let b = this.store.get(kind);
    if (!b) this.store.set(kind, (b = new Map()));
    return b;
  }

  list(kind: string): KubeObject[] {
    return [...this.bucket(kind).values()].map((o) => clone(o));
  }

  get(kind: string, name: string): KubeObject | undefined {
    const o = this.bucket(kind).get(name);
    return o && clone(o);
  }

  /** Stores an object as a client would create it (status kept, for seeding). */
  add(obj: KubeObject): KubeObject {
    const o = clone(obj);
    o.metadata.namespace ??= o.kind === 'Node' ? undefined : this.namespace;
    if (o.metadata.namespace === undefined) delete o.metadata.namespace;
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${String(++this.seq).padStart(5, 'x')}`;
    o.metadata.uid ??= `uid-${++this.seq}`;
    o.metadata.creationTimestamp ??= metaTime(this.now);
    if (o.kind !== 'Pod') o.metadata.generation ??= 1;
    o.metadata.resourceVersion = String(++this.rv);
    this.bucket(o.kind ?? '').set(o.metadata.name ?? '', o);
    return clone(o);
  }

  /** Edits a stored object in place (a user's update). */
  edit(kind: string, name: string, f: (o: KubeObject) => void): void {
    const o = this.stored(kind, name);
    f(o);
    o.metadata.resourceVersion = String(++this.rv);
  }

  remove(kind: string, name: string): void {
    this.bucket(kind).delete(name);
  }

  private stored(kind: string, name: string): KubeObject {
    const o = this.bucket(kind).get(name);
    if (!o) throw new ApiFailure('NotFound', `${kind.toLowerCase()}s "${name}" not found`);
    return o;
  }

  private touch(o: KubeObject): void {
    o.metadata.resourceVersion = String(++this.rv);
    if (o.kind === 'Pod' && o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).length === 0 && o.metadata.deletionGracePeriodSeconds === 0) {
      this.bucket('Pod').delete(o.metadata.name ?? '');
    }
  }

  private deletePod(pod: KubeObject, grace: number | undefined): void {
    const g = grace ?? (pod.spec && rec(pod.spec)?.nodeName ? 30 : 0);
    pod.metadata.deletionTimestamp ??= metaTime(this.now + g * 1000);
    pod.metadata.deletionGracePeriodSeconds = Math.min(pod.metadata.deletionGracePeriodSeconds ?? g, g);
    this.touch(pod);
  }

  private write(a: Action): string {
    switch (a.kind) {
      case 'create': {
        const obj = clone(a.object);
        const why = this.failCreate?.(obj);
        if (why) throw new ApiFailure('Forbidden', why);
        if (obj.metadata.name && this.bucket(obj.kind ?? '').has(obj.metadata.name)) {
          throw new ApiFailure('AlreadyExists', `${(obj.kind ?? '').toLowerCase()}s.batch "${obj.metadata.name}" already exists`);
        }
        delete obj.status;
        if (obj.kind === 'Pod') obj.status = { phase: 'Pending' };
        return this.add(obj).metadata.name ?? '';
      }
      case 'update':
      case 'updateStatus': {
        const stored = this.stored(a.object.kind ?? '', a.object.metadata.name ?? '');
        if (a.object.metadata.resourceVersion !== stored.metadata.resourceVersion) {
          throw new ApiFailure('Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
        }
        if (a.kind === 'updateStatus') stored.status = clone(a.object.status);
        else Object.assign(stored, { ...clone(a.object), status: stored.status });
        this.touch(stored);
        return stored.metadata.name ?? '';
      }
      case 'patch': {
        const stored = this.stored(a.ref.kind, a.ref.name);
        const meta = rec(rec(a.patch)?.metadata) ?? {};
        if (meta.uid !== undefined && meta.uid !== stored.metadata.uid) throw new ApiFailure('Invalid', 'uid mismatch');
        const drop = meta['$deleteFromPrimitiveList/finalizers'];
        if (Array.isArray(drop)) stored.metadata.finalizers = (stored.metadata.finalizers ?? []).filter((f) => !drop.includes(f));
        if (Array.isArray(meta.finalizers)) {
          for (const f of meta.finalizers) if (typeof f === 'string' && !(stored.metadata.finalizers ?? []).includes(f)) (stored.metadata.finalizers ??= []).push(f);
        }
        let refs: OwnerReference[] = stored.metadata.ownerReferences ?? [];
        for (const r of recs(meta.ownerReferences)) {
          refs = refs.filter((x) => x.uid !== r.uid);
          if (r.$patch !== 'delete') refs.push(r as unknown as OwnerReference);
        }
        stored.metadata.ownerReferences = refs;
        this.touch(stored);
        return stored.metadata.name ?? '';
      }
      case 'delete': {
        const d = a as DeleteWithOptions;
        const stored = this.stored(a.ref.kind, a.ref.name);
        if (a.preconditions?.uid && a.preconditions.uid !== stored.metadata.uid) throw new ApiFailure('Conflict', 'Precondition failed: UID in precondition');
        if (stored.kind === 'Pod') {
          this.deletePod(stored, d.gracePeriodSeconds);
        } else {
          this.bucket(a.ref.kind).delete(a.ref.name);
          // batch/v1 Jobs orphan their pods unless a propagation policy says otherwise.
          for (const pod of this.bucket('Pod').values()) {
            const owned = (pod.metadata.ownerReferences ?? []).some((r) => r.uid === stored.metadata.uid);
            if (!owned) continue;
            if (d.propagationPolicy === 'Background' || d.propagationPolicy === 'Foreground') this.deletePod(pod, undefined);
            else pod.metadata.ownerReferences = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== stored.metadata.uid);
          }
        }
        return stored.metadata.name ?? '';
      }
      default:
        return '';
    }
  }

  /** Executes actions in order; the first failure stops them (the loop's contract). */
  apply(actions: readonly Action[]): ApplyResult {
    const result: ApplyResult = { writes: 0 };
    for (const a of actions) {
      if (a.kind === 'event') {
        this.events.push(a.event);
        continue;
      }
      if (a.kind === 'requeueAfter') {
        result.requeueMs = Math.min(result.requeueMs ?? Infinity, a.ms);
        continue;
      }
      try {
        const name = this.write(a);
        result.writes++;
        this.log.push(a);
        for (const e of a.onSuccess ?? []) this.events.push(renderEvent(e, { name }));
      } catch (e) {
        if (!(e instanceof ApiFailure)) throw e;
        if (a.tolerate?.includes(e.reason)) continue;
        for (const ev of a.onFailure ?? []) this.events.push(renderEvent(ev, { error: e.message }));
        result.failure = { action: a, message: e.message, reason: e.reason };
        return result;
      }
    }
    return result;
  }

  /** Runs `decide` and applies its actions until a pass writes nothing; returns the last requeue. */
  settle(decide: () => readonly Action[], maxPasses = 20): number | undefined {
    for (let i = 0; i < maxPasses; i++) {
      const r = this.apply(decide());
      if (r.writes === 0 && !r.failure) return r.requeueMs;
    }
    throw new Error('controller did not settle');
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }

  // --- kubelet stand-in ---

  /** Binds and starts every pending pod (Running and Ready). */
  runPods(limit = Infinity): number {
    let n = 0;
    for (const p of this.bucket('Pod').values()) {
      if (n >= limit) break;
      const st = rec(p.status) ?? {};
      if (st.phase !== 'Pending' || p.metadata.deletionTimestamp) continue;
      const spec = rec(p.spec) ?? {};
      spec.nodeName = 'node-1';
      p.spec = spec;
      const t = metaTime(this.now);
      p.status = {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }],
        containerStatuses: recs(spec.containers).map((c) => ({ name: c.name, ready: true, restartCount: 0, state: { running: { startedAt: t } } })),
      };
      this.touch(p);
      n++;
    }
    return n;
  }

  /** Ends a running pod's containers (exit 0 → Succeeded, else Failed) at the current time. */
  finishPod(name: string, exitCode = 0): void {
    const p = this.stored('Pod', name);
    const spec = rec(p.spec) ?? {};
    const t = metaTime(this.now);
    p.status = {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: t, reason: 'PodCompleted' }],
      containerStatuses: recs(spec.containers).map((c) => ({
        name: c.name, ready: false, restartCount: 0,
        state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: t, finishedAt: t } },
      })),
    };
    this.touch(p);
  }

  /** Names of pods that are running (not deleting). */
  running(): string[] {
    return this.list('Pod').filter((p) => rec(p.status)?.phase === 'Running' && !p.metadata.deletionTimestamp).map((p) => p.metadata.name ?? '');
  }

  /** The kubelet finishes graceful deletions: pods turn Failed and go once finalizers allow. */
  finishDeletions(): number {
    let n = 0;
    for (const p of [...this.bucket('Pod').values()]) {
      if (!p.metadata.deletionTimestamp) continue;
      const st = rec(p.status) ?? {};
      if (st.phase !== 'Succeeded' && st.phase !== 'Failed') p.status = { ...st, phase: 'Failed' };
      p.metadata.deletionGracePeriodSeconds = 0;
      this.touch(p);
      n++;
    }
    return n;
  }
}
