// Server-side apply and managedFields tracking (upstream: sigs.k8s.io/structured-merge-diff
// and k8s.io/apimachinery/pkg/util/managedfields), as pure functions over JSON objects.
import { type TypeRef, type SchemaLookup, rootType } from './typed.js';
import { FieldSet } from './fieldSet.js';
import { toFieldSet } from './fieldSetOf.js';

export { FieldSet, toFieldsV1, fromFieldsV1 } from './fieldSet.js';
export type { Path, PathElement } from './pathElement.js';
export { pathString } from './pathElement.js';
export type { SchemaLookup } from './typed.js';
export {
  serverSideApply,
  updateManagedFields,
  managerFromUserAgent,
  type ServerSideApplyArgs,
  type UpdateManagedFieldsArgs,
} from './fieldManager.js';
export { LAST_APPLIED_ANNOTATION } from './lastApplied.js';

/** The fields an object sets (leaves, granular list items, map entries), per the schema. */
export function fieldSetOf(obj: unknown, schema: SchemaLookup): FieldSet {
  const tr: TypeRef = rootType(schema);
  return toFieldSet(obj, tr);
}
