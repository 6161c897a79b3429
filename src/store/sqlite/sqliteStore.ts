// The default Store: the shared etcd verbs (LogStore) over the SQLite log.
import { LogStore } from '../log/logStore.js';
import type { Store } from '../types.js';
import { SqliteLog } from './sqliteLog.js';

export interface SqliteStoreOptions {
  /** Database file; its directory is created if missing. */
  path: string;
  log?: (msg: string) => void;
}

export class SqliteStore extends LogStore implements Store {
  readonly path: string;

  constructor(opts: SqliteStoreOptions) {
    super(new SqliteLog(opts.path), opts.log ? { log: opts.log } : {});
    this.path = opts.path;
  }
}

/** Opens (creating if needed) the store at opts.path; throws if another process holds it. */
export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(opts);
}
