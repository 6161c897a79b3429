// Entry point of the store layer: the Store contract and the backends behind it.
import { openMemoryStore } from './memory/memoryStore.js';
import { openSqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './types.js';

export * from './types.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite/sqliteStore.js';
export { openMemoryStore, MemoryStore, type MemoryStoreOptions } from './memory/memoryStore.js';
export { startCompactor, type CompactorOptions } from './compactor.js';

export type OpenStoreOptions =
  | { backend: 'sqlite'; path: string; log?: (msg: string) => void }
  | { backend: 'memory'; log?: (msg: string) => void };

export function openStore(opts: OpenStoreOptions): Store {
  const log = opts.log ? { log: opts.log } : {};
  switch (opts.backend) {
    case 'sqlite':
      return openSqliteStore({ path: opts.path, ...log });
    case 'memory':
      return openMemoryStore(log);
  }
}
