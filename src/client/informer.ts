// A shared informer (client-go tools/cache: Reflector + DeltaFIFO + sharedIndexInformer,
// folded into one loop): it lists a resource, then watches from the list's
// resourceVersion, keeps an indexed local cache, and tells handlers what changed.
//
// Guarantees:
// - Per-key ordering: handlers see each object's changes in the order the server made them;
//   all handler calls happen one at a time, from one loop (never concurrently).
// - No missed final state: when the watch ends it resumes from the last resourceVersion
//   seen (events or bookmarks); when that version is gone (410, as a thrown ApiError or an
//   ERROR event) it relists and delivers the difference against the cache — adds, updates
//   (resourceVersion changed) and deletes (`finalStateUnknown = true`, with the last cached
//   object) — so after every relist the cache and the handlers agree with the server.
// - `hasSynced()` turns true once the first complete list is in the cache and its adds were
//   delivered; it never turns false again.
// - A handler added after start first receives an add for every cached object.
// - Resync (optional) re-delivers every cached object as `onUpdate(obj, obj)` each period,
//   for controllers that must re-check state that did not change on the server.
// - Failing list/watch calls are retried with back-off (800 ms doubling to 30 s, as the
//   reflector's), reported through `onError`; the informer runs until its signal aborts.
// Cached objects are shared: handlers and readers must not mutate them.
import type { GroupVersionResource, KubeList, KubeObject } from '../machinery/types.js';
import { NAMESPACE_INDEX, namespaceIndexFunc, ObjectCache, type IndexFunc } from './cache.js';
import { realClock, sleep, type Clock, type TimerHandle } from './clock.js';
import { apiErrorFromResponse, isGone } from './errors.js';
import { gvrString, objectKey, type Client } from './types.js';

export interface EventHandler<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** `finalStateUnknown`: the delete was inferred on relist; `obj` is the last state cached. */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object as an update this often; 0 or unset: never. */
  resyncPeriodMs?: number;
  clock?: Clock;
  /** List page size (client-go's reflector uses 500). */
  pageSize?: number;
  /** Fixed watch timeout; by default a random 5–10 min, as the reflector spreads re-watches. */
  watchTimeoutSeconds?: number;
  /**
   * Applied to every object before it is cached and handed out (client-go's TransformFunc),
   * e.g. `stripManagedFields`. It must not change its argument (objects may be shared).
   */
  transform?: (obj: T) => T;
  /** Told about every failed list/watch and throwing handler; default: one line on stderr. */
  onError?: (err: unknown, phase: 'list' | 'watch' | 'handler') => void;
}

const initialBackoffMs = 800;
const maxBackoffMs = 30_000;

/**
 * Drops metadata.managedFields, which no controller reads, from cached objects: often the
 * larger half of an object (upstream's kube-controller-manager and kube-scheduler trim them
 * from their informers the same way). Writes of such an object keep the stored managedFields,
 * as the server does for any update that omits them.
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export class SharedInformer<T extends KubeObject = KubeObject> {
  readonly gvr: GroupVersionResource;
  readonly options: Readonly<InformerOptions<T>>;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly cache = new ObjectCache<T>();
  private readonly handlers = new Set<EventHandler<T>>();
  private synced = false;
  private syncWaiters: ((ok: boolean) => void)[] = [];
  private running = false;
  private stopped = false;
  private lastRv = '';
  private resyncTimer: TimerHandle | undefined;

  constructor(client: Client, gvr: GroupVersionResource, opts: InformerOptions<T> = {}) {
    this.client = client;
    this.gvr = gvr;
    this.options = opts;
    this.clock = opts.clock ?? realClock;
    this.cache.addIndexer(NAMESPACE_INDEX, namespaceIndexFunc);
  }

  // --- handlers ---

  /** Registers a handler; returns a function that removes it. */
  addEventHandler(h: EventHandler<T>): () => void {
    this.handlers.add(h);
    if (h.onAdd) for (const obj of this.cache.list()) this.call(() => h.onAdd?.(obj));
    return () => this.handlers.delete(h);
  }

  onAdd(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onAdd: fn });
  }

  onUpdate(fn: (oldObj: T, newObj: T) => void): () => void {
    return this.addEventHandler({ onUpdate: fn });
  }

  onDelete(fn: (obj: T, finalStateUnknown: boolean) => void): () => void {
    return this.addEventHandler({ onDelete: fn });
  }

  // --- cache reads ---

  /** By `namespace/name` (or `name` for cluster-scoped objects). */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return this.cache.list();
  }

  /** Cached objects in one namespace (the built-in `namespace` index). */
  listInNamespace(namespace: string): T[] {
    return this.cache.byIndex(NAMESPACE_INDEX, namespace);
  }

  keys(): string[] {
    return this.cache.keys();
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.cache.addIndexer(name, fn);
  }

  hasIndexer(name: string): boolean {
    return this.cache.hasIndexer(name);
  }

  byIndex(name: string, value: string): T[] {
    return this.cache.byIndex(name, value);
  }

  indexKeys(name: string, value: string): string[] {
    return this.cache.indexKeys(name, value);
  }

  /** The resourceVersion the cache reflects (from the last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.lastRv;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false if the signal aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = (): void => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(done);
    });
  }

  get started(): boolean {
    return this.running || this.stopped;
  }

  // --- the loop ---

  /** Runs until `signal` aborts; resolves then. An informer runs once. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.running || this.stopped) throw new Error(`informer ${gvrString(this.gvr)} already started`);
    this.running = true;
    let backoff = initialBackoffMs;
    const wait = async (): Promise<void> => {
      await sleep(this.clock, backoff, signal);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    };
    let needList = true;
    try {
      while (!signal.aborted) {
        if (needList) {
          try {
            await this.relist(signal);
            needList = false;
            backoff = initialBackoffMs;
          } catch (e) {
            if (signal.aborted) break;
            this.report(e, 'list');
            await wait();
            continue;
          }
        }
        try {
          const began = this.clock.now();
          const events = await this.watchOnce(signal);
          // The reflector's "very short watch" rule: a watch that ended within a second
          // without one event is treated as a failure, so a closing server is not hammered.
          if (events > 0 || this.clock.now() - began >= 1000) backoff = initialBackoffMs;
          else await wait();
        } catch (e) {
          if (signal.aborted) break;
          if (isGone(e)) {
            needList = true; // our version was compacted: relist, then diff
            continue;
          }
          this.report(e, 'watch');
          await wait();
        }
      }
    } finally {
      this.running = false;
      this.stopped = true;
      if (this.resyncTimer !== undefined) this.clock.clearTimeout(this.resyncTimer);
      const waiters = this.syncWaiters.splice(0);
      for (const w of waiters) w(false);
    }
  }

  private async listAll(signal: AbortSignal): Promise<KubeList<T>> {
    const base = { namespace: this.options.namespace, labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector, signal };
    const limit = this.options.pageSize ?? 500;
    try {
      const first = await this.client.list<T>(this.gvr, { ...base, limit });
      const items = [...first.items];
      let cont = first.metadata.continue;
      while (cont) {
        const page = await this.client.list<T>(this.gvr, { ...base, limit, continue: cont });
        items.push(...page.items);
        cont = page.metadata.continue;
      }
      return { ...first, items };
    } catch (e) {
      // An expired continue token: fall back to one unpaginated list, as the reflector does.
      if (!isGone(e)) throw e;
      return this.client.list<T>(this.gvr, base);
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const list = await this.listAll(signal);
    if (signal.aborted) return;
    const seen = new Set<string>();
    const transform = this.options.transform;
    for (const item of list.items) {
      const obj = transform ? transform(item) : item;
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.get(key);
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.cache.set(key, obj);
      if (old) this.emitUpdate(old, obj);
      else this.emitAdd(obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key);
      if (old) this.emitDelete(old, true);
    }
    this.lastRv = list.metadata.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters.splice(0);
      for (const w of waiters) w(true);
      this.scheduleResync(signal);
    }
  }

  /** One watch from lastRv; returns how many events it delivered. Throws on ERROR events. */
  private async watchOnce(signal: AbortSignal): Promise<number> {
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
    const stream = await this.client.watch<T>(this.gvr, {
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      resourceVersion: this.lastRv,
      allowWatchBookmarks: true,
      timeoutSeconds,
      signal,
    });
    let n = 0;
    try {
      for await (const ev of stream) {
        if (signal.aborted) break;
        if (ev.type === 'ERROR') throw apiErrorFromResponse(ev.object.code || 500, ev.object);
        n++;
        const rv = ev.object.metadata?.resourceVersion;
        if (ev.type === 'BOOKMARK') {
          if (rv) this.lastRv = rv;
          continue;
        }
        const obj = this.options.transform ? this.options.transform(ev.object) : ev.object;
        const key = objectKey(obj);
        if (ev.type === 'DELETED') {
          const old = this.cache.delete(key);
          if (old) this.emitDelete(obj, false);
        } else {
          const old = this.cache.set(key, obj);
          if (old) this.emitUpdate(old, obj);
          else this.emitAdd(obj);
        }
        if (rv) this.lastRv = rv;
      }
    } finally {
      stream.stop();
    }
    return n;
  }

  private scheduleResync(signal: AbortSignal): void {
    const period = this.options.resyncPeriodMs ?? 0;
    if (period <= 0 || signal.aborted) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      this.resyncTimer = undefined;
      if (signal.aborted) return;
      for (const obj of this.cache.list()) this.emitUpdate(obj, obj);
      this.scheduleResync(signal);
    }, period);
  }

  // --- delivery ---

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.report(e, 'handler');
    }
  }

  private emitAdd(obj: T): void {
    for (const h of this.handlers) if (h.onAdd) this.call(() => h.onAdd?.(obj));
  }

  private emitUpdate(oldObj: T, newObj: T): void {
    for (const h of this.handlers) if (h.onUpdate) this.call(() => h.onUpdate?.(oldObj, newObj));
  }

  private emitDelete(obj: T, finalStateUnknown: boolean): void {
    for (const h of this.handlers) if (h.onDelete) this.call(() => h.onDelete?.(obj, finalStateUnknown));
  }

  private report(err: unknown, phase: 'list' | 'watch' | 'handler'): void {
    if (this.options.onError) return this.options.onError(err, phase);
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`informer ${gvrString(this.gvr)}: ${phase} failed: ${msg}${phase === 'handler' ? '' : ' (retrying with back-off)'}\n`);
  }
}
