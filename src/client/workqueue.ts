// client-go's rate-limited work queue (util/workqueue: Type + delaying + rate limiting).
//
// Guarantees:
// - De-duplication: an item is queued at most once however often it is added before a
//   worker takes it (the "dirty" set).
// - No concurrent processing of one item: an item added while a worker holds it (between
//   `get` and `done`) is not handed out again until `done`, and then it is re-queued once
//   (the "processing" set). So a reconcile never races itself on one key.
// - Fairness: items are handed out in the order they became ready (FIFO).
// - Delays: `addAfter(item, ms)` makes the item ready after `ms` on the injected clock; of
//   several pending delays for one item the earliest wins.
// - Back-off: `addRateLimited` delays by the rate limiter (default: per item, 5 ms doubling
//   per failure up to 1000 s, client-go's ItemExponentialFailureRateLimiter in
//   DefaultControllerRateLimiter); `forget` resets the item's failure count.
// - Shutdown: after `shutDown`, adds are ignored, pending delays are cancelled, and every
//   `get` (waiting or future) resolves `undefined`. Unlike client-go, items still queued are
//   dropped rather than drained: a stopped controller (e.g. one that lost leadership) must
//   not act. `shutDownWithDrain` additionally waits until in-flight items are `done`.
import { realClock, type Clock, type TimerHandle } from './clock.js';

export interface RateLimiter<T> {
  /** Delay before the item's next retry; counts a failure. */
  when(item: T): number;
  forget(item: T): void;
  numRequeues(item: T): number;
}

/** Per-item exponential back-off: base·2^failures, capped (client-go ItemExponentialFailureRateLimiter). */
export function exponentialRateLimiter<T>(baseMs = 5, maxMs = 1000_000): RateLimiter<T> {
  const failures = new Map<T, number>();
  return {
    when(item) {
      const n = failures.get(item) ?? 0;
      failures.set(item, n + 1);
      // Past 2^62 the float is no longer exact and the cap applies anyway.
      const backoff = baseMs * 2 ** Math.min(n, 62);
      return backoff > maxMs ? maxMs : backoff;
    },
    forget(item) {
      failures.delete(item);
    },
    numRequeues(item) {
      return failures.get(item) ?? 0;
    },
  };
}

export interface WorkQueueOptions<T> {
  clock?: Clock;
  rateLimiter?: RateLimiter<T>;
}

export class WorkQueue<T> {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<T>;
  private queue: T[] = [];
  private head = 0; // index of the next item in `queue` (shift() is O(n) on big arrays)
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly waiting = new Map<T, { readyAt: number; timer: TimerHandle }>();
  private readonly getters: ((item: T | undefined) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private stopping = false;

  constructor(opts: WorkQueueOptions<T> = {}) {
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? exponentialRateLimiter<T>();
  }

  /** Marks the item as needing processing. */
  add(item: T): void {
    if (this.stopping || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return; // re-queued by done()
    this.queue.push(item);
    this.handOut();
  }

  /** Adds the item once `ms` have passed (at once when `ms <= 0`). */
  addAfter(item: T, ms: number): void {
    if (this.stopping) return;
    if (ms <= 0) return this.add(item);
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing) {
      if (existing.readyAt <= readyAt) return;
      this.clock.clearTimeout(existing.timer);
    }
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, ms);
    this.waiting.set(item, { readyAt, timer });
  }

  /** Adds the item after its rate-limited back-off (counts a failure). */
  addRateLimited(item: T): void {
    if (this.stopping) return;
    this.addAfter(item, this.limiter.when(item));
  }

  /** Ends back-off tracking for the item (call after it was processed successfully). */
  forget(item: T): void {
    this.limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }

  /** The next item to process, waiting if none is ready; `undefined` once shut down. Call `done` after. */
  get(): Promise<T | undefined> {
    if (this.stopping) return Promise.resolve(undefined);
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends processing of an item taken with `get`; re-queues it if it was added meanwhile. */
  done(item: T): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item) && !this.stopping) {
      this.queue.push(item);
      this.handOut();
    }
    if (this.processing.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Items ready to be handed out (not counting delayed or in-flight ones). */
  len(): number {
    return this.queue.length - this.head;
  }

  shuttingDown(): boolean {
    return this.stopping;
  }

  shutDown(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
    this.queue = [];
    this.head = 0;
    this.dirty.clear();
    const getters = this.getters.splice(0);
    for (const g of getters) g(undefined);
  }

  /** Shuts down, then resolves once every item handed out has been marked `done`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private take(): T {
    const item = this.queue[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }

  private handOut(): void {
    while (this.head < this.queue.length) {
      const g = this.getters.shift();
      if (!g) return;
      g(this.take());
    }
  }
}
