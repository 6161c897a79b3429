// core/v1 PersistentVolumeClaim: volumeMode Filesystem and phase Pending by default,
// ValidatePersistentVolumeClaimSpec (access modes, resources[storage]), the update rule that
// freezes the spec except a one-time volumeName and growing storage of bound claims, and
// printPersistentVolumeClaim.
import { type FieldError, forbidden, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { type LabelSelector, validateLabelSelector } from '../../machinery/labels.js';
import { compareQuantities } from '../../machinery/quantity.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, clone, ensureRec, jsonEqual, rec, setDefault, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { canonicalizeResourceList, immutable, quantityOf } from '../shared/validate.js';
import type { ResourceStrategy, TableCell } from '../types.js';
import { accessModesText, betaStorageClassAnnotation, positiveQuantity, storageClassOf, validateAccessModes, validateClassName, validateVolumeMode } from './storageShared.js';

function specOf(obj: KubeObject): Obj {
  return rec(obj.spec) ?? {};
}

/** ValidatePersistentVolumeClaimSpec, also used for StatefulSet volumeClaimTemplates. */
export function validatePVCSpec(spec: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) errs.push(required(`${field}.accessModes`, 'at least 1 access mode is required'));
  if (rec(spec.selector)) errs.push(...validateLabelSelector(rec(spec.selector) as LabelSelector, `${field}.selector`));
  errs.push(...validateAccessModes(modes, `${field}.accessModes`));
  const storage = rec(rec(spec.resources)?.requests)?.storage;
  // Upstream's path is `resources[storage]`, without `.requests`.
  if (storage === undefined) errs.push(required(`${field}.resources[storage]`));
  else errs.push(...positiveQuantity(storage, `${field}.resources[storage]`));
  errs.push(...validateClassName(spec.storageClassName, `${field}.storageClassName`));
  errs.push(...validateVolumeMode(spec.volumeMode, `${field}.volumeMode`));
  return errs;
}

export function defaultPVCSpec(spec: Obj): void {
  setDefault(spec, 'volumeMode', 'Filesystem');
  const res = rec(spec.resources);
  if (res) {
    canonicalizeResourceList(res.requests);
    canonicalizeResourceList(res.limits);
  }
}

function storageOf(spec: Obj): string | undefined {
  return quantityOf(rec(rec(spec.resources)?.requests)?.storage);
}

function validatePVCUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = clone(specOf(obj));
  const prev = clone(specOf(old));
  // The binder may set volumeName once.
  if (!str(prev.volumeName)) {
    if (spec.volumeName === undefined) delete prev.volumeName;
    else prev.volumeName = spec.volumeName;
  }
  // A class given first as the beta annotation may move into spec.storageClassName.
  const oldAnn = old.metadata.annotations?.[betaStorageClassAnnotation];
  const newAnn = obj.metadata.annotations?.[betaStorageClassAnnotation];
  if (oldAnn !== undefined && prev.storageClassName === undefined && spec.storageClassName === oldAnn) {
    delete spec.storageClassName;
  } else {
    if (oldAnn !== newAnn) errs.push({ type: 'Invalid', field: `metadata.annotations[${betaStorageClassAnnotation}]`, value: newAnn ?? '', detail: 'field is immutable' });
    // A claim created without a class may be given one later (the default class admission).
    if (oldAnn === undefined && (prev.storageClassName === undefined || prev.storageClassName === null) && str(spec.storageClassName)) delete spec.storageClassName;
  }
  const phase = str(rec(obj.status)?.phase);
  if (phase === 'Bound') {
    const req = rec(rec(spec.resources)?.requests);
    const oldReq = rec(rec(prev.resources)?.requests);
    if (req && oldReq && 'storage' in oldReq) req.storage = oldReq.storage;
  }
  if (!jsonEqual(spec, prev)) {
    const diff = `  core.PersistentVolumeClaimSpec{\n- \t${JSON.stringify(prev)}\n+ \t${JSON.stringify(spec)}\n  }\n`;
    errs.push(forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${diff}`));
  }
  const newSize = storageOf(specOf(obj));
  const oldSize = storageOf(specOf(old));
  if (newSize !== undefined && oldSize !== undefined && compareQuantities(newSize, oldSize) < 0) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  errs.push(...immutable(specOf(obj).volumeMode, specOf(old).volumeMode, 'volumeMode'));
  return errs;
}

export const persistentVolumeClaimStrategy = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  schemaRef: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  hasStatus: true,

  defaults(obj: KubeObject): void {
    defaultPVCSpec(ensureRec(obj, 'spec'));
    setDefault(ensureRec(obj, 'status'), 'phase', 'Pending');
  },

  prepareForCreate(obj: KubeObject): void {
    obj.status = {};
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    obj.status = clone(old.status);
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    obj.spec = clone(old.spec);
  },

  validate(obj: KubeObject): FieldError[] {
    return validatePVCSpec(specOf(obj), 'spec');
  },
  validateUpdate: validatePVCUpdate,

  table: {
    columns: [
      nameColumn,
      col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
      col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
      col('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
      col('StorageClass', 'StorageClass of the pvc'),
      col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
      ageColumn,
      col('VolumeMode', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', 1),
    ],
    row(obj: KubeObject, now: number): TableCell[] {
      const spec = specOf(obj);
      const status = rec(obj.status) ?? {};
      const phase = obj.metadata.deletionTimestamp ? 'Terminating' : (str(status.phase) ?? '');
      const volume = str(spec.volumeName) ?? '';
      // Only a bound claim shows capacity and access modes (from its status).
      const capacity = volume ? (str(rec(status.capacity)?.storage) ?? '0') : '';
      const modes = volume ? accessModesText(status.accessModes) : '';
      return [
        obj.metadata.name ?? '',
        phase,
        volume,
        capacity,
        modes,
        storageClassOf(obj),
        str(spec.volumeAttributesClassName) ?? '<unset>',
        age(obj.metadata.creationTimestamp, now),
        str(spec.volumeMode) ?? '<unset>',
      ];
    },
  },
} satisfies ResourceStrategy;
