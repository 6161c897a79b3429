// metadata.managedFields <-> the managers map (apimachinery managedfields/internal:
// managedfields.go, buildmanagerinfo.go, stripmeta.go, capmanagers.go). A manager is keyed
// by the JSON of its entry without time and fields (and without apiVersion for appliers),
// so `kubectl` applying and `kubectl` updating are different managers.
import type { ManagedFieldsEntry } from '../types.js';
import { isPlainObject } from '../types.js';
import { FieldSet, fromFieldsV1, toFieldsV1 } from './fieldSet.js';
import { goJsonString } from './goFormat.js';
import { cloneJson } from '../clone.js';
import { fieldPE, type Path } from './pathElement.js';
import type { Managers } from './updater.js';

export interface Managed {
  fields: Managers;
  /** RFC 3339 time per manager; absent when the entry had none. */
  times: Map<string, string | undefined>;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

export const cloneManaged = (m: Managed): Managed => ({ fields: new Map(m.fields), times: new Map(m.times) });

interface ManagerInfo {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
}

/** BuildManagerIdentifier: encoding/json of the entry's identifying fields, in struct order. */
export function managerIdentifier(info: ManagerInfo): string {
  const parts: string[] = [];
  if (info.manager) parts.push(`"manager":${goJsonString(info.manager)}`);
  if (info.operation) parts.push(`"operation":${goJsonString(info.operation)}`);
  if (info.apiVersion && info.operation !== 'Apply') parts.push(`"apiVersion":${goJsonString(info.apiVersion)}`);
  if (info.subresource) parts.push(`"subresource":${goJsonString(info.subresource)}`);
  return '{' + parts.join(',') + '}';
}

export function parseManagerIdentifier(id: string): ManagerInfo {
  try {
    const v: unknown = JSON.parse(id);
    if (!isPlainObject(v)) return {};
    const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
    return { manager: str(v.manager), operation: str(v.operation), apiVersion: str(v.apiVersion), subresource: str(v.subresource) };
  } catch {
    return {};
  }
}

/**
 * Decoded FieldsV1 by their JSON text. Objects made from one template (a ReplicaSet's pods,
 * a DaemonSet's) carry the same entries, and every write decodes all of an object's entries
 * again, so most decodes repeat one seen moments ago. Sets are immutable once built, so one
 * decoded set can serve every object whose entry has that text. Bounded; the oldest go first.
 */
const decoded = new Map<string, FieldSet>();
const DECODED_MAX = 4096;

function decodeFieldsV1(fieldsV1: unknown): FieldSet {
  const text = JSON.stringify(fieldsV1);
  let set = decoded.get(text);
  if (set) return set;
  set = fromFieldsV1(fieldsV1);
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value as string);
  decoded.set(text, set);
  return set;
}

/** FieldsV1 of sets already encoded (unchanged entries are encoded again on every write). */
const encoded = new WeakMap<FieldSet, Record<string, unknown>>();

function encodeFieldsV1(set: FieldSet): Record<string, unknown> {
  let obj = encoded.get(set);
  if (!obj) {
    obj = toFieldsV1(set);
    encoded.set(set, obj);
  }
  // A copy: the cached value is shared, the returned one belongs to the object being written.
  return cloneJson(obj);
}

/** DecodeManagedFields; throws on entries upstream refuses to decode. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[]): Managed {
  const out = emptyManaged();
  entries.forEach((e, i) => {
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const id = managerIdentifier(e);
    out.fields.set(id, { set: decodeFieldsV1(e.fieldsV1 ?? {}), apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    out.times.set(id, e.time);
  });
  return out;
}

function unixSeconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** encodeManagedFields: entries sorted by operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const info = parseManagerIdentifier(id);
    const e: ManagedFieldsEntry = {};
    if (info.manager) e.manager = info.manager;
    e.operation = vs.applied ? 'Apply' : info.operation === 'Apply' || info.operation === 'Update' ? info.operation : 'Update';
    e.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time) e.time = time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = encodeFieldsV1(vs.set);
    if (info.subresource) e.subresource = info.subresource;
    entries.push(e);
  }
  return sortEntries(entries);
}

/** Sorts entries in place, as encodeManagedFields orders them: operation, time, manager, apiVersion, subresource. */
export function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.sort(
    (p, q) =>
      cmp(p.operation ?? '', q.operation ?? '') ||
      unixSeconds(p.time) - unixSeconds(q.time) ||
      cmp(p.manager ?? '', q.manager ?? '') ||
      cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

/** Fields no manager ever owns (stripmeta.go): type and identity metadata. */
const STRIP = FieldSet.of(
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  [fieldPE('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    fieldPE('metadata'),
    fieldPE(f),
  ]),
);

/** Whether stripMeta would drop this path (no manager ever owns it). */
export const isStripped = (path: Path): boolean => STRIP.has(path);

export function stripMeta(fields: Managers, manager: string): void {
  const vs = fields.get(manager);
  if (!vs) return;
  const set = vs.set.difference(STRIP);
  if (set.isEmpty()) fields.delete(manager);
  else fields.set(manager, { ...vs, set });
}

export const MAX_UPDATE_MANAGERS = 10;

/** capmanagers.go: past ten Update entries, the oldest merge into `ancient-changes` per version. */
export function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort((a, b) => unixSeconds(managed.times.get(a)) - unixSeconds(managed.times.get(b)) || cmp(a, b));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i];
    const vs = managed.fields.get(id)!;
    const time = managed.times.get(id);
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!);
      managed.fields.delete(first);
    }
    managed.fields.set(bucket, { set: vs.set.union(managed.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: vs.applied });
    managed.fields.delete(id);
    length--;
    managed.times.set(bucket, time);
  }
}
