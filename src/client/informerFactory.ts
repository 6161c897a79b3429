// One informer per resource+namespace+selectors, shared by every controller that asks
// (client-go's SharedInformerFactory): one list+watch and one cache however many
// controllers read it. `start` runs every informer requested so far; an informer requested
// after `start` starts at once (client-go needs a second Start call for that).
import type { GroupVersionResource, KubeObject } from '../machinery/types.js';
import type { Clock } from './clock.js';
import { SharedInformer, type InformerOptions } from './informer.js';
import type { Client } from './types.js';

export interface InformerFactoryOptions {
  /** Default resync period for informers created here (0: none). */
  resyncPeriodMs?: number;
  /** Restrict every informer to one namespace (unless one asks for another). */
  namespace?: string;
  clock?: Clock;
  onError?: InformerOptions['onError'];
  /** Applied to every object of every informer created here (e.g. `stripManagedFields`). */
  transform?: InformerOptions['transform'];
}

export interface InformerSelection {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer>();
  private readonly runs: Promise<void>[] = [];
  private signal: AbortSignal | undefined;

  constructor(private readonly client: Client, private readonly opts: InformerFactoryOptions = {}) {}

  /** The shared informer for a resource (+ namespace/selectors), created on first request. */
  informerFor<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, sel: InformerSelection = {}): SharedInformer<T> {
    const namespace = sel.namespace ?? this.opts.namespace;
    const key = [gvr.group, gvr.version, gvr.resource, namespace ?? '', sel.labelSelector ?? '', sel.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new SharedInformer(this.client, gvr, {
        namespace,
        labelSelector: sel.labelSelector,
        fieldSelector: sel.fieldSelector,
        resyncPeriodMs: this.opts.resyncPeriodMs,
        clock: this.opts.clock,
        onError: this.opts.onError,
        transform: this.opts.transform,
      });
      this.informers.set(key, inf);
      if (this.signal) this.run(inf, this.signal);
    }
    // Callers name the object type they expect of this resource; the cache holds what the
    // server sent, so this is the same trust a typed client.get<T> places in the server.
    return inf as unknown as SharedInformer<T>;
  }

  /** Starts every informer not yet started; they stop when `signal` aborts. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const inf of this.informers.values()) if (!inf.started) this.run(inf, signal);
  }

  /** Resolves true once every informer requested so far has synced (false if aborted first). */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((inf) => inf.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves once every started informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.runs);
  }

  all(): SharedInformer[] {
    return [...this.informers.values()];
  }

  private run(inf: SharedInformer, signal: AbortSignal): void {
    this.runs.push(inf.start(signal));
  }
}

/**
 * A factory shared by several components of one process, with the signal that bounds the
 * informers' life (not any one component's): each component registers its handlers and
 * starts the factory with this signal; informers started once serve them all.
 */
export interface SharedInformers {
  factory: SharedInformerFactory;
  signal: AbortSignal;
}
