// Test support only: a small API server over GraphObjects that executes the collector's
// actions (deletes with propagation finalizers, strategic and merge patches of
// ownerReferences and finalizers) and replays every change to an OwnershipGraph as informer
// events, with the two work queues the collector drains. Deterministic and synchronous.
import type { OwnerReference } from '../../machinery/types.js';
import type { CollectionAction } from '../shared/collectionActions.js';
import { rec, recs } from '../shared/meta.js';
import { attemptToDelete, attemptToOrphan, type GcDecision } from './decide.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type GraphObject, type GraphWork, type ObjectIdentity, OwnershipGraph } from './graph.js';

export class GcWorld {
  readonly graph = new OwnershipGraph();
  readonly objects = new Map<string, GraphObject>();
  readonly log: string[] = [];
  deleteQueue: string[] = [];
  orphanQueue: string[] = [];
  /** uids whose informer events are held back (simulates a lagging cache). */
  readonly unobserved = new Set<string>();
  private rv = 0;

  add(id: ObjectIdentity, owners: OwnerReference[] = [], finalizers: string[] = []): GraphObject {
    const o: GraphObject = { ref: id, owners, finalizers, resourceVersion: String(++this.rv) };
    this.objects.set(id.uid, o);
    if (!this.unobserved.has(id.uid)) this.queue(this.graph.observe(structuredClone(o)));
    return o;
  }

  /** Releases held-back informer events. */
  observe(uid: string): void {
    this.unobserved.delete(uid);
    const o = this.objects.get(uid);
    if (o) this.queue(this.graph.observe(structuredClone(o)));
  }

  private queue(w: GraphWork): void {
    for (const u of w.attemptToDelete) if (!this.deleteQueue.includes(u)) this.deleteQueue.push(u);
    for (const u of w.attemptToOrphan) if (!this.orphanQueue.includes(u)) this.orphanQueue.push(u);
  }

  private changed(o: GraphObject): void {
    o.resourceVersion = String(++this.rv);
    if (o.deletionTimestamp && (o.finalizers ?? []).length === 0) {
      this.objects.delete(o.ref.uid);
      this.log.push(`gone ${o.ref.kind}/${o.ref.name}`);
      if (!this.unobserved.has(o.ref.uid)) this.queue(this.graph.observeDeleted(structuredClone(o)));
      return;
    }
    if (!this.unobserved.has(o.ref.uid)) this.queue(this.graph.observe(structuredClone(o)));
  }

  /** A client's DELETE with a propagation policy (the API server's finalizer handling). */
  delete(uid: string, policy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): void {
    const o = this.objects.get(uid);
    if (!o) throw new Error(`NotFound ${uid}`);
    const fs = new Set(o.finalizers ?? []);
    if (policy === 'Foreground') fs.add(FINALIZER_FOREGROUND);
    if (policy === 'Orphan') fs.add(FINALIZER_ORPHAN);
    o.finalizers = [...fs];
    o.deletionTimestamp ??= '2024-01-01T00:00:00Z';
    this.log.push(`delete ${o.ref.kind}/${o.ref.name} ${policy}`);
    this.changed(o);
  }

  /** A GET at an owner reference's coordinates. */
  lookup(ref: OwnerReference, namespace: string | undefined): GraphObject | undefined {
    for (const o of this.objects.values()) {
      if (o.ref.kind === ref.kind && o.ref.apiVersion === ref.apiVersion && o.ref.name === ref.name && (o.ref.namespace ?? '') === (namespace ?? '')) return structuredClone(o);
    }
    return undefined;
  }

  private getAt(id: ObjectIdentity): GraphObject | undefined {
    for (const o of this.objects.values()) {
      if (o.ref.kind === id.kind && o.ref.name === id.name && (o.ref.namespace ?? '') === (id.namespace ?? '')) return structuredClone(o);
    }
    return undefined;
  }

  execute(actions: CollectionAction[]): void {
    for (const a of actions) {
      if (a.kind === 'delete') {
        const o = this.objects.get(a.ref.uid ?? '');
        if (!o) continue;
        this.delete(o.ref.uid, 'propagationPolicy' in a ? a.propagationPolicy : 'Background');
      } else if (a.kind === 'patch') {
        const o = this.objects.get(a.ref.uid ?? '');
        if (!o) continue;
        const meta = rec(rec(a.patch)?.metadata) ?? {};
        if (meta.uid !== undefined && meta.uid !== o.ref.uid) throw new Error('Invalid: uid mismatch');
        if (meta.resourceVersion !== undefined && meta.resourceVersion !== o.resourceVersion) throw new Error('Conflict');
        if (a.patchType === 'strategic') {
          let refs = [...o.owners];
          for (const r of recs(meta.ownerReferences)) {
            if (r.$patch === 'delete') refs = refs.filter((x) => x.uid !== r.uid);
            else refs = refs.map((x) => (x.uid === r.uid ? (r as unknown as OwnerReference) : x));
          }
          o.owners = refs;
          this.log.push(`patch ${o.ref.kind}/${o.ref.name} owners=[${refs.map((r) => r.name).join(',')}]`);
        } else {
          if ('finalizers' in meta) {
            o.finalizers = Array.isArray(meta.finalizers) ? (meta.finalizers as string[]) : [];
            this.log.push(`patch ${o.ref.kind}/${o.ref.name} finalizers=[${o.finalizers.join(',')}]`);
          }
          if (Array.isArray(meta.ownerReferences)) o.owners = meta.ownerReferences as OwnerReference[];
        }
        this.changed(o);
      }
    }
  }

  /** Runs both workers until the queues are empty (bounded). Returns the decisions made. */
  drain(limit = 200): GcDecision[] {
    const decisions: GcDecision[] = [];
    for (let i = 0; i < limit; i++) {
      const orphanUid = this.orphanQueue.shift();
      if (orphanUid !== undefined) {
        const node = this.graph.get(orphanUid);
        if (!node) continue;
        const d = attemptToOrphan(node, this.getAt(node.identity));
        decisions.push(d);
        this.execute(d.actions);
        continue;
      }
      const uid = this.deleteQueue.shift();
      if (uid === undefined) return decisions;
      const node = this.graph.get(uid);
      if (!node) continue;
      const latest = this.getAt(node.identity);
      const owners = new Map<string, GraphObject | undefined>();
      for (const r of latest?.owners ?? []) owners.set(r.uid, this.lookup(r, latest?.ref.namespace));
      const d = attemptToDelete(node, latest, owners);
      decisions.push(d);
      for (const id of d.absentOwners) this.graph.markAbsent(id);
      if (d.absent) this.queue(this.graph.virtualDelete(node.identity));
      this.execute(d.actions);
      for (const u of d.enqueue) if (!this.deleteQueue.includes(u)) this.deleteQueue.push(u);
    }
    throw new Error('GC did not settle');
  }
}

export const ref = (o: GraphObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: o.ref.apiVersion,
  kind: o.ref.kind,
  name: o.ref.name,
  uid: o.ref.uid,
  ...extra,
});

export const controllerRef = (o: GraphObject): OwnerReference => ref(o, { controller: true, blockOwnerDeletion: true });
