// The Log in plain memory: the rows in revision order, a map of live keys and a sorted key
// array for ordered prefix scans. Snapshot reads replay the rows (fine for tests and small
// embedded uses; the SQLite log is the fast one). Keys order by UTF-16 code units, which
// matches SQLite's byte order for every key that stays in the Basic Multilingual Plane.
import type { KeyValue, StoreEvent } from '../types.js';
import { rowToEvent, type Log, type LogRow } from '../log/types.js';

export class MemoryLog implements Log {
  private rows: LogRow[] = [];
  private readonly live = new Map<string, KeyValue>();
  private readonly keys: string[] = [];
  private revision = 0;
  private compacted = 0;

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  get(key: string): KeyValue | undefined {
    const kv = this.live.get(key);
    return kv && { ...kv };
  }

  durable(): Promise<void> {
    return Promise.resolve();
  }

  append(row: LogRow): void {
    this.rows.push({ ...row });
    this.revision = row.revision;
    const { key } = row;
    if (row.deleted) {
      if (this.live.delete(key)) this.keys.splice(lowerBound(this.keys, key), 1);
      return;
    }
    if (!this.live.has(key)) this.keys.splice(lowerBound(this.keys, key), 0, key);
    this.live.set(key, { key, value: row.value, createRevision: row.createRevision, modRevision: row.revision });
  }

  list(prefix: string, after: string | undefined, limit: number, revision?: number): KeyValue[] {
    const out: KeyValue[] = [];
    const { keys, get } = revision === undefined ? this.currentView() : this.snapshot(revision);
    let i = lowerBound(keys, prefix);
    if (after !== undefined && after >= prefix) i = upperBound(keys, after);
    for (; i < keys.length && keys[i]!.startsWith(prefix); i++) {
      if (limit > 0 && out.length >= limit) break;
      out.push({ ...get(keys[i]!)! });
    }
    return out;
  }

  count(prefix: string, after: string | undefined, revision?: number): number {
    return this.list(prefix, after, 0, revision).length;
  }

  events(prefix: string, after: number, upto: number, limit: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    for (let i = this.indexAfter(after); i < this.rows.length && out.length < limit; i++) {
      const row = this.rows[i]!;
      if (row.revision > upto) break;
      if (!row.key.startsWith(prefix)) continue;
      out.push(rowToEvent(row, this.rowAt(row.prevRevision)?.value));
    }
    return out;
  }

  compact(revision: number): void {
    const from = this.compacted;
    if (revision <= from) return;
    const superseded = new Set<number>();
    for (let i = this.indexAfter(from); i < this.rows.length && this.rows[i]!.revision <= revision; i++) {
      const row = this.rows[i]!;
      if (row.prevRevision > 0) superseded.add(row.prevRevision);
    }
    this.rows = this.rows.filter(
      (r) => !superseded.has(r.revision) && !(r.deleted && r.revision > from && r.revision <= revision),
    );
    this.compacted = revision;
  }

  close(): void {
    this.rows = [];
  }

  private currentView(): { keys: string[]; get: (k: string) => KeyValue | undefined } {
    return { keys: this.keys, get: (k) => this.live.get(k) };
  }

  private snapshot(revision: number): { keys: string[]; get: (k: string) => KeyValue | undefined } {
    const latest = new Map<string, LogRow>();
    for (const row of this.rows) {
      if (row.revision > revision) break;
      latest.set(row.key, row);
    }
    const view = new Map<string, KeyValue>();
    for (const [key, row] of latest) {
      if (!row.deleted) view.set(key, { key, value: row.value, createRevision: row.createRevision, modRevision: row.revision });
    }
    return { keys: [...view.keys()].sort(compareKeys), get: (k) => view.get(k) };
  }

  /** Index of the first row with revision > rev. */
  private indexAfter(rev: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.revision <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rowAt(rev: number): LogRow | undefined {
    if (rev <= 0) return undefined;
    const row = this.rows[this.indexAfter(rev - 1)];
    return row?.revision === rev ? row : undefined;
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index whose key is >= key. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > key. */
function upperBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
