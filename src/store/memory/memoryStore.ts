// An in-memory Store: the shared etcd verbs (LogStore) over MemoryLog. Same semantics as
// the SQLite store except durability; for unit tests of higher layers.
import { LogStore } from '../log/logStore.js';
import type { Store } from '../types.js';
import { MemoryLog } from './memoryLog.js';

export interface MemoryStoreOptions {
  log?: (msg: string) => void;
}

export class MemoryStore extends LogStore implements Store {
  constructor(opts: MemoryStoreOptions = {}) {
    super(new MemoryLog(), opts);
  }
}

export function openMemoryStore(opts: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(opts);
}
