// The bridge between client-side and server-side apply for manager `kubectl`
// (lastappliedmanager.go, lastappliedupdater.go, lastapplied.go): fields the
// last-applied-configuration annotation still describes accurately may be taken over without
// a conflict, and a successful server-side apply keeps that annotation in sync.
import { type KubeObject, isPlainObject } from '../types.js';
import { compareObjects } from './compare.js';
import type { FieldSet } from './fieldSet.js';
import { toFieldSet } from './fieldSetOf.js';
import { goJson } from './goFormat.js';
import { cloneJson } from '../clone.js';
import type { TypeRef } from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** apimachinery ValidateAnnotationsSize: 256 KiB over all keys and values. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * Fields of the annotation whose values still match the live object; undefined when there is
 * no usable annotation (then conflicts stand).
 */
export function allowedConflictsFromLastApplied(live: KubeObject | undefined, apiVersion: string, tr: TypeRef): FieldSet | undefined {
  const text = live?.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(last) || last.apiVersion !== apiVersion) return undefined;
  const liveObj = { ...live, metadata: { ...live!.metadata, managedFields: undefined } };
  const cmp = compareObjects(last, liveObj, tr);
  return toFieldSet(last, tr).difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

/** The applied configuration as upstream writes it into the annotation (sorted keys, newline). */
export function buildLastApplied(applied: KubeObject): string {
  const copy = cloneJson(applied) as KubeObject;
  const annotations = copy.metadata?.annotations;
  if (annotations) delete annotations[LAST_APPLIED_ANNOTATION];
  return goJson(copy) + '\n';
}

export function hasLastApplied(obj: KubeObject): boolean {
  return !!obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
}

/** SetLastApplied: dropped instead when it would push annotations over the size limit. */
export function setLastApplied(obj: KubeObject, value: string): void {
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED_ANNOTATION]: value };
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
  obj.metadata.annotations = annotations;
}
