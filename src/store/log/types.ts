// The middle layer of the store, after kine's logstructured package: every write is one
// row appended to a log at the next revision, and a "current" view holds each live key's
// latest row. A Log is synchronous and owned by one process, which is what lets LogStore
// check a precondition and append without another writer slipping in between, and lets a
// watch read its replay and join the live stream in one turn of the event loop.
import type { KeyValue, StoreEvent } from '../types.js';

/** One row of the append-only log. */
export interface LogRow {
  /** Must be currentRevision() + 1. */
  revision: number;
  key: string;
  /** A delete row carries the key's last value, as kine does, so watchers can report it. */
  deleted: boolean;
  createRevision: number;
  /** Revision of the row this one supersedes; 0 for a create. */
  prevRevision: number;
  value: string;
}

export interface Log {
  currentRevision(): number;
  /** Rows at or below this revision may have been dropped (see compact). */
  compactedRevision(): number;
  /** The live value of key in the current view. */
  get(key: string): KeyValue | undefined;
  /**
   * Appends the row and applies it to the current view atomically; visible to every read
   * on return, durable once durable() resolves (writes of one turn may commit together).
   */
  append(row: LogRow): void;
  /** Resolves when every row appended so far is durable. */
  durable(): Promise<void>;
  /**
   * Live keys under prefix (only keys > after when after is given), in key order, at most
   * limit (0 = no limit). With revision, reads the snapshot at that revision from the log
   * (the caller has checked it is not compacted); without, reads the current view.
   */
  list(prefix: string, after: string | undefined, limit: number, revision?: number): KeyValue[];
  /** Number of keys list() would return without a limit. */
  count(prefix: string, after: string | undefined, revision?: number): number;
  /** Events on keys under prefix with after < revision <= upto, in revision order, at most limit. */
  events(prefix: string, after: number, upto: number, limit: number): StoreEvent[];
  /**
   * Drops rows at or below revision that a later row at or below revision supersedes, and
   * every delete row at or below revision; then records revision as compacted. Snapshots at
   * revision or later read the same as before.
   */
  compact(revision: number): void;
  close(): void;
}

/** The exclusive upper bound of the key range under prefix (keys compare as code units). */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** The event a log row stands for; prevValue is the value of the row at row.prevRevision. */
export function rowToEvent(row: LogRow, prevValue: string | undefined): StoreEvent {
  const kv: KeyValue = { key: row.key, value: row.value, createRevision: row.createRevision, modRevision: row.revision };
  const ev: StoreEvent = { type: row.deleted ? 'delete' : 'put', kv };
  if (row.prevRevision > 0 && prevValue !== undefined) {
    ev.prev = { key: row.key, value: prevValue, createRevision: row.createRevision, modRevision: row.prevRevision };
  }
  if (!row.deleted && row.prevRevision === 0) ev.created = true;
  return ev;
}
