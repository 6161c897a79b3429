// Test support only: an in-memory store of claims, volumes, classes and pods that executes
// the binder's and provisioner's Actions (optimistic concurrency, status writes, finalizers
// holding deletions) and runs the decisions until nothing changes.
import type { KubeObject } from '../../machinery/types.js';
import type { Action, EventDescriptor } from '../shared/actions.js';
import { clone } from '../shared/meta.js';
import { decideClaim } from './decide.js';
import { decideVolume } from './decideVolume.js';

export class VolumeWorld {
  readonly objects = new Map<string, KubeObject>();
  readonly events: EventDescriptor[] = [];
  readonly failures: string[] = [];
  private rv = 0;
  private uid = 0;
  now = Date.parse('2024-01-01T00:00:00Z');
  /** Extra decisions run per claim each round (e.g. the local-path provisioner). */
  claimHooks: ((claim: KubeObject, world: VolumeWorld) => Action[])[] = [];

  private static key(kind: string, ns: string | undefined, name: string | undefined): string {
    return `${kind}/${ns ?? ''}/${name ?? ''}`;
  }

  add(obj: KubeObject): KubeObject {
    const o = clone(obj);
    o.metadata.uid ??= `uid-${++this.uid}`;
    o.metadata.resourceVersion = String(++this.rv);
    o.metadata.creationTimestamp ??= new Date(this.now).toISOString();
    if (o.kind === 'PersistentVolume' && !(o.status as { phase?: string } | undefined)?.phase) o.status = { phase: 'Pending' };
    if (o.kind === 'PersistentVolumeClaim' && !(o.status as { phase?: string } | undefined)?.phase) o.status = { phase: 'Pending' };
    this.objects.set(VolumeWorld.key(o.kind ?? '', o.metadata.namespace, o.metadata.name), o);
    return clone(o);
  }

  list(kind: string): KubeObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind).map((o) => clone(o));
  }

  get(kind: string, name: string, ns?: string): KubeObject | undefined {
    const o = this.objects.get(VolumeWorld.key(kind, ns, name));
    return o && clone(o);
  }

  /** A client's DELETE: held by finalizers, else gone. */
  remove(kind: string, name: string, ns?: string): void {
    const k = VolumeWorld.key(kind, ns, name);
    const o = this.objects.get(k);
    if (!o) return;
    if (o.metadata.finalizers?.length) {
      o.metadata.deletionTimestamp ??= new Date(this.now).toISOString();
      o.metadata.resourceVersion = String(++this.rv);
    } else this.objects.delete(k);
  }

  /** Applies actions in order; stops at the first failure. Returns the number of writes. */
  apply(actions: readonly Action[]): number {
    let writes = 0;
    for (const a of actions) {
      if (a.kind === 'event') {
        this.events.push(a.event);
        continue;
      }
      if (a.kind === 'requeueAfter') continue;
      const fail = (reason: string, msg: string): boolean => {
        if (a.tolerate?.includes(reason)) return false;
        this.failures.push(msg);
        return true;
      };
      if (a.kind === 'create') {
        const k = VolumeWorld.key(a.object.kind ?? '', a.object.metadata.namespace, a.object.metadata.name);
        if (this.objects.has(k)) {
          if (fail('AlreadyExists', `${k} exists`)) return writes;
          continue;
        }
        const made = this.add(a.object);
        for (const e of a.onSuccess ?? []) this.events.push({ ...e, message: e.message.replaceAll('{{name}}', made.metadata.name ?? '') });
        writes++;
        continue;
      }
      if (a.kind === 'update' || a.kind === 'updateStatus') {
        const k = VolumeWorld.key(a.object.kind ?? '', a.object.metadata.namespace, a.object.metadata.name);
        const cur = this.objects.get(k);
        if (!cur) {
          if (fail('NotFound', `${k} not found`)) return writes;
          continue;
        }
        if (a.object.metadata.resourceVersion !== cur.metadata.resourceVersion) {
          if (fail('Conflict', `${k} conflict`)) return writes;
          continue;
        }
        const next = a.kind === 'update' ? { ...clone(a.object), status: clone(cur.status) } : { ...clone(cur), status: clone(a.object.status) };
        next.metadata.resourceVersion = String(++this.rv);
        if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) this.objects.delete(k);
        else this.objects.set(k, next);
        writes++;
        continue;
      }
      if (a.kind === 'delete') {
        const cur = this.objects.get(VolumeWorld.key(a.ref.kind, a.ref.namespace, a.ref.name));
        if (!cur) {
          if (fail('NotFound', `${a.ref.name} not found`)) return writes;
          continue;
        }
        this.remove(a.ref.kind, a.ref.name, a.ref.namespace);
        writes++;
        continue;
      }
      this.failures.push(`unexpected action ${a.kind}`);
      return writes;
    }
    return writes;
  }

  /** One pass of every claim and volume sync; the number of writes. */
  round(): number {
    let writes = 0;
    for (const claim of this.list('PersistentVolumeClaim')) {
      const fresh = this.get('PersistentVolumeClaim', claim.metadata.name ?? '', claim.metadata.namespace);
      if (!fresh) continue;
      writes += this.apply(decideClaim({ claim: fresh, volumes: this.list('PersistentVolume'), classes: this.list('StorageClass'), pods: this.list('Pod').filter((p) => p.metadata.namespace === fresh.metadata.namespace) }, this.now));
      for (const hook of this.claimHooks) {
        const c = this.get('PersistentVolumeClaim', claim.metadata.name ?? '', claim.metadata.namespace);
        if (c) writes += this.apply(hook(c, this));
      }
    }
    for (const pv of this.list('PersistentVolume')) {
      const ref = (pv.spec as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
      const claim = ref ? this.get('PersistentVolumeClaim', ref.name ?? '', ref.namespace) : undefined;
      writes += this.apply(decideVolume(claim ? { volume: pv, claim } : { volume: pv }, this.now));
    }
    return writes;
  }

  /** Runs rounds until quiet (bounded). */
  settle(max = 20): number {
    for (let i = 0; i < max; i++) if (this.round() === 0) return i;
    throw new Error('did not settle');
  }
}
