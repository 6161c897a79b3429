// The informer's local store (client-go tools/cache ThreadSafeStore + Indexers): objects
// keyed by `namespace/name` (`name` when cluster-scoped), plus named indexes from an index
// value to the keys of the objects producing it. Objects handed out are the cached
// instances: treat them as read-only (copy before changing), as client-go asks.
import type { KubeObject } from '../machinery/types.js';

/** Maps an object to the index values it is found under (e.g. its namespace, its node). */
export type IndexFunc<T> = (obj: T) => string[];

/** client-go's cache.NamespaceIndex, registered on every informer. */
export const NAMESPACE_INDEX = 'namespace';
export const namespaceIndexFunc = (obj: KubeObject): string[] => [obj.metadata.namespace ?? ''];

export class ObjectCache<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** Stores the object; returns the one it replaced. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const values = fn(obj);
      if (old) {
        // Most updates keep their index values (a pod stays in its namespace, on its node).
        const before = fn(old);
        if (sameValues(before, values)) continue;
        this.unindex(name, before, key);
      }
      this.index(name, values, key);
    }
    return old;
  }

  /** Removes the object; returns it if it was present. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    for (const [name, fn] of this.indexers) this.unindex(name, fn(old), key);
    return old;
  }

  /** Adds an index (built at once over the objects already cached). */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`indexer "${name}" already exists`);
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.index(name, fn(obj), key);
  }

  hasIndexer(name: string): boolean {
    return this.indexers.has(name);
  }

  /** Keys of the objects whose index function yields `value`. */
  indexKeys(name: string, value: string): string[] {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`index "${name}" does not exist`);
    return [...(idx.get(value) ?? [])];
  }

  /** Objects whose index function yields `value`. */
  byIndex(name: string, value: string): T[] {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`index "${name}" does not exist`);
    const out: T[] = [];
    for (const key of idx.get(value) ?? []) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  private index(name: string, values: string[], key: string): void {
    const idx = this.indices.get(name);
    if (!idx) return;
    for (const v of values) {
      let set = idx.get(v);
      if (!set) idx.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(name: string, values: string[], key: string): void {
    const idx = this.indices.get(name);
    if (!idx) return;
    for (const v of values) {
      const set = idx.get(v);
      if (!set) continue;
      set.delete(key);
      if (set.size === 0) idx.delete(v);
    }
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
