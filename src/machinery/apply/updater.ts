// Ownership bookkeeping for one write, as structured-merge-diff's merge.Updater:
//  - update: an ordinary write takes every field it added or changed from other managers
//    (forcefully) and everybody loses fields it removed;
//  - apply: merge the configuration, own exactly its fields, prune fields this applier
//    owned last time but no longer applies (unless someone else owns them), and refuse to
//    change a field another manager owns unless forced.
// Managers are keyed by identifier strings (see managedFields.ts). All sets share the
// request's API version; we serve one version per kind, so no conversion happens here.
import { type Comparison, compareObjects, excludeFields } from './compare.js';
import { FieldSet } from './fieldSet.js';
import { ensureNamedFieldsAreMembers, removeItems, toFieldSet } from './fieldSetOf.js';
import { mergeValues } from './merge.js';
import { type Path, valuesEqual } from './pathElement.js';
import { type TypeRef } from './typed.js';

export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  /** true for an `Apply` entry. */
  readonly applied: boolean;
}

export type Managers = Map<string, VersionedSet>;

export interface Conflict {
  /** Manager identifier (JSON, see managedFields.ts). */
  readonly manager: string;
  readonly path: Path;
}

/** merge.Conflicts: thrown by apply without force when other managers own changed fields. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} apply conflict(s)`);
  }
}

export interface UpdaterContext {
  readonly type: TypeRef;
  readonly apiVersion: string;
  /** Fields this endpoint resets (status on the main resource, spec on /status): never owned here. */
  readonly ignored: FieldSet;
}

function update(
  ctx: UpdaterContext,
  oldObj: unknown,
  newObj: unknown,
  managers: Managers,
  workflow: string,
  force: boolean,
  emptyLhs: boolean,
): { managers: Managers; compare: Comparison } {
  const compare = excludeFields(compareObjects(oldObj, newObj, ctx.type, { emptyLhs }), ctx.ignored);
  const changed = compare.modified.union(compare.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [m, vs] of managers) {
    if (m === workflow) continue;
    const cs = vs.set.intersection(changed);
    if (!cs.isEmpty()) conflicts.set(m, cs);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const m of [...conflicts.keys()].sort()) for (const path of conflicts.get(m)!.paths()) list.push({ manager: m, path });
    throw new ConflictsError(list);
  }
  const out: Managers = new Map();
  for (const [m, vs] of managers) {
    if (m === workflow) {
      out.set(m, vs);
      continue;
    }
    let set = vs.set;
    const cs = conflicts.get(m);
    if (cs) set = set.difference(cs);
    set = set.difference(compare.removed);
    if (!set.isEmpty()) out.set(m, { ...vs, set });
  }
  if (out.has(workflow) && out.get(workflow)!.set.isEmpty()) out.delete(workflow);
  return { managers: out, compare };
}

/**
 * An ordinary create/update/patch by `manager`: returns the new managers. With emptyLhs the
 * old object is a newly created, empty one.
 */
export function updaterUpdate(ctx: UpdaterContext, live: unknown, next: unknown, managers: Managers, manager: string, emptyLhs: boolean): Managers {
  const { managers: out, compare } = update(ctx, live, next, managers, manager, true, emptyLhs);
  const prev = out.get(manager)?.set ?? new FieldSet();
  const set = prev.union(compare.modified).union(compare.added).difference(compare.removed).recursiveDifference(ctx.ignored);
  if (set.isEmpty()) out.delete(manager);
  else out.set(manager, { set, apiVersion: ctx.apiVersion, applied: false });
  return out;
}

/** A server-side apply by `manager`: the merged object, the new managers, and whether the object changed. */
export function updaterApply(
  ctx: UpdaterContext,
  live: Record<string, unknown>,
  config: Record<string, unknown>,
  managers: Managers,
  manager: string,
  force: boolean,
): { object: Record<string, unknown>; managers: Managers; changed: boolean } {
  let merged = asObject(mergeValues(live, config, ctx.type));
  const lastSet = managers.get(manager);
  const set = toFieldSet(config, ctx.type).recursiveDifference(ctx.ignored);
  const withApplier: Managers = new Map(managers);
  withApplier.set(manager, { set, apiVersion: ctx.apiVersion, applied: true });
  merged = prune(ctx.type, merged, withApplier, lastSet);
  const { managers: out } = update(ctx, live, merged, withApplier, manager, force, false);
  return { object: merged, managers: out, changed: !valuesEqual(live, merged) };
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Removes what the applier applied last time and not now, unless another manager (or this
 * configuration) owns it, and never anything it did not own (update.go prune,
 * addBackOwnedItems, addBackDanglingItems).
 */
function prune(tr: TypeRef, merged: Record<string, unknown>, managers: Managers, lastSet: VersionedSet | undefined): Record<string, unknown> {
  if (!lastSet || lastSet.set.isEmpty()) return merged;
  const named = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, tr);
  let pruned = asObject(removeItems(merged, named(lastSet.set), tr));

  let managed = new FieldSet();
  for (const vs of managers.values()) managed = managed.union(vs.set);
  const mergedSet = named(toFieldSet(merged, tr));
  const prunedSet = named(toFieldSet(pruned, tr));
  pruned = asObject(removeItems(merged, mergedSet.difference(prunedSet.union(named(managed))), tr));

  const prunedSet2 = named(toFieldSet(pruned, tr));
  const last = named(lastSet.set);
  return asObject(removeItems(merged, mergedSet.difference(prunedSet2).intersection(last), tr));
}
