// The field manager the apiserver runs on every write, as upstream's default chain
// (managedfields/internal/fieldmanager.go NewDefaultFieldManager): version check →
// last-applied sync and takeover (manager `kubectl` only) → skip-non-applied
// (`before-first-apply`) → cap of ten Update entries → manager identifiers → timestamps →
// strip identity metadata → structured merge.
import { badRequest, internalError } from '../errors.js';
import { type KubeObject, type ManagedFieldsEntry, isPlainObject, parseApiVersion } from '../types.js';
import { conflictError } from './conflicts.js';
import { FieldSet } from './fieldSet.js';
import { allowedConflictsFromLastApplied, buildLastApplied, hasLastApplied, setLastApplied } from './lastApplied.js';
import {
  type Managed,
  capUpdateManagers,
  cloneManaged,
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  managerIdentifier,
  stripMeta,
} from './managedFields.js';
import { unchangedOwnership } from './ownershipShortcut.js';
import { fieldPE } from './pathElement.js';
import { type SchemaLookup, rootType } from './typed.js';
import { ConflictsError, type UpdaterContext, updaterApply, updaterUpdate } from './updater.js';
import { rfc3339 } from '../time.js';
import { cloneJson } from '../clone.js';

export interface ServerSideApplyArgs {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: SchemaLookup;
  /** Request group/version, e.g. `apps/v1`; recorded in managedFields. */
  apiVersion: string;
  /** RFC 3339; recorded to the second. */
  now: string;
  subresource?: string;
  /** Fields this endpoint resets and nobody may own here: [['status']] on a kind with /status. */
  ignorePaths?: string[][];
  /** Expected kind (defaults to the live object's). */
  kind?: string;
}

export interface UpdateManagedFieldsArgs {
  live: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  operation: 'Update';
  schema: SchemaLookup;
  apiVersion: string;
  now: string;
  subresource?: string;
  ignorePaths?: string[][];
}

interface Ctx extends UpdaterContext {
  readonly now: string;
  readonly subresource: string | undefined;
}

const BEFORE_FIRST_APPLY = 'before-first-apply';
const CURRENT_OPERATION = 'current-operation';

function contextOf(a: { schema: SchemaLookup; apiVersion: string; now: string; subresource?: string; ignorePaths?: string[][] }): Ctx {
  return {
    type: rootType(a.schema),
    apiVersion: a.apiVersion,
    ignored: FieldSet.of(...(a.ignorePaths ?? []).map((p) => p.map(fieldPE))),
    now: toSeconds(a.now),
    subresource: a.subresource || undefined,
  };
}

/** managedFields times are metav1.Time: RFC 3339 to the second, UTC. */
function toSeconds(now: string): string {
  const ms = Date.parse(now);
  return Number.isNaN(ms) ? now : rfc3339(ms);
}

/** A shallow view without managedFields: the field-set code only reads its input. */
function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _mf, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function gvkString(obj: KubeObject): string {
  const { group, version } = parseApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  return `${group}/${version}, Kind=${typeof obj.kind === 'string' ? obj.kind : ''}`;
}

/**
 * Records an ordinary write by `manager` (managedFieldsUpdater.Update): the changes are
 * computed under a throwaway name, then folded into the manager's entry with a fresh time,
 * so a write that changes nothing leaves the entry (and its time) alone.
 */
function recordUpdate(ctx: Ctx, live: KubeObject | undefined, next: KubeObject, managed: Managed, manager: string): Managed {
  const out = cloneManaged(managed);
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: ctx.apiVersion, subresource: ctx.subresource });
  const fields = updaterUpdate(ctx, live ?? {}, next, out.fields, CURRENT_OPERATION, live === undefined);
  stripMeta(fields, CURRENT_OPERATION);
  const vs = fields.get(CURRENT_OPERATION);
  if (vs) {
    fields.delete(CURRENT_OPERATION);
    const prev = fields.get(id);
    fields.set(id, prev ? { set: vs.set.union(prev.set), apiVersion: vs.apiVersion, applied: vs.applied } : vs);
    out.times.set(id, ctx.now);
  }
  out.fields = fields;
  capUpdateManagers(out);
  return out;
}

function applyOnce(ctx: Ctx, live: KubeObject | undefined, config: Record<string, unknown>, managed: Managed, manager: string, force: boolean): { object: KubeObject; managed: Managed } {
  let m = managed;
  const liveObj: Record<string, unknown> = live ?? {};
  // An object nobody tracks yet: its current fields belong to `before-first-apply`, so the
  // first apply conflicts where it would change them (skipnonapplied.go).
  if (m.fields.size === 0) m = recordUpdate(ctx, undefined, liveObj as KubeObject, m, BEFORE_FIRST_APPLY);
  m = cloneManaged(m);
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Apply', subresource: ctx.subresource });
  const r = updaterApply(ctx, liveObj, config, m.fields, id, force);
  stripMeta(r.managers, id);
  m.fields = r.managers;
  // A no-op apply keeps the object and the applier's time (managedFieldsUpdater.Apply).
  if (r.changed) m.times.set(id, ctx.now);
  const object = (r.changed ? r.object : cloneJson(liveObj)) as KubeObject;
  if (!isPlainObject(object.metadata)) object.metadata = {};
  return { object, managed: m };
}

/** The configuration without what apply never takes from it. */
function configOf(applied: KubeObject, ignorePaths: string[][]): Record<string, unknown> {
  const config = cloneJson(applied) as Record<string, unknown>;
  if (isPlainObject(config.metadata)) {
    for (const f of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation']) delete config.metadata[f];
  }
  for (const path of ignorePaths) {
    let node: unknown = config;
    for (let i = 0; i < path.length - 1 && isPlainObject(node); i++) node = node[path[i]];
    if (isPlainObject(node) && path.length > 0) delete node[path[path.length - 1]];
  }
  return config;
}

/**
 * Server-side apply of `applied` by `manager` (PATCH application/apply-patch+yaml): the
 * merged object with metadata.managedFields recorded. Creates when live is undefined.
 * Throws a 409 with FieldManagerConflict causes when another manager owns a field whose
 * value would change and force is off.
 */
export function serverSideApply(args: ServerSideApplyArgs): { object: KubeObject } {
  const { applied, manager, force } = args;
  if (applied.metadata?.managedFields != null) throw badRequest('metadata.managedFields must be nil');
  const kind = args.kind ?? args.live?.kind ?? applied.kind;
  if (applied.apiVersion !== args.apiVersion || applied.kind !== kind) throw badRequest(`invalid object type: ${gvkString(applied)}`);
  const ctx = contextOf(args);
  let managed: Managed;
  try {
    managed = decodeManagedFields(args.live?.metadata.managedFields ?? []);
  } catch (e) {
    throw internalError(new Error(`failed to decode managed fields: ${e instanceof Error ? e.message : String(e)}`));
  }
  const live = args.live ? withoutManagedFields(args.live) : undefined;
  const config = configOf(applied, args.ignorePaths ?? []);
  let result: { object: KubeObject; managed: Managed };
  try {
    result = applyOnce(ctx, live, config, managed, manager, force);
  } catch (e) {
    if (!(e instanceof ConflictsError)) throw e;
    // kubectl moving from client-side to server-side apply takes over, without conflict,
    // the fields its last-applied annotation still describes (lastappliedmanager.go).
    if (manager !== 'kubectl') throw conflictError(e.conflicts);
    const allowed = allowedConflictsFromLastApplied(args.live, args.apiVersion, ctx.type);
    const remaining = allowed ? e.conflicts.filter((c) => !allowed.has(c.path)) : e.conflicts;
    if (remaining.length > 0) throw conflictError(remaining);
    result = applyOnce(ctx, live, config, managed, manager, true);
  }
  if (manager === 'kubectl' && hasLastApplied(result.object)) setLastApplied(result.object, buildLastApplied(applied));
  setManagedFields(result.object, encodeManagedFields(result.managed));
  return { object: result.object };
}

function setManagedFields(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

function isResetManagedFields(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  return mf.length === 0 || (mf.length === 1 && isPlainObject(mf[0]) && Object.values(mf[0]).every((v) => v === undefined || v === null || v === ''));
}

/** decodeLiveOrNew: a write may replace managedFields (or reset them with `[]`); otherwise live's stand. */
function managedForUpdate(live: KubeObject | undefined, updated: KubeObject, subresource: boolean): Managed {
  const fromLive = (): Managed => {
    try {
      return decodeManagedFields(live?.metadata.managedFields ?? []);
    } catch {
      return emptyManaged();
    }
  };
  if (subresource) return fromLive();
  const given: unknown = updated.metadata?.managedFields;
  if (isResetManagedFields(given)) return emptyManaged();
  try {
    const m = decodeManagedFields(Array.isArray(given) ? (given as ManagedFieldsEntry[]) : []);
    return m.fields.size > 0 ? m : fromLive();
  } catch {
    return fromLive();
  }
}

/**
 * Records an ordinary create/update/patch (live undefined = create) by `manager`: it gains
 * the fields it set or changed, other managers lose them, entries left empty are dropped.
 * Returns `updated` with metadata.managedFields set.
 */
export function updateManagedFields(args: UpdateManagedFieldsArgs): KubeObject {
  const ctx = contextOf(args);
  const next = withoutManagedFields({ ...args.updated, metadata: { ...(args.updated.metadata ?? {}) } });
  const live = args.live ? withoutManagedFields(args.live) : undefined;
  const liveEntries = args.live?.metadata.uid ? args.live.metadata.managedFields : undefined;
  if (live && liveEntries?.length && (ctx.subresource || args.updated.metadata?.managedFields === undefined)) {
    const kept = unchangedOwnership(ctx, liveEntries, live, next, args.manager);
    if (kept) {
      setManagedFields(next, kept);
      return next;
    }
  }
  const managed = managedForUpdate(args.live, args.updated, !!ctx.subresource);
  try {
    // Objects that exist untracked stay untracked until their first apply (skipnonapplied.go).
    const creating = !args.live || !args.live.metadata.uid;
    if (managed.fields.size === 0 && !creating) return next;
    setManagedFields(next, encodeManagedFields(recordUpdate(ctx, live, next, managed, args.manager)));
  } catch {
    // UpdateNoErrors: a failure keeps the live object's managedFields rather than losing them.
    setManagedFields(next, args.live?.metadata.managedFields);
  }
  return next;
}

/** The manager name upstream derives from the User-Agent when fieldManager is absent. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0];
  let out = '';
  for (const ch of prefix) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) continue;
    if (Buffer.byteLength(out) >= 128) break;
    out += ch;
  }
  return out;
}
