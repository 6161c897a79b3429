// Runs controllers: one shared informer per resource, one work queue per controller, the
// shared reconcile loop around each controller's pure decide function, and the action
// executor. Guarantees: a key is synced by one worker at a time; every sync sees the
// informer caches after they first synced; a failed action makes the key retry with
// back-off and is handed to the next decide call as lastFailure.
import { setMaxListeners } from 'node:events';
import { objectKey, type Client, type GroupVersionResource } from '../../client/types.js';
import { runController } from '../../client/controllerLoop.js';
import { SharedInformerFactory, type SharedInformers } from '../../client/informerFactory.js';
import type { SharedInformer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { KubeObject } from '../../machinery/types.js';
import type { LastFailure } from '../shared/actions.js';
import type { CollectionAction } from '../shared/collectionActions.js';
import { EventRecorder } from '../../client/eventRecorder.js';
import { executeActions } from './executor.js';

/** Read access to the informer caches a controller declared. */
export interface CacheView {
  informer(gvr: GroupVersionResource): SharedInformer;
}

export interface ControllerDefinition<O> {
  name: string;
  primary: GroupVersionResource;
  /** Every other resource the controller reads (their changes may map to primary keys). */
  secondary?: GroupVersionResource[];
  /** Primary keys to sync when an object of a secondary resource changes. */
  keysFor?(gvr: GroupVersionResource, obj: KubeObject, cache: CacheView): string[];
  /** Builds the decide input for a key; undefined when there is nothing to do (object gone). */
  observe(key: string, cache: CacheView): O | undefined;
  decide(observed: O, now: number, lastFailure: LastFailure | undefined): CollectionAction[];
  /** The queue key for a primary object (default namespace/name). */
  primaryKey?(obj: KubeObject): string;
  /**
   * A periodic pass instead of per-object syncs: this one key is synced at start and then
   * whenever decide asks (requeueAfter); object events do not trigger it.
   */
  periodicKey?: string;
  workers?: number;
}

export interface ManagerOptions {
  client: Client;
  /** Component name for Events and managedFields (`kube-controller-manager` upstream). */
  component: string;
  log?: (msg: string) => void;
  resyncPeriodMs?: number;
  /** Informers shared with other components of this process (default: the manager's own). */
  informers?: SharedInformers;
}

const sameGvr = (a: GroupVersionResource, b: GroupVersionResource): boolean => a.group === b.group && a.version === b.version && a.resource === b.resource;

export class ControllerManager {
  readonly factory: SharedInformerFactory;
  private readonly recorder: EventRecorder;
  // Definitions are heterogeneous in their observed type; each is only used with its own.
  private readonly defs: ControllerDefinition<unknown>[] = [];

  constructor(private readonly opts: ManagerOptions) {
    this.factory = opts.informers?.factory ?? new SharedInformerFactory(opts.client, { resyncPeriodMs: opts.resyncPeriodMs, onError: (e) => opts.log?.(`informer: ${e instanceof Error ? e.message : String(e)}`) });
    this.recorder = new EventRecorder(opts.client, opts.component);
  }

  add<O>(def: ControllerDefinition<O>): void {
    this.defs.push(def as ControllerDefinition<unknown>);
  }

  /** Waits (bounded) until each informer has observed at least the given resourceVersion. */
  private async catchUp(expected: { gvr: GroupVersionResource; rv: number }[] | undefined, signal: AbortSignal): Promise<void> {
    if (!expected) return;
    const deadline = Date.now() + 10_000;
    for (const { gvr, rv } of expected) {
      const inf = this.factory.informerFor(gvr);
      while (Number(inf.lastSyncResourceVersion() || 0) < rv && Date.now() < deadline && !signal.aborted) {
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  }

  /** Starts every informer and controller; resolves when the signal aborts and all stopped. */
  async run(signal: AbortSignal): Promise<void> {
    // Every informer, queue and worker listens for the one stop signal.
    setMaxListeners(0, signal);
    const cache: CacheView = { informer: (gvr) => this.factory.informerFor(gvr) };
    const loops: Promise<void>[] = [];
    const starters: (() => void)[] = [];
    for (const def of this.defs) {
      const queue = new WorkQueue<string>();
      const failures = new Map<string, LastFailure>();
      // Upstream's "expectations": after writing, a key waits until the informers have seen
      // its own writes, so a sync never acts on a cache that predates them (no duplicate pods).
      const expectations = new Map<string, { gvr: GroupVersionResource; rv: number }[]>();
      const enqueuePrimary = (obj: KubeObject): void => queue.add(def.primaryKey ? def.primaryKey(obj) : objectKey(obj));
      const primary = this.factory.informerFor(def.primary);
      if (def.periodicKey) queue.add(def.periodicKey);
      else primary.addEventHandler({ onAdd: enqueuePrimary, onUpdate: (_o, n) => enqueuePrimary(n), onDelete: enqueuePrimary });
      for (const g of def.secondary ?? []) {
        if (sameGvr(g, def.primary)) continue;
        if (def.periodicKey) {
          this.factory.informerFor(g); // read by the pass; synced before it first runs
          continue;
        }
        const enqueue = (obj: KubeObject): void => {
          for (const k of def.keysFor?.(g, obj, cache) ?? []) queue.add(k);
        };
        this.factory.informerFor(g).addEventHandler({ onAdd: enqueue, onUpdate: (o, n) => (enqueue(o), enqueue(n)), onDelete: enqueue });
      }
      starters.push(() => {
        loops.push(
          runController({
            name: def.name,
            queue,
            workers: def.workers ?? 2,
            signal,
            onError: (key, err) => this.opts.log?.(`controller ${def.name}: sync "${key}": ${err instanceof Error ? err.message : String(err)}`),
            reconcile: async (key) => {
              await this.catchUp(expectations.get(key), signal);
              expectations.delete(key);
              const observed = def.observe(key, cache);
              if (observed === undefined) {
                failures.delete(key);
                return;
              }
              const actions = def.decide(observed, Date.now(), failures.get(key));
              const res = await executeActions(this.opts.client, this.recorder, actions, { fieldManager: this.opts.component });
              const watched = [...res.written.values()].filter((w) => [def.primary, ...(def.secondary ?? [])].some((g) => sameGvr(g, w.gvr)));
              if (watched.length) expectations.set(key, watched);
              if (res.failure) {
                failures.set(key, res.failure);
                throw new Error(res.failure.message);
              }
              failures.delete(key);
              return res.requeueAfterMs !== undefined ? { requeueAfterMs: res.requeueAfterMs } : undefined;
            },
          }),
        );
      });
    }
    this.factory.start(this.opts.informers?.signal ?? signal);
    await this.factory.waitForSync(signal);
    for (const s of starters) s();
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await Promise.all(loops);
  }
}
