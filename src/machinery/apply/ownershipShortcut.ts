// The common Update that moves no ownership: a kubelet posting a status it already owns, a
// Lease renewal, a controller bumping its own replica counts. When every field the write adds
// or changes is already in the writer's entry, and no entry (the writer's included) holds a
// field it changes away from others or removes, upstream's updater ends with the same sets and
// only the writer's time renewed. Checking that on the stored FieldsV1 tries directly skips
// decoding, set algebra and encoding of every entry — the larger part of an update's
// managedFields cost. Anything else (a new field, a field taken from another manager, a
// removal someone owned) returns undefined and takes the general path.
import { isPlainObject, type KubeObject, type ManagedFieldsEntry } from '../types.js';
import { compareObjects, excludeFields } from './compare.js';
import type { FieldSet } from './fieldSet.js';
import { isStripped, managerIdentifier, MAX_UPDATE_MANAGERS, sortEntries } from './managedFields.js';
import { type Path, serializePE } from './pathElement.js';
import type { TypeRef } from './typed.js';

export interface ShortcutContext {
  type: TypeRef;
  apiVersion: string;
  ignored: FieldSet;
  /** RFC 3339 to the second. */
  now: string;
  subresource: string | undefined;
}

/**
 * Whether `path` is a member of a FieldsV1 trie: the node it leads to is `{}` or has ".".
 * Keys are compared in their serialized form, which is canonical for entries our encoder
 * wrote (all stored ones: every write re-encodes what a client sent).
 */
function inFieldsV1(fields: unknown, path: Path): boolean {
  let node = fields;
  for (const pe of path) {
    if (!isPlainObject(node)) return false;
    node = node[serializePE(pe)];
    if (node === undefined) return false;
  }
  if (!isPlainObject(node)) return false;
  for (const k in node) if (k !== '.') return '.' in node;
  return true;
}

/**
 * The managedFields after an Update by `manager` of `live` into `next` (neither carrying
 * managedFields), when no ownership moves; undefined when the general path must decide.
 */
export function unchangedOwnership(ctx: ShortcutContext, entries: readonly ManagedFieldsEntry[], live: KubeObject, next: KubeObject, manager: string): ManagedFieldsEntry[] | undefined {
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: ctx.apiVersion, subresource: ctx.subresource });
  let writer = -1;
  let updaters = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    // Entries the general path would drop or refuse (empty, malformed) are its to handle.
    if (e.fieldsType !== 'FieldsV1' || !isPlainObject(e.fieldsV1) || Object.keys(e.fieldsV1).length === 0) return undefined;
    if ((e.operation !== 'Update' && e.operation !== 'Apply') || !e.apiVersion) return undefined;
    if (e.operation === 'Update') updaters++;
    if (e.operation === 'Update' && managerIdentifier(e) === id) {
      if (writer >= 0) return undefined;
      writer = i;
    }
  }
  if (writer < 0 || updaters > MAX_UPDATE_MANAGERS) return undefined;
  const c = excludeFields(compareObjects(live, next, ctx.type), ctx.ignored);
  const taken = [...c.modified.paths(), ...c.added.paths()];
  const removed = c.removed.paths();
  let gains = false;
  for (const path of taken) {
    if (isStripped(path)) continue;
    gains = true;
    if (!inFieldsV1(entries[writer].fieldsV1, path)) return undefined;
  }
  for (let i = 0; i < entries.length; i++) {
    const fields = entries[i].fieldsV1;
    if (removed.some((p) => inFieldsV1(fields, p))) return undefined;
    if (i !== writer && taken.some((p) => inFieldsV1(fields, p))) return undefined;
  }
  // Only a write that sets some field the writer owns renews its time (managedFieldsUpdater).
  if (!gains) return [...entries];
  const out = [...entries];
  out[writer] = { ...entries[writer], time: ctx.now };
  return sortEntries(out);
}
