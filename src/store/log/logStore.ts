// The etcd verbs (create/update/delete with compare-and-swap, paged list at a revision,
// watch from a revision, compaction) over a synchronous Log — kine's logstructured layer.
// Preconditions are checked and the row appended in one synchronous call, so no other write
// can interleave; each write publishes its event to the watch hub in the same turn.
import {
  StoreError,
  type KeyValue,
  type Store,
  type StoreEvent,
  type StoreListOptions,
  type StoreListResult,
  type WatchHandle,
} from '../types.js';
import type { Log } from './types.js';
import { WatchHub } from './watchHub.js';

/** Revisions compacted per synchronous step; the event loop runs between steps. */
const COMPACT_STEP = 10_000;

export interface LogStoreOptions {
  log?: (msg: string) => void;
}

export class LogStore implements Store {
  private readonly hub: WatchHub;
  private closed = false;
  private closing: Promise<void> | undefined;
  private compacting: Promise<void> = Promise.resolve();

  constructor(
    private readonly backing: Log,
    opts: LogStoreOptions = {},
  ) {
    this.hub = new WatchHub(backing, opts.log ?? (() => {}));
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    return this.backing.get(key);
  }

  async list(prefix: string, opts: StoreListOptions = {}): Promise<StoreListResult> {
    this.checkOpen();
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const current = this.backing.currentRevision();
    const compacted = this.backing.compactedRevision();
    if (opts.revision !== undefined && opts.revision < compacted) {
      throw new StoreError('Compacted', `revision ${opts.revision} has been compacted (compacted revision is ${compacted})`);
    }
    // A revision at or past the current one reads the current view (nothing newer exists).
    const revision = opts.revision === undefined || opts.revision >= current ? current : opts.revision;
    const at = revision === current ? undefined : revision;
    const items = this.backing.list(prefix, opts.after, limit > 0 ? limit + 1 : 0, at);
    const more = limit > 0 && items.length > limit;
    if (!more) return { items, revision, more: false };
    items.length = limit;
    const remaining = this.backing.count(prefix, items[limit - 1]!.key, at);
    return { items, revision, more: true, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    return this.backing.count(prefix, undefined);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.checkOpen();
    if (this.backing.get(key)) throw new StoreError('KeyExists', `key ${key} already exists`);
    const revision = this.backing.currentRevision() + 1;
    this.backing.append({ revision, key, deleted: false, createRevision: revision, prevRevision: 0, value });
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    this.hub.publish({ type: 'put', kv, created: true });
    await this.backing.durable();
    return { ...kv };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.checkOpen();
    const prev = this.expect(key, expectedModRevision);
    const revision = this.backing.currentRevision() + 1;
    const { createRevision } = prev;
    this.backing.append({ revision, key, deleted: false, createRevision, prevRevision: prev.modRevision, value });
    const kv: KeyValue = { key, value, createRevision, modRevision: revision };
    this.hub.publish({ type: 'put', kv, prev });
    await this.backing.durable();
    return { ...kv };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const prev = this.expect(key, expectedModRevision);
    const revision = this.backing.currentRevision() + 1;
    const { createRevision, value } = prev;
    this.backing.append({ revision, key, deleted: true, createRevision, prevRevision: prev.modRevision, value });
    const kv: KeyValue = { key, value, createRevision, modRevision: revision };
    const ev: StoreEvent = { type: 'delete', kv, prev };
    this.hub.publish(ev);
    await this.backing.durable();
    return { ...kv };
  }

  watch(
    prefix: string,
    fromRevision: number,
    onEvents: (events: StoreEvent[]) => void,
    onError: (err: StoreError) => void,
  ): WatchHandle {
    return this.hub.subscribe(prefix, fromRevision, onEvents, onError);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.backing.currentRevision();
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.backing.compactedRevision();
  }

  /** Compactions run one after another; a revision past the current one compacts to the current one. */
  compact(revision: number): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    const run = this.compacting.then(() => this.compactInSteps(revision));
    this.compacting = run.catch(() => {});
    return run;
  }

  /** Waits for a running compaction, fails live watches with 'Closed', then closes the log. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.compacting;
      await this.hub.close(closedError());
      this.backing.close();
    })();
    return this.closing;
  }

  private async compactInSteps(revision: number): Promise<void> {
    const target = Math.min(revision, this.backing.currentRevision());
    for (;;) {
      const from = this.backing.compactedRevision();
      if (from >= target) return;
      this.backing.compact(Math.min(target, from + COMPACT_STEP));
      if (this.backing.compactedRevision() >= target) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The key's current value, if it exists and (when asked) has the expected modRevision. */
  private expect(key: string, expectedModRevision: number | undefined): KeyValue {
    const cur = this.backing.get(key);
    if (!cur) throw new StoreError('NotFound', `key ${key} not found`);
    if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) {
      throw new StoreError(
        'Conflict',
        `key ${key} has modRevision ${cur.modRevision}, expected ${expectedModRevision}`,
        { ...cur },
      );
    }
    return cur;
  }

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }
}

function closedError(): StoreError {
  return new StoreError('Closed', 'store is closed');
}
