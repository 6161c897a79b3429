// The Log over one SQLite database file: an append-only `log` table (one row per revision)
// and a `current` table (each live key's latest row) changed in the same transaction, so
// first-page lists and gets never touch history. Every statement is prepared once.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KeyValue, StoreEvent } from '../types.js';
import { prefixEnd, rowToEvent, type Log, type LogRow } from '../log/types.js';
import { META_COMPACTED, META_SCHEMA, SCHEMA_VERSION, pragmas, schema, sql } from './dialect.js';
import { readSnapshot, type KeyRange, type SnapshotSource } from './snapshot.js';

/** A key range [lo, hi) or (lo, hi), depending on the statement. */
interface Range {
  lo: string;
  hi: string;
}
interface EventRow {
  revision: number;
  key: string;
  deleted: number;
  createRevision: number;
  prevRevision: number;
  value: string;
  prevValue: string | null;
}
type Statements = ReturnType<typeof prepare>;

export class SqliteLog implements Log {
  private readonly db: Database.Database;
  private revision: number;
  private compacted: number;
  private readonly stmt: Statements;
  private readonly appendTx: (row: LogRow) => void;
  private readonly compactTx: (from: number, to: number) => void;
  /**
   * Group commit: the first append of a turn opens a transaction that commits on the next
   * turn, so concurrent writes share one WAL commit. Each append is still atomic (a
   * savepoint inside it); callers acknowledge a write only after durable() resolves.
   */
  private batch: { done: Promise<void>; resolve(): void; reject(e: unknown): void } | undefined;
  /** What snapshot.ts reads older revisions through. */
  private readonly snapshots: SnapshotSource = {
    current: ({ lo, after, hi }, limit) => (after ? this.stmt.listAfter : this.stmt.listFrom).all({ lo, hi, limit }),
    changedSince: ({ lo, after, hi }, rev) => (after ? this.stmt.changedAfter : this.stmt.changedFrom).all({ lo, hi, rev }),
    row: (revision) => this.stmt.logRow.get(revision),
  };

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: 1000 });
    try {
      for (const p of pragmas) this.db.pragma(p);
      this.db.exec(schema);
      this.stmt = prepare(this.db);
      const version = this.stmt.getMeta.get(META_SCHEMA)?.value;
      if (version !== undefined && version !== SCHEMA_VERSION) {
        throw new Error(`it has schema version ${version}, this build reads ${SCHEMA_VERSION}`);
      }
      // Writing here takes the exclusive lock now, so a second process fails at open, not later.
      this.stmt.setMeta.run(META_SCHEMA, SCHEMA_VERSION);
      this.compacted = this.stmt.getMeta.get(META_COMPACTED)?.value ?? 0;
      // Compaction can drop the newest row (a delete), so the compacted revision bounds it too.
      this.revision = Math.max(this.stmt.maxRevision.get()?.revision ?? 0, this.compacted);
    } catch (e) {
      this.db.close();
      if (e instanceof Database.SqliteError && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED')) {
        throw new Error(`cannot open store database ${path}: another process is using it (${e.message})`);
      }
      throw new Error(`cannot open store database ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }

    const s = this.stmt;
    this.appendTx = this.db.transaction((row: LogRow) => {
      s.insertLog.run(row.revision, row.key, row.deleted ? 1 : 0, row.createRevision, row.prevRevision, row.value);
      if (row.deleted) s.deleteCurrent.run(row.key);
      else s.upsertCurrent.run(row.key, row.revision, row.createRevision, row.value);
    });
    this.compactTx = this.db.transaction((from: number, to: number) => {
      s.compactSuperseded.run({ from, to });
      s.compactDeletes.run({ from, to });
      s.setMeta.run(META_COMPACTED, to);
    });
  }

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  get(key: string): KeyValue | undefined {
    return this.stmt.get.get(key);
  }

  append(row: LogRow): void {
    if (!this.batch) this.openBatch();
    this.appendTx(row);
    this.revision = row.revision;
  }

  durable(): Promise<void> {
    return this.batch?.done ?? Promise.resolve();
  }

  private openBatch(): void {
    this.db.exec('BEGIN IMMEDIATE');
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.batch = { done, resolve, reject };
    setImmediate(() => this.commitBatch());
  }

  private commitBatch(): void {
    const b = this.batch;
    if (!b) return;
    this.batch = undefined;
    try {
      this.db.exec('COMMIT');
      b.resolve();
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      b.reject(e);
    }
  }

  list(prefix: string, after: string | undefined, limit: number, revision?: number): KeyValue[] {
    const range = keyRange(prefix, after);
    if (revision === undefined) return this.snapshots.current(range, limit > 0 ? limit : -1);
    return readSnapshot(this.snapshots, range, limit, revision);
  }

  count(prefix: string, after: string | undefined, revision?: number): number {
    const { lo, after: exclusive, hi } = keyRange(prefix, after);
    if (revision === undefined) return (exclusive ? this.stmt.countAfter : this.stmt.countFrom).get({ lo, hi })?.n ?? 0;
    return (exclusive ? this.stmt.countAtAfter : this.stmt.countAtFrom).get({ lo, hi, rev: revision })?.n ?? 0;
  }

  events(prefix: string, after: number, upto: number, limit: number): StoreEvent[] {
    const rows = this.stmt.events.all({ after, upto, lo: prefix, hi: prefixEnd(prefix), limit });
    return rows.map((r) => rowToEvent({ ...r, deleted: r.deleted === 1 }, r.prevValue ?? undefined));
  }

  compact(revision: number): void {
    if (revision <= this.compacted) return;
    this.compactTx(this.compacted, revision);
    this.compacted = revision;
  }

  close(): void {
    if (!this.db.open) return;
    this.commitBatch();
    this.db.close();
  }
}

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare<[string], { value: number }>(sql.getMeta),
    setMeta: db.prepare<[string, number]>(sql.setMeta),
    maxRevision: db.prepare<[], { revision: number | null }>(sql.maxRevision),
    get: db.prepare<[string], KeyValue>(sql.get),
    insertLog: db.prepare<[number, string, number, number, number, string]>(sql.insertLog),
    upsertCurrent: db.prepare<[string, number, number, string]>(sql.upsertCurrent),
    deleteCurrent: db.prepare<[string]>(sql.deleteCurrent),
    listFrom: db.prepare<[Range & { limit: number }], KeyValue>(sql.listFrom),
    listAfter: db.prepare<[Range & { limit: number }], KeyValue>(sql.listAfter),
    countFrom: db.prepare<[Range], { n: number }>(sql.countFrom),
    countAfter: db.prepare<[Range], { n: number }>(sql.countAfter),
    changedFrom: db.prepare<[Range & { rev: number }], { key: string; prev: number }>(sql.changedFrom),
    changedAfter: db.prepare<[Range & { rev: number }], { key: string; prev: number }>(sql.changedAfter),
    logRow: db.prepare<[number], KeyValue>(sql.logRow),
    countAtFrom: db.prepare<[Range & { rev: number }], { n: number }>(sql.countAtFrom),
    countAtAfter: db.prepare<[Range & { rev: number }], { n: number }>(sql.countAtAfter),
    events: db.prepare<[{ after: number; upto: number; lo: string; hi: string; limit: number }], EventRow>(sql.events),
    compactSuperseded: db.prepare<[{ from: number; to: number }]>(sql.compactSuperseded),
    compactDeletes: db.prepare<[{ from: number; to: number }]>(sql.compactDeletes),
  };
}

/** The keys under prefix, continuing after `after` when it lies within them. */
function keyRange(prefix: string, after: string | undefined): KeyRange {
  const continues = after !== undefined && after >= prefix;
  return { lo: continues ? after : prefix, after: continues, hi: prefixEnd(prefix) };
}
