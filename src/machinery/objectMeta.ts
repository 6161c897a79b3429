// metadata validation shared by every kind: apimachinery pkg/api/validation/objectmeta.go
// (ValidateObjectMetaAccessor / ValidateObjectMetaAccessorUpdate), same paths and wording.
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from './types.js';
import { parseApiVersion } from './types.js';
import { type FieldError, forbidden, invalid, required, tooLong } from './fieldErrors.js';
import { isDNS1123Label, isQualifiedName, type NameRule, nameMessages } from './names.js';
import { validateLabels } from './labels.js';

/** Total bytes of annotation keys and values (TotalAnnotationSizeLimitB). */
export const totalAnnotationSizeLimit = 256 * 1024;

export const fieldImmutableErrorMsg = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';

export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names with case ignored.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > totalAnnotationSizeLimit) errs.push(tooLong(field, totalAnnotationSizeLimit));
  return errs;
}

/** Kinds that may never own other objects (BannedOwners). */
const bannedOwners = new Set(['/v1, Kind=Event']);

function validateOwnerReference(ref: OwnerReference, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const { group, version } = parseApiVersion(ref.apiVersion ?? '');
  // Upstream's path has no index: every reference reports on `ownerReferences.<field>`.
  if (!version) errs.push(invalid(`${field}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) errs.push(invalid(`${field}.kind`, ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) errs.push(invalid(`${field}.name`, ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalid(`${field}.uid`, ref.uid ?? '', 'uid must not be empty'));
  const gvk = `${group}/${version}, Kind=${ref.kind ?? ''}`;
  if (bannedOwners.has(gvk)) errs.push(invalid(field, ref, `${gvk} is disallowed from being an owner`));
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, field));
    if (ref.controller === true) {
      const cur = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(field, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else firstController = cur;
    }
  }
  return errs;
}

export const finalizerOrphanDependents = 'orphan';
export const finalizerDeleteDependents = 'foregroundDeletion';

export function validateFinalizers(finalizers: string[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) for (const m of isQualifiedName(f)) errs.push(invalid(field, f, m));
  const fs = finalizers ?? [];
  if (fs.includes(finalizerOrphanDependents) && fs.includes(finalizerDeleteDependents)) {
    errs.push(invalid(field, fs, `finalizer ${finalizerOrphanDependents} and ${finalizerDeleteDependents} cannot be both set`));
  }
  return errs;
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameRule: NameRule;
  /** Overrides nameRule; `prefix` is true when checking generateName. */
  validateName?: (name: string, prefix?: boolean) => string[] | FieldError[];
}

function nameErrors(name: string, prefix: boolean, field: string, opts: ObjectMetaOptions): FieldError[] {
  if (!opts.validateName) return nameMessages(name, opts.nameRule, prefix).map((m) => invalid(field, name, m));
  const out = opts.validateName(name, prefix);
  return out.map((m) => (typeof m === 'string' ? invalid(field, name, m) : m));
}

/** Create-time metadata checks: errors on `metadata.*` paths, one per message. */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) errs.push(...nameErrors(meta.generateName, true, 'metadata.generateName', opts));
  if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else errs.push(...nameErrors(meta.name, false, 'metadata.name', opts));
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace'));
    else for (const m of isDNS1123Label(meta.namespace)) errs.push(invalid('metadata.namespace', meta.namespace, m));
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (meta.generation !== undefined && meta.generation < 0) errs.push(invalid('metadata.generation', meta.generation, isNegativeErrorMsg));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  errs.push(...validateManagedFields(meta.managedFields, 'metadata.managedFields'));
  return errs;
}

export const fieldManagerMaxLength = 128;

/** ValidateFieldManager: at most 128 bytes, printable characters only (also used for ?fieldManager=). */
export function validateFieldManager(manager: string | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const m = manager ?? '';
  if (Buffer.byteLength(m) > fieldManagerMaxLength) errs.push(tooLong(field, fieldManagerMaxLength));
  let pos = 0;
  for (const ch of m) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const cp = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      errs.push(invalid(field, m, `invalid character U+${cp} (at position ${pos})`));
    }
    pos += Buffer.byteLength(ch);
  }
  return errs;
}

export function validateManagedFields(entries: ManagedFieldsEntry[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = `${field}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update') errs.push(invalid(`${p}.operation`, e.operation ?? '', 'must be `Apply` or `Update`'));
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') errs.push(invalid(`${p}.fieldsType`, e.fieldsType, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(e.manager, `${p}.manager`));
    if ((e.subresource ?? '').length > 256) errs.push(tooLong(`${p}.subresource`, 256));
  });
  return errs;
}

function sameValue(a: unknown, b: unknown): boolean {
  // Semantic.DeepEqual treats unset and empty alike for these scalar fields.
  const norm = (v: unknown): unknown => (v === undefined || v === null || v === '' ? undefined : v);
  return norm(a) === norm(b);
}

function immutable(field: string, now: unknown, before: unknown): FieldError[] {
  return sameValue(now, before) ? [] : [invalid(field, now ?? '', fieldImmutableErrorMsg)];
}

/**
 * Update-time checks. Like upstream this expects metadata.resourceVersion to be filled in (the
 * generic store copies the live one in for unconditional updates before validating).
 */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const extra = [...new Set((meta.finalizers ?? []).filter((f) => !before.has(f)))].sort();
    if (extra.length) {
      errs.push(forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  if (!meta.resourceVersion) errs.push(invalid('metadata.resourceVersion', meta.resourceVersion ?? '', 'must be specified for an update'));
  if ((meta.generation ?? 0) < (old.generation ?? 0)) errs.push(invalid('metadata.generation', meta.generation ?? 0, 'must not be decremented'));
  errs.push(...immutable('metadata.name', meta.name, old.name));
  errs.push(...immutable('metadata.namespace', meta.namespace, old.namespace));
  errs.push(...immutable('metadata.uid', meta.uid, old.uid));
  errs.push(...immutable('metadata.creationTimestamp', meta.creationTimestamp, old.creationTimestamp));
  errs.push(...immutable('metadata.deletionTimestamp', meta.deletionTimestamp, old.deletionTimestamp));
  errs.push(...immutable('metadata.deletionGracePeriodSeconds', meta.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateManagedFields(meta.managedFields, 'metadata.managedFields'));
  return errs;
}
