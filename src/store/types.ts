// The datastore contract: etcd semantics over keys and opaque string values.
//
// Guarantees every backend gives (and runStoreSuite checks):
// - One global revision, increased by exactly one for every successful create/update/delete.
// - A key's modRevision is the revision of its last write; createRevision that of its create.
// - update/delete with expectedModRevision succeed only if the key's modRevision matches
//   (compare-and-swap); otherwise StoreError 'Conflict' and nothing changes.
// - list() reads one consistent snapshot: pages fetched with the same `revision` see the
//   same data even if writes happen in between, until that revision is compacted.
// - watch(prefix, rev) delivers, in revision order and without gaps, every event on keys
//   under prefix with revision > rev; if rev is older than the compacted revision the
//   watch fails at once with StoreError 'Compacted'.
// - An acknowledged write (resolved promise) survives a crash of the process.

export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
}

export interface StoreListOptions {
  /** Maximum number of items; 0 or undefined means no limit. */
  limit?: number;
  /** Return only keys strictly greater than this one (continuation). */
  after?: string;
  /** Read at this revision (for consistent paging); undefined means the current one. */
  revision?: number;
}

export interface StoreListResult {
  items: KeyValue[];
  /** The revision the snapshot was read at. */
  revision: number;
  /** True if more keys under the prefix follow the last one returned. */
  more: boolean;
  /** Number of keys after the last one returned (when more is true). */
  remaining?: number;
}

export interface StoreEvent {
  type: 'put' | 'delete';
  /** For put: the new value. For delete: the last value, with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event (undefined for a create). */
  prev?: KeyValue;
  /** True when this put created the key. */
  created?: boolean;
}

export type StoreErrorCode = 'KeyExists' | 'NotFound' | 'Conflict' | 'Compacted' | 'Closed';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** For Conflict: the key's current value, so callers need not read it again. */
    readonly current?: KeyValue,
  ) {
    super(message);
  }
}

export interface WatchHandle {
  cancel(): void;
}

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: StoreListOptions): Promise<StoreListResult>;
  count(prefix: string): Promise<number>;
  /** Fails with 'KeyExists' if the key is present. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Fails with 'NotFound' or, when the modRevision differs, 'Conflict'. */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** Returns the deleted value with modRevision set to the delete's revision. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /**
   * Calls onEvents with batches of events (revision > fromRevision, keys under prefix).
   * onError is called at most once (e.g. 'Compacted', 'Closed'); no events follow it.
   */
  watch(prefix: string, fromRevision: number, onEvents: (events: StoreEvent[]) => void, onError: (err: StoreError) => void): WatchHandle;
  currentRevision(): Promise<number>;
  /** The oldest revision still readable by list/watch. */
  compactedRevision(): Promise<number>;
  /** Drop history older than revision (keeping each key's latest value). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
