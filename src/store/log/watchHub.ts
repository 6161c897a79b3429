// In-process watch fan-out for log-backed stores.
//
// Guarantees:
// - Every watch gets, in revision order and exactly once, each event with revision >
//   fromRevision on a key under its prefix, until it is cancelled or fails.
// - No gap between replay and live: subscribe() reads the log's current revision R and
//   registers the watch in the same synchronous turn, and every write publishes in the turn
//   that committed it, so events <= R come from the log (in chunks) and events > R from
//   publish(), which buffers them until the replay is done.
// - Callbacks never run inside subscribe() or a writer's call: delivery is batched on
//   setImmediate, so a slow watcher delays only the event loop, never a commit.
// - onError runs at most once and nothing follows it. A watch that fails while replaying
//   drops its buffered live events (delivering them would skip the unreplayed part).
// - Matching costs O(distinct prefix lengths) map lookups per event, not O(watchers):
//   watches are indexed by prefix, and an event's key is cut at each registered length.
// Event objects are shared between watchers; callers must not mutate them.
import { StoreError, type StoreEvent, type WatchHandle } from '../types.js';
import type { Log } from './types.js';

/** Events per replay query; between chunks the event loop (and writers) run. */
const REPLAY_CHUNK = 1000;

type Source = Pick<Log, 'currentRevision' | 'compactedRevision' | 'events'>;

class Subscription implements WatchHandle {
  /** Events waiting for delivery (while replaying: live events buffered for later). */
  queue: StoreEvent[] = [];
  replaying = false;
  /** While replaying: the last revision delivered, and the revision replay stops at. */
  cursor = 0;
  upto = 0;
  /** Events at or below this revision are not for this watch (it may start in the future). */
  fromRevision = 0;
  error: StoreError | undefined;
  done = false;
  registered = false;

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    readonly onEvents: (events: StoreEvent[]) => void,
    readonly onError: (err: StoreError) => void,
  ) {}

  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.queue = [];
    this.hub.unregister(this);
  }
}

export class WatchHub {
  private readonly byPrefix = new Map<string, Set<Subscription>>();
  /** Distinct registered prefix lengths, ascending, with how many prefixes have each. */
  private lengths: number[] = [];
  private readonly lengthRefs = new Map<number, number>();
  private readonly replays = new Set<Subscription>();
  private dirty = new Set<Subscription>();
  private flushScheduled = false;
  private closedWith: StoreError | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly source: Source,
    private readonly log: (msg: string) => void,
  ) {}

  subscribe(
    prefix: string,
    fromRevision: number,
    onEvents: (events: StoreEvent[]) => void,
    onError: (err: StoreError) => void,
  ): WatchHandle {
    const sub = new Subscription(this, prefix, onEvents, onError);
    if (this.closedWith) {
      this.fail(sub, this.closedWith);
      return sub;
    }
    const compacted = this.source.compactedRevision();
    if (fromRevision < compacted) {
      this.fail(sub, compactedError(fromRevision, compacted));
      return sub;
    }
    const current = this.source.currentRevision();
    sub.fromRevision = fromRevision;
    this.register(sub);
    if (fromRevision < current) {
      sub.replaying = true;
      sub.cursor = fromRevision;
      sub.upto = current;
      this.replays.add(sub);
      setImmediate(() => this.replayStep(sub));
    }
    return sub;
  }

  /** Called by the writer right after each commit, in revision order. */
  publish(ev: StoreEvent): void {
    if (this.byPrefix.size === 0) return;
    const key = ev.kv.key;
    for (const len of this.lengths) {
      if (len > key.length) break;
      const subs = this.byPrefix.get(len === key.length ? key : key.slice(0, len));
      if (!subs) continue;
      for (const sub of subs) {
        if (ev.kv.modRevision <= sub.fromRevision) continue;
        sub.queue.push(ev);
        if (!sub.replaying) this.markDirty(sub);
      }
    }
  }

  /** Fails every watch with err (after delivering what it already has) and resolves once all callbacks ran. */
  close(err: StoreError): Promise<void> {
    this.closedWith = err;
    for (const subs of [...this.byPrefix.values()]) for (const sub of [...subs]) this.fail(sub, err);
    return this.whenIdle();
  }

  unregister(sub: Subscription): void {
    this.replays.delete(sub);
    if (!sub.registered) return;
    sub.registered = false;
    const subs = this.byPrefix.get(sub.prefix);
    if (!subs) return;
    subs.delete(sub);
    if (subs.size > 0) return;
    this.byPrefix.delete(sub.prefix);
    const len = sub.prefix.length;
    const refs = (this.lengthRefs.get(len) ?? 1) - 1;
    if (refs > 0) {
      this.lengthRefs.set(len, refs);
    } else {
      this.lengthRefs.delete(len);
      this.lengths = this.lengths.filter((l) => l !== len);
    }
    this.maybeIdle();
  }

  private register(sub: Subscription): void {
    sub.registered = true;
    let subs = this.byPrefix.get(sub.prefix);
    if (!subs) {
      subs = new Set();
      this.byPrefix.set(sub.prefix, subs);
      const len = sub.prefix.length;
      const refs = this.lengthRefs.get(len) ?? 0;
      this.lengthRefs.set(len, refs + 1);
      if (refs === 0) this.lengths = [...this.lengths, len].sort((a, b) => a - b);
    }
    subs.add(sub);
  }

  private fail(sub: Subscription, err: StoreError): void {
    if (sub.done || sub.error) return;
    if (sub.replaying) sub.queue = [];
    sub.replaying = false;
    sub.error = err;
    this.unregister(sub);
    this.markDirty(sub);
  }

  private replayStep(sub: Subscription): void {
    if (sub.done || !sub.replaying) return;
    const compacted = this.source.compactedRevision();
    if (compacted > sub.cursor) {
      this.fail(sub, compactedError(sub.cursor, compacted));
      return;
    }
    let events: StoreEvent[];
    try {
      events = this.source.events(sub.prefix, sub.cursor, sub.upto, REPLAY_CHUNK);
    } catch (e) {
      this.log(`watch ${sub.prefix}: replay from revision ${sub.cursor} failed: ${String(e)}`);
      this.fail(sub, new StoreError('Closed', `watch replay failed: ${String(e)}`));
      return;
    }
    if (events.length > 0) {
      sub.cursor = events[events.length - 1]!.kv.modRevision;
      this.deliver(sub, events);
      if (sub.done || !sub.replaying) return;
    }
    if (events.length < REPLAY_CHUNK) {
      sub.replaying = false;
      this.replays.delete(sub);
      if (sub.queue.length > 0) this.markDirty(sub);
      this.maybeIdle();
    } else {
      setImmediate(() => this.replayStep(sub));
    }
  }

  private markDirty(sub: Subscription): void {
    this.dirty.add(sub);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const subs = this.dirty;
    this.dirty = new Set();
    for (const sub of subs) {
      if (sub.done) continue;
      if (sub.queue.length > 0) {
        const batch = sub.queue;
        sub.queue = [];
        this.deliver(sub, batch);
      }
      if (sub.error && !sub.done) {
        sub.done = true;
        try {
          sub.onError(sub.error);
        } catch (e) {
          this.log(`watch ${sub.prefix}: onError threw: ${String(e)}`);
        }
      }
    }
    this.maybeIdle();
  }

  private deliver(sub: Subscription, events: StoreEvent[]): void {
    try {
      sub.onEvents(events);
    } catch (e) {
      // A throwing consumer must not starve the other watchers of this batch.
      this.log(`watch ${sub.prefix}: onEvents threw: ${String(e)}`);
    }
  }

  private whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.dirty.size === 0 && !this.flushScheduled && this.replays.size === 0;
  }

  private maybeIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function compactedError(revision: number, compacted: number): StoreError {
  return new StoreError('Compacted', `revision ${revision} has been compacted (compacted revision is ${compacted})`);
}
