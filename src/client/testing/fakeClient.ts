// An in-memory Client for controller, informer and leader-election tests. It keeps objects
// per group+resource with one global, increasing resourceVersion (like etcd's revision),
// enforces optimistic concurrency (stale resourceVersion → 409 Conflict), replays watch
// history from a resourceVersion, and lets a test drop watches, expire them with 410, or
// make the next call of a verb fail.
//
// Simplifications (say so in tests that depend on them): no schema, so strategic-merge and
// apply patches are applied as JSON merge patches and there are no defaults or validation;
// every resource behaves as if it had a status subresource (a main update keeps the stored
// status, a status update changes only status); deletion is immediate unless finalizers
// are present (no grace periods, no garbage collection — the propagationPolicy is only
// recorded in `calls`); a list's pages are not a consistent snapshot.
import { randomUUID } from 'node:crypto';
import * as errors from '../../machinery/errors.js';
import { required } from '../../machinery/fieldErrors.js';
import { applyJsonPatch, applyMergePatch } from '../../machinery/patch/index.js';
import { deepEqual } from '../../machinery/patch/json.js';
import { isPlainObject, type GroupVersionResource, type KubeList, type KubeObject, type Status } from '../../machinery/types.js';
import { realClock, type Clock } from '../clock.js';
import type {
  Client, CreateOptions, DeleteCollectionOptions, DeleteOptions, DeleteResult, GetOptions, ListOptions, PatchOptions, UpdateOptions,
  WatchOptions, WatchStream,
} from '../types.js';
import { objectKey } from '../types.js';
import { createWatchStream, type WatchSink } from '../watchStream.js';
import { filteredEventType, matcher } from './fakeSelection.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deleteCollection';

export interface RecordedCall {
  verb: Verb;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The options passed (without `signal`). */
  options: Record<string, unknown>;
}

interface HistoryEvent {
  rv: number;
  res: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
  prev?: KubeObject;
}

interface Watcher {
  res: string;
  matches: (o: KubeObject) => boolean;
  sink: WatchSink;
}

interface Failure {
  verb: Verb;
  err: unknown;
  resource?: string;
  name?: string;
}

export interface FakeClientOptions {
  clock?: Clock;
  /** Watch history kept for replay; older events are compacted away (default 10,000). */
  historyLimit?: number;
}

const resKey = (gvr: GroupVersionResource): string => `${gvr.group}/${gvr.resource}`;
const clone = <T>(v: T): T => structuredClone(v);
const gr = (gvr: GroupVersionResource): errors.GroupResource => ({ group: gvr.group, resource: gvr.resource });
const nameChars = 'bcdfghjklmnpqrstvwxz2456789'; // upstream's generateName alphabet

function withoutSignal(o: object | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (k !== 'signal' && v !== undefined) out[k] = v;
  return out;
}

/** Everything except metadata and status: a change here bumps metadata.generation. */
function specPart(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export class FakeClient implements Client {
  /** Every call made, in order. */
  readonly calls: RecordedCall[] = [];
  private readonly clock: Clock;
  private readonly historyLimit: number;
  private rv = 1;
  private compactedRv = 0;
  private readonly store = new Map<string, Map<string, KubeObject>>();
  private history: HistoryEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private failures: Failure[] = [];

  constructor(opts: FakeClientOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.historyLimit = opts.historyLimit ?? 10_000;
  }

  // --- test controls ---

  /** The latest resourceVersion handed out. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Stored objects of a resource (optionally one namespace), sorted by key; copies. */
  objects<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, namespace?: string): T[] {
    const bucket = this.store.get(resKey(gvr));
    if (!bucket) return [];
    return [...bucket.keys()].sort().map((k) => bucket.get(k)).filter((o): o is KubeObject => !!o && (!namespace || o.metadata.namespace === namespace)).map((o) => clone(o) as T);
  }

  /** Makes the next call of `verb` (optionally on one resource / name) throw `err`. */
  failNext(verb: Verb, err: unknown, match: { resource?: string; name?: string } = {}): void {
    this.failures.push({ verb, err, ...match });
  }

  /** Open watches (optionally of one resource). */
  watchCount(gvr?: GroupVersionResource): number {
    let n = 0;
    for (const w of this.watchers) if (!gvr || w.res === resKey(gvr)) n++;
    return n;
  }

  /** Ends open watches cleanly, as a dropped connection or a server-side timeout does. */
  dropWatches(gvr?: GroupVersionResource): void {
    for (const w of [...this.watchers]) if (!gvr || w.res === resKey(gvr)) w.sink.end();
  }

  /** Ends open watches with a failure (the iterator throws `err`). */
  breakWatches(err: unknown, gvr?: GroupVersionResource): void {
    for (const w of [...this.watchers]) if (!gvr || w.res === resKey(gvr)) w.sink.fail(err);
  }

  /**
   * Forgets all history (as etcd compaction does) and sends every open watch an ERROR event
   * with 410 Expired, then ends it: re-watching from any earlier version fails the same way.
   */
  expireWatches(gvr?: GroupVersionResource): void {
    this.compact();
    for (const w of [...this.watchers]) {
      if (gvr && w.res !== resKey(gvr)) continue;
      w.sink.push({ type: 'ERROR', object: this.expiredStatus('0') });
      w.sink.end();
    }
  }

  /** Forgets history up to now: watches from an older resourceVersion get 410 Expired. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  /** Sends a BOOKMARK with the current resourceVersion to open watches. */
  bookmark(gvr?: GroupVersionResource): void {
    for (const w of this.watchers) {
      if (gvr && w.res !== resKey(gvr)) continue;
      w.sink.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: this.resourceVersion } } });
    }
  }

  // --- Client ---

  async get<T extends KubeObject>(gvr: GroupVersionResource, name: string, o: GetOptions = {}): Promise<T> {
    this.record('get', gvr, o.namespace, name, o.subresource, o);
    return clone(this.mustGet(gvr, o.namespace, name)) as T;
  }

  async list<T extends KubeObject>(gvr: GroupVersionResource, o: ListOptions = {}): Promise<KubeList<T>> {
    this.record('list', gvr, o.namespace, undefined, undefined, o);
    const all = this.selected(gvr, o);
    let start = 0;
    if (o.continue) {
      const after = Buffer.from(o.continue, 'base64url').toString('utf8');
      start = all.findIndex(([k]) => k > after);
      if (start < 0) start = all.length;
    }
    const end = o.limit && o.limit > 0 ? Math.min(all.length, start + o.limit) : all.length;
    const items = all.slice(start, end).map(([, v]) => clone(v) as T);
    const metadata: KubeList<T>['metadata'] = { resourceVersion: this.resourceVersion };
    if (end < all.length) {
      metadata.continue = Buffer.from(all[end - 1][0], 'utf8').toString('base64url');
      metadata.remainingItemCount = all.length - end;
    }
    const kind = items[0]?.kind;
    return { apiVersion: gvr.group ? `${gvr.group}/${gvr.version}` : gvr.version, kind: kind ? `${kind}List` : 'List', metadata, items };
  }

  async watch<T extends KubeObject>(gvr: GroupVersionResource, o: WatchOptions = {}): Promise<WatchStream<T>> {
    this.record('watch', gvr, o.namespace, undefined, undefined, o);
    const res = resKey(gvr);
    const matches = matcher(o);
    let timer: unknown;
    const onAbort = (): void => stream.stop();
    const { stream, sink } = createWatchStream<T>(() => {
      this.watchers.delete(watcher);
      if (timer !== undefined) this.clock.clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
    });
    const watcher: Watcher = { res, matches, sink };
    const rv = o.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0') {
      for (const [, obj] of this.selected(gvr, o)) sink.push({ type: 'ADDED', object: clone(obj) as T });
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) throw errors.badRequest(`invalid resource version "${rv}"`);
      if (from < this.compactedRv) {
        // Upstream accepts the watch and reports the expiry as its first (and last) event.
        sink.push({ type: 'ERROR', object: this.expiredStatus(rv) });
        sink.end();
        return stream;
      }
      for (const ev of this.history) {
        if (ev.rv <= from || ev.res !== res) continue;
        const type = filteredEventType(ev.type, ev.obj, ev.prev, matches);
        if (type) sink.push({ type, object: clone(ev.obj) as T });
      }
    }
    this.watchers.add(watcher);
    if (o.signal) {
      if (o.signal.aborted) stream.stop();
      else o.signal.addEventListener('abort', onAbort, { once: true });
    }
    if (o.timeoutSeconds && o.timeoutSeconds > 0) timer = this.clock.setTimeout(() => sink.end(), o.timeoutSeconds * 1000);
    return stream;
  }

  async create<T extends KubeObject>(gvr: GroupVersionResource, obj: T, o: CreateOptions = {}): Promise<T> {
    const ns = this.namespaceFor(obj, o.namespace);
    this.record('create', gvr, ns, obj.metadata?.name, o.subresource, o);
    if (o.subresource) return (await this.createSubresource(gvr, obj, ns, o)) as T;
    const next = clone(obj);
    next.metadata = { ...next.metadata };
    const meta = next.metadata;
    if (!meta.name) {
      if (!meta.generateName) throw errors.invalid(gvr.group, obj.kind ?? gvr.resource, '', [required('metadata.name', 'name or generateName is required')]);
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += nameChars[Math.floor(Math.random() * nameChars.length)];
      meta.name = meta.generateName + suffix;
    }
    if (ns) meta.namespace = ns;
    const key = objectKey(next);
    if (this.bucket(gvr).has(key)) throw errors.alreadyExists(gr(gvr), meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.resourceVersion;
    if (o.dryRun) return next;
    this.write(gvr, 'ADDED', next);
    return clone(next);
  }

  async update<T extends KubeObject>(gvr: GroupVersionResource, obj: T, o: UpdateOptions = {}): Promise<T> {
    const ns = this.namespaceFor(obj, o.namespace);
    this.record('update', gvr, ns, obj.metadata?.name, o.subresource, o);
    return this.replace(gvr, ns, obj.metadata?.name ?? '', clone(obj), o.subresource, o.dryRun ?? false) as T;
  }

  async patch<T extends KubeObject>(gvr: GroupVersionResource, name: string, patch: unknown, o: PatchOptions): Promise<T> {
    this.record('patch', gvr, o.namespace, name, o.subresource, o);
    const body = typeof patch === 'string' ? (JSON.parse(patch) as unknown) : patch;
    const existing = this.bucket(gvr).get(objectKey({ metadata: { namespace: o.namespace, name } }));
    if (!existing) {
      if (o.type !== 'apply' || !isPlainObject(body)) throw errors.notFound(gr(gvr), name);
      // Server-side apply creates a missing object.
      const created = clone(body) as KubeObject;
      created.metadata = { ...(isPlainObject(created.metadata) ? created.metadata : {}), name, ...(o.namespace ? { namespace: o.namespace } : {}) };
      return this.create(gvr, created as T, { namespace: o.namespace, dryRun: o.dryRun });
    }
    const patched = o.type === 'json' ? applyJsonPatch(existing, body) : applyMergePatch(existing, body);
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) throw errors.badRequest('the patch removed the object metadata');
    return this.replace(gvr, o.namespace, name, patched as KubeObject, o.subresource, o.dryRun ?? false) as T;
  }

  async delete<T extends KubeObject>(gvr: GroupVersionResource, name: string, o: DeleteOptions = {}): Promise<DeleteResult<T>> {
    this.record('delete', gvr, o.namespace, name, undefined, o);
    return this.deleteOne(gvr, o.namespace, name, o) as T;
  }

  async deleteCollection(gvr: GroupVersionResource, o: DeleteCollectionOptions = {}): Promise<void> {
    this.record('deleteCollection', gvr, o.namespace, undefined, undefined, o);
    for (const [, obj] of this.selected(gvr, o)) await this.deleteOne(gvr, obj.metadata.namespace, obj.metadata.name ?? '', { ...o, preconditions: undefined });
  }

  // --- internals ---

  private record(verb: Verb, gvr: GroupVersionResource, namespace: string | undefined, name: string | undefined, subresource: string | undefined, o: object | undefined): void {
    const call: RecordedCall = { verb, group: gvr.group, resource: gvr.resource, options: withoutSignal(o) };
    if (namespace) call.namespace = namespace;
    if (name) call.name = name;
    if (subresource) call.subresource = subresource;
    this.calls.push(call);
    const i = this.failures.findIndex((f) => f.verb === verb && (!f.resource || f.resource === gvr.resource) && (!f.name || f.name === name));
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      throw f.err;
    }
  }

  private bucket(gvr: GroupVersionResource): Map<string, KubeObject> {
    const k = resKey(gvr);
    let b = this.store.get(k);
    if (!b) this.store.set(k, (b = new Map()));
    return b;
  }

  private mustGet(gvr: GroupVersionResource, namespace: string | undefined, name: string): KubeObject {
    const obj = this.bucket(gvr).get(objectKey({ metadata: { namespace, name } }));
    if (!obj) throw errors.notFound(gr(gvr), name);
    return obj;
  }

  private selected(gvr: GroupVersionResource, sel: { namespace?: string; labelSelector?: string; fieldSelector?: string }): [string, KubeObject][] {
    const matches = matcher(sel);
    return [...this.bucket(gvr).entries()].filter(([, v]) => matches(v)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private namespaceFor(obj: KubeObject, requested: string | undefined): string | undefined {
    const own = obj.metadata?.namespace;
    if (requested && own && requested !== own) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    return requested ?? own;
  }

  private expiredStatus(rv: string): Status {
    return errors.resourceExpired(`too old resource version: ${rv} (${this.compactedRv})`).status;
  }

  /** Stores `obj` with a new resourceVersion and notifies watchers. */
  private write(gvr: GroupVersionResource, type: HistoryEvent['type'], obj: KubeObject, prev?: KubeObject): void {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    const res = resKey(gvr);
    const key = objectKey(obj);
    if (type === 'DELETED') this.bucket(gvr).delete(key);
    else this.bucket(gvr).set(key, obj);
    const ev: HistoryEvent = { rv: this.rv, res, type, obj: clone(obj), prev: prev && clone(prev) };
    this.history.push(ev);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped[dropped.length - 1].rv;
    }
    for (const w of this.watchers) {
      if (w.res !== res) continue;
      const t = filteredEventType(type, ev.obj, ev.prev, w.matches);
      if (t) w.sink.push({ type: t, object: clone(ev.obj) });
    }
  }

  /** Update semantics shared by update and patch. */
  private replace(gvr: GroupVersionResource, namespace: string | undefined, name: string, next: KubeObject, subresource: string | undefined, dryRun: boolean): KubeObject {
    if (!name) throw errors.badRequest('resource name may not be empty');
    if (subresource && subresource !== 'status') throw errors.notFound(gr(gvr), `${name}/${subresource}`);
    const existing = this.mustGet(gvr, namespace, name);
    const sentRv = next.metadata?.resourceVersion;
    if (sentRv && sentRv !== existing.metadata.resourceVersion) throw errors.staleObject(gr(gvr), name);
    let out: KubeObject;
    if (subresource === 'status') {
      out = clone(existing);
      if (next.status === undefined) delete out.status;
      else out.status = clone(next.status);
    } else {
      out = next;
      out.metadata = { ...next.metadata };
      if (existing.status === undefined) delete out.status;
      else out.status = clone(existing.status);
      const m = out.metadata;
      const em = existing.metadata;
      m.name = em.name;
      m.uid = em.uid;
      m.creationTimestamp = em.creationTimestamp;
      if (em.namespace) m.namespace = em.namespace;
      if (em.deletionTimestamp) m.deletionTimestamp = em.deletionTimestamp;
      else delete m.deletionTimestamp;
      m.generation = (em.generation ?? 1) + (deepEqual(specPart(out), specPart(existing)) ? 0 : 1);
    }
    out.metadata.resourceVersion = existing.metadata.resourceVersion;
    // A no-op write changes nothing and sends no event, as upstream's update does.
    if (deepEqual(out, existing)) return clone(existing);
    if (dryRun) return out;
    if (out.metadata.deletionTimestamp && !(out.metadata.finalizers?.length)) {
      this.write(gvr, 'DELETED', out);
    } else this.write(gvr, 'MODIFIED', out, existing);
    return clone(out);
  }

  private deleteOne(gvr: GroupVersionResource, namespace: string | undefined, name: string, o: DeleteOptions): KubeObject {
    const existing = this.mustGet(gvr, namespace, name);
    const p = o.preconditions;
    if (p?.uid && p.uid !== existing.metadata.uid) {
      throw errors.conflict(gr(gvr), name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`);
    }
    if (p?.resourceVersion && p.resourceVersion !== existing.metadata.resourceVersion) {
      throw errors.conflict(gr(gvr), name, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ''}`);
    }
    const out = clone(existing);
    if (o.dryRun) return out;
    if (existing.metadata.finalizers?.length) {
      if (existing.metadata.deletionTimestamp) return out;
      out.metadata.deletionTimestamp = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      out.metadata.deletionGracePeriodSeconds = 0;
      this.write(gvr, 'MODIFIED', out, existing);
      return clone(out);
    }
    this.write(gvr, 'DELETED', out);
    return clone(out);
  }

  /** pods/binding and pods/eviction, the subresources controllers and the scheduler create. */
  private async createSubresource(gvr: GroupVersionResource, obj: KubeObject, ns: string | undefined, o: CreateOptions): Promise<KubeObject> {
    const name = obj.metadata?.name ?? '';
    if (gvr.resource === 'pods' && o.subresource === 'binding') {
      const pod = this.mustGet(gvr, ns, name);
      const target = isPlainObject(obj.target) && typeof obj.target.name === 'string' ? obj.target.name : '';
      const spec = isPlainObject(pod.spec) ? pod.spec : {};
      if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
        throw errors.conflict(gr(gvr), name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      }
      const next = clone(pod);
      next.spec = { ...spec, nodeName: target };
      if (!o.dryRun) this.write(gvr, 'MODIFIED', next, pod);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    }
    if (gvr.resource === 'pods' && o.subresource === 'eviction') {
      const opts = isPlainObject(obj.deleteOptions) ? (obj.deleteOptions as DeleteOptions) : {};
      this.deleteOne(gvr, ns, name, { ...opts, dryRun: o.dryRun });
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    }
    throw errors.notFound(gr(gvr), `${name}/${o.subresource ?? ''}`);
  }
}
