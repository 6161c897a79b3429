// Test support only: a tiny in-memory namespace that executes controller Actions the way the
// reconcile loop and API server would (README.md's contract), plus a scheduler/kubelet
// stand-in that binds pods, makes them ready and finishes their deletion. Deterministic:
// names, uids and times come from counters and an explicit clock.
//
// Simplifications: one namespace; no validation, defaulting or garbage collection; pod
// deletion sets deletionTimestamp and `finishDeletions()` removes them; strategic patches are
// understood only in the two shapes controllers send (adopt / release an ownerReference).
import type { KubeObject, OwnerReference } from '../../machinery/types.js';
import { type Action, type EventDescriptor, type LastFailure, renderEvent } from './actions.js';
import { SAFE_ALPHANUMS } from './hash.js';
import { clone, metaTime, rec, recs, semanticEqual } from './meta.js';

export class FailError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export interface ApplyResult {
  failure?: LastFailure;
  requeueMs?: number;
}

export class TestCluster {
  now = Date.parse('2024-01-01T00:00:00Z');
  readonly namespace = 'default';
  readonly events: EventDescriptor[] = [];
  /** Called after every successful write (for invariant checks). */
  onWrite?: (action: Action) => void;
  /** Return a message to make a create fail (as an API error with reason 'Forbidden'). */
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

  private stamp(obj: KubeObject): void {
    obj.metadata.resourceVersion = String(++this.rv);
  }

  /** Stores an object as a client would create it (status kept for seeding). */
  add(obj: KubeObject): KubeObject {
    const o = clone(obj);
    o.metadata.namespace ??= this.namespace;
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + this.suffix();
    o.metadata.uid ??= `uid-${++this.seq}`;
    o.metadata.creationTimestamp ??= metaTime(this.now);
    if (o.kind !== 'Pod') o.metadata.generation ??= 1;
    this.stamp(o);
    this.bucket(o.kind ?? '').set(o.metadata.name ?? '', o);
    return clone(o);
  }

  /** Replaces the spec of a stored object as a user's `kubectl apply` would (generation + 1). */
  editSpec(kind: string, name: string, edit: (spec: Record<string, unknown>) => void): void {
    const o = this.bucket(kind).get(name);
    if (!o) throw new Error(`${kind} ${name} not found`);
    const spec = rec(o.spec) ?? {};
    edit(spec);
    o.spec = spec;
    o.metadata.generation = (o.metadata.generation ?? 1) + 1;
    this.stamp(o);
  }

  private suffix(): string {
    let n = ++this.seq;
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += SAFE_ALPHANUMS[n % SAFE_ALPHANUMS.length];
      n = Math.floor(n / SAFE_ALPHANUMS.length);
    }
    return s;
  }

  private stored(kind: string, name: string): KubeObject {
    const o = this.bucket(kind).get(name);
    if (!o) throw new FailError('NotFound', `${kind} "${name}" not found`);
    return o;
  }

  private checkVersion(stored: KubeObject, obj: KubeObject): void {
    if (obj.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      throw new FailError('Conflict', `the object has been modified; please apply your changes to the latest version and try again`);
    }
  }

  private write(a: Action): string {
    switch (a.kind) {
      case 'create': {
        const obj = clone(a.object);
        const why = this.failCreate?.(obj);
        if (why) throw new FailError('Forbidden', why);
        if (obj.metadata.name && this.bucket(obj.kind ?? '').has(obj.metadata.name)) {
          throw new FailError('AlreadyExists', `${obj.kind} "${obj.metadata.name}" already exists`);
        }
        delete obj.status;
        if (obj.kind === 'Pod') obj.status = { phase: 'Pending' };
        return this.add(obj).metadata.name ?? '';
      }
      case 'update': {
        const stored = this.stored(a.object.kind ?? '', a.object.metadata.name ?? '');
        this.checkVersion(stored, a.object);
        const next = clone(a.object);
        next.status = stored.status;
        if (!semanticEqual(next.spec, stored.spec)) next.metadata.generation = (stored.metadata.generation ?? 1) + 1;
        this.stamp(next);
        this.bucket(next.kind ?? '').set(next.metadata.name ?? '', next);
        return next.metadata.name ?? '';
      }
      case 'updateStatus': {
        const stored = this.stored(a.object.kind ?? '', a.object.metadata.name ?? '');
        this.checkVersion(stored, a.object);
        stored.status = clone(a.object.status);
        // The Deployment status strategy keeps annotations from the request (revision).
        if (stored.kind === 'Deployment') stored.metadata.annotations = clone(a.object.metadata.annotations);
        this.stamp(stored);
        return stored.metadata.name ?? '';
      }
      case 'patch': {
        const stored = this.stored(a.ref.kind, a.ref.name);
        const meta = rec(rec(a.patch)?.metadata) ?? {};
        if (meta.uid !== undefined && meta.uid !== stored.metadata.uid) throw new FailError('Invalid', 'uid mismatch');
        let refs: OwnerReference[] = stored.metadata.ownerReferences ?? [];
        for (const r of recs(meta.ownerReferences)) {
          refs = refs.filter((x) => x.uid !== r.uid);
          if (r.$patch !== 'delete') refs.push(r as unknown as OwnerReference);
        }
        stored.metadata.ownerReferences = refs;
        this.stamp(stored);
        return stored.metadata.name ?? '';
      }
      case 'delete': {
        const stored = this.stored(a.ref.kind, a.ref.name);
        if (a.preconditions?.uid && a.preconditions.uid !== stored.metadata.uid) throw new FailError('Conflict', 'precondition failed: uid');
        if (stored.kind === 'Pod') {
          stored.metadata.deletionTimestamp ??= metaTime(this.now);
          this.stamp(stored);
        } else {
          this.bucket(a.ref.kind).delete(a.ref.name);
        }
        return stored.metadata.name ?? '';
      }
      default:
        return '';
    }
  }

  /** Executes actions in order; the first failure stops them (README.md's contract). */
  apply(actions: readonly Action[]): ApplyResult {
    const result: ApplyResult = {};
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
        for (const e of a.onSuccess ?? []) this.events.push(renderEvent(e, { name }));
        this.onWrite?.(a);
      } catch (e) {
        if (!(e instanceof FailError)) throw e;
        if (a.tolerate?.includes(e.reason)) continue;
        for (const ev of a.onFailure ?? []) this.events.push(renderEvent(ev, { error: e.message }));
        result.failure = { action: a, message: e.message, reason: e.reason };
        return result;
      }
    }
    return result;
  }

  // --- scheduler / kubelet stand-ins ---

  /** Binds every unscheduled pod to node-1 and marks it Running (not yet Ready). */
  schedulePods(): void {
    for (const p of this.bucket('Pod').values()) {
      const spec = rec(p.spec) ?? {};
      if (spec.nodeName || p.metadata.deletionTimestamp) continue;
      spec.nodeName = 'node-1';
      p.spec = spec;
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
      this.stamp(p);
    }
  }

  /** Makes up to `limit` scheduled, not-ready pods Ready now. Returns how many. */
  makeReady(limit = Infinity): number {
    let n = 0;
    for (const p of this.bucket('Pod').values()) {
      if (n >= limit) break;
      const st = rec(p.status) ?? {};
      const ready = recs(st.conditions).some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready || st.phase !== 'Running' || p.metadata.deletionTimestamp) continue;
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: metaTime(this.now) }] };
      this.stamp(p);
      n++;
    }
    return n;
  }

  /** The kubelet finished every graceful deletion. */
  finishDeletions(): number {
    let n = 0;
    for (const [name, p] of this.bucket('Pod')) {
      if (p.metadata.deletionTimestamp) {
        this.bucket('Pod').delete(name);
        n++;
      }
    }
    return n;
  }
}
