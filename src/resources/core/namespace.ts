// core/v1 Namespace: the `kubernetes` finalizer added on create, phase Active → Terminating
// on delete (pkg/registry/core/namespace/storage), the kubernetes.io/metadata.name label
// (SetDefaults_Namespace), finalizer-name validation and printNamespace.
import { ApiError } from '../../machinery/errors.js';
import { type FieldError, invalid } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { isQualifiedName } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, arr, clone, ensureRec, rec, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import type { ResourceStrategy } from '../types.js';

const standardFinalizers = ['kubernetes', 'orphan', 'foregroundDeletion'];

function specOf(obj: KubeObject): Obj {
  return rec(obj.spec) ?? {};
}

function finalizers(obj: KubeObject): string[] {
  return arr(specOf(obj).finalizers).filter((f): f is string => typeof f === 'string');
}

/** validateFinalizerName: a qualified name, and a bare name must be a standard one. */
export function validateFinalizerName(name: string, field: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(field, name, m));
  if (errs.length === 0 && !name.includes('/') && !standardFinalizers.includes(name)) {
    errs.push(invalid(field, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function validateNamespace(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers(obj)) errs.push(...validateFinalizerName(f, 'spec.finalizers'));
  const phase = str(rec(obj.status)?.phase);
  if (phase !== undefined) {
    // ValidateNamespaceStatusUpdate: the phase follows the deletion timestamp.
    if (!obj.metadata.deletionTimestamp && phase !== 'Active') errs.push(invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    if (obj.metadata.deletionTimestamp && phase !== 'Terminating') errs.push(invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

export const namespaceStrategy = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  schemaRef: 'io.k8s.api.core.v1.Namespace',
  hasStatus: true,
  nameRule: 'label',

  defaults(obj: KubeObject): void {
    const status = ensureRec(obj, 'status');
    if (!str(status.phase)) status.phase = 'Active';
    ensureRec(obj, 'spec');
    if (obj.metadata.name) obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
  },

  prepareForCreate(obj: KubeObject): void {
    obj.status = { phase: 'Active' };
    // The kubernetes finalizer is required at creation; it may be removed later (finalize).
    const spec = ensureRec(obj, 'spec');
    const fs = finalizers(obj);
    if (!fs.includes('kubernetes')) spec.finalizers = [...fs, 'kubernetes'];
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    const spec = ensureRec(obj, 'spec');
    const oldFinalizers = specOf(old).finalizers;
    if (oldFinalizers === undefined) delete spec.finalizers;
    else spec.finalizers = clone(oldFinalizers);
    obj.status = clone(old.status);
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    obj.spec = clone(old.spec);
  },

  validate: validateNamespace,

  gracefulDelete(obj: KubeObject): KubeObject | undefined {
    const status = ensureRec(obj, 'status');
    if (status.phase === 'Terminating' && finalizers(obj).length > 0) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on namespaces "${obj.metadata.name ?? ''}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`, {
        name: obj.metadata.name,
        kind: 'namespaces',
      });
    }
    if (finalizers(obj).length === 0) return undefined;
    status.phase = 'Terminating';
    return obj;
  },

  pendingFinalizers(obj: KubeObject): boolean {
    return finalizers(obj).length > 0;
  },

  table: {
    columns: [nameColumn, col('Status', 'The status of the namespace'), ageColumn],
    row: (obj, now) => [obj.metadata.name ?? '', str(rec(obj.status)?.phase) ?? '', age(obj.metadata.creationTimestamp, now)],
  },

  fieldSelectors: {
    'status.phase': (o) => str(rec(o.status)?.phase) ?? '',
  },
} satisfies ResourceStrategy;
