// ControllerRevisions as upstream pkg/controller/history and the StatefulSet/DaemonSet
// controllers record them: `data` holds a strategic-merge patch that replaces
// spec.template (getPatch), `revision` numbers order them, and names are
// `<owner>-<hash>`.
//
// The StatefulSet names revisions by HashControllerRevision — FNV-1 (not 1a) over the raw
// JSON of `data`, then the decimal collisionCount — and labels them
// `controller.kubernetes.io/hash`. Upstream's raw bytes are Go's json.Marshal of a
// map[string]interface{}: keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. goJson
// reproduces that, and templatePatch adds the two fields Go always writes for a
// PodTemplateSpec (metadata.creationTimestamp: null, containers[].resources: {}), so for a
// template already defaulted like upstream's the names match a real cluster's.
import type { KubeObject } from '../../machinery/types.js';
import { isPlainObject } from '../../machinery/types.js';
import type { Selector } from '../../machinery/labels.js';
import { type CreateAction, type DeleteAction, type Gvk, type UpdateAction, refOf } from './actions.js';
import { safeEncodeString } from './hash.js';
import { clone, compareByCreation, num, rec, recs, specOf } from './meta.js';
import { getControllerOf, newControllerRef } from './ownerRefs.js';

export const CONTROLLER_REVISION: Gvk = { apiVersion: 'apps/v1', kind: 'ControllerRevision' };

/** apps.ControllerRevisionHashLabelKey: on StatefulSet/DaemonSet pods and DaemonSet revisions. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** history.ControllerRevisionHashLabel: on revisions named by HashControllerRevision. */
export const HISTORY_HASH_LABEL = 'controller.kubernetes.io/hash';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** hash/fnv New32 (FNV-1: multiply, then xor). */
export function fnv32(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h = Math.imul(h, FNV32_PRIME) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

const goEscapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => goEscapes[c] ?? c);
}

/** encoding/json Marshal of a decoded JSON value: map keys sorted, HTML characters escaped. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${goString(k)}:${goJson(v[k])}`).join(',')}}`;
  }
  return 'null';
}

function withGoStructFields(template: Record<string, unknown>): Record<string, unknown> {
  const t = clone(template);
  const meta = rec(t.metadata) ?? {};
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  t.metadata = meta;
  const spec = rec(t.spec);
  if (spec) {
    for (const key of ['initContainers', 'containers']) {
      for (const c of recs(spec[key])) if (!('resources' in c)) c.resources = {};
    }
  }
  return t;
}

/**
 * getPatch: `{"spec":{"template":{…,"$patch":"replace"}}}` — applying it to the owner
 * restores the template.
 */
export function templatePatch(owner: KubeObject): Record<string, unknown> {
  const template = withGoStructFields(rec(specOf(owner).template) ?? {});
  template.$patch = 'replace';
  return { spec: { template } };
}

/** The pod template a revision's data restores (ApplyRevision restricted to spec.template). */
export function templateFromRevision(revision: KubeObject): Record<string, unknown> {
  const t = clone(rec(rec(rec(revision.data)?.spec)?.template) ?? {});
  delete t.$patch;
  return t;
}

/** HashControllerRevision(revision, probe). */
export function hashControllerRevision(data: unknown, probe?: number): string {
  const enc = new TextEncoder();
  let h = fnv32(enc.encode(goJson(data)));
  if (probe !== undefined) h = fnv32(enc.encode(String(probe)), h);
  return safeEncodeString(String(h));
}

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 bytes. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

export function revisionNumber(cr: KubeObject): number {
  return num(cr.revision) ?? 0;
}

/**
 * NewControllerRevision: the template's labels plus the hash label, a controllerRef to the
 * parent, `data` and `revision`; named by the hash of data and collisionCount.
 */
export function newControllerRevision(
  parent: KubeObject,
  parentGvk: Gvk,
  templateLabels: Record<string, string>,
  data: Record<string, unknown>,
  revision: number,
  collisionCount: number,
): KubeObject {
  const hash = hashControllerRevision(data, collisionCount);
  const cr: KubeObject = {
    apiVersion: CONTROLLER_REVISION.apiVersion,
    kind: CONTROLLER_REVISION.kind,
    metadata: {
      name: controllerRevisionName(parent.metadata.name ?? '', hash),
      labels: { ...templateLabels, [HISTORY_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(parent, parentGvk)],
    },
    data,
    revision,
  };
  if (parent.metadata.namespace !== undefined) cr.metadata.namespace = parent.metadata.namespace;
  return cr;
}

/** history.SortControllerRevisions: by revision, then creation time, then name (a copy). */
export function sortRevisions(revisions: readonly KubeObject[]): KubeObject[] {
  return [...revisions].sort((a, b) => revisionNumber(a) - revisionNumber(b) || compareByCreation(a, b));
}

function parsedHashLabel(cr: KubeObject): number | undefined {
  const v = cr.metadata.labels?.[HISTORY_HASH_LABEL];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number.parseInt(v, 10) >>> 0 : undefined;
}

/** Whether two revisions carry the same data (byte-equal as Go would encode it). */
export function sameRevisionData(a: unknown, b: unknown): boolean {
  return goJson(a) === goJson(b);
}

/**
 * history.EqualRevision: different hash labels (when both parse as integers) rule equality
 * out; otherwise the data decides.
 */
export function equalRevision(a: KubeObject, b: KubeObject): boolean {
  const ha = parsedHashLabel(a);
  const hb = parsedHashLabel(b);
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return sameRevisionData(a.data, b.data);
}

export function findEqualRevisions(revisions: readonly KubeObject[], needle: KubeObject): KubeObject[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** nextRevision: one more than the highest of the (sorted) revisions, or 1. */
export function nextRevision(sorted: readonly KubeObject[]): number {
  return sorted.length === 0 ? 1 : revisionNumber(sorted[sorted.length - 1]) + 1;
}

/**
 * ListControllerRevisions: revisions in the parent's namespace that match the selector and
 * are controlled by the parent or by nothing (orphans, to be adopted).
 */
export function ownedOrOrphanRevisions(parent: KubeObject, revisions: readonly KubeObject[], selector: Selector): KubeObject[] {
  return revisions.filter((r) => {
    if (r.metadata.namespace !== parent.metadata.namespace) return false;
    if (!selector.matches(r.metadata.labels ?? {})) return false;
    const ref = getControllerOf(r);
    return ref === undefined || ref.uid === parent.metadata.uid;
  });
}

export function createRevisionAction(cr: KubeObject): CreateAction {
  return { kind: 'create', object: cr };
}

/** UpdateControllerRevision: the stored revision with a new `revision` number. */
export function updateRevisionNumberAction(cr: KubeObject, revision: number): UpdateAction {
  return { kind: 'update', object: { ...clone(cr), apiVersion: CONTROLLER_REVISION.apiVersion, kind: CONTROLLER_REVISION.kind, revision } };
}

export function deleteRevisionAction(cr: KubeObject): DeleteAction {
  return { kind: 'delete', ref: refOf(cr, CONTROLLER_REVISION), tolerate: ['NotFound'] };
}
