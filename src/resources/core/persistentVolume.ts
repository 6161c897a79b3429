// core/v1 PersistentVolume: SetDefaults_PersistentVolume (Retain, Filesystem, phase Pending),
// the strategy's status reset with lastPhaseTransitionTime, ValidatePersistentVolumeSpec
// (access modes, capacity, exactly one volume source, reclaim policy), the update rules and
// printPersistentVolume.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, clone, ensureRec, jsonEqual, rec, setDefault, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { canonicalizeResourceList, immutable } from '../shared/validate.js';
import type { ResourceStrategy, TableCell } from '../types.js';
import { validateNodeSelector } from './schedulingValidation.js';
import { accessModesText, positiveQuantity, storageClassOf, validateAccessModes, validateClassName, validateVolumeMode } from './storageShared.js';
import { validateHostPath, validateNFS } from './volumeValidation.js';
import { rfc3339 } from '../../machinery/time.js';

const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];
// PersistentVolumeSource members, in the order upstream checks them.
const pvSources = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cinder',
  'cephfs', 'iscsi', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume',
  'azureDisk', 'scaleIO', 'local', 'storageos', 'csi',
];

function specOf(obj: KubeObject): Obj {
  return rec(obj.spec) ?? {};
}


function validateSource(kind: string, src: Obj, field: string): FieldError[] {
  switch (kind) {
    case 'hostPath':
      return validateHostPath(src, field);
    case 'nfs':
      return validateNFS(src, field);
    case 'local': {
      const p = str(src.path) ?? '';
      if (p === '') return [required(`${field}.path`)];
      return p.split('/').includes('..') ? [invalid(`${field}.path`, p, "must not contain '..'")] : [];
    }
    case 'csi': {
      const errs: FieldError[] = [];
      if (!str(src.driver)) errs.push(required(`${field}.driver`));
      if (!str(src.volumeHandle)) errs.push(required(`${field}.volumeHandle`));
      return errs;
    }
    default:
      return [];
  }
}

function validatePV(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) errs.push(required('spec.accessModes'));
  errs.push(...validateAccessModes(modes, 'spec.accessModes'));
  const capacity = rec(spec.capacity) ?? {};
  const keys = Object.keys(capacity);
  if (keys.length === 0) errs.push(required('spec.capacity'));
  if (!('storage' in capacity) || keys.length > 1) errs.push(notSupported('spec.capacity', capacity, ['storage']));
  for (const k of keys) errs.push(...positiveQuantity(capacity[k], `spec.capacity[${k}]`));
  errs.push(...validateClassName(spec.storageClassName, 'spec.storageClassName'));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  const policy = str(spec.persistentVolumeReclaimPolicy) ?? '';
  if (policy !== '' && !reclaimPolicies.includes(policy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, reclaimPolicies));
  let hasNodeAffinity = false;
  const affinity = rec(spec.nodeAffinity);
  if (affinity) {
    const req = rec(affinity.required);
    if (req) {
      hasNodeAffinity = true;
      errs.push(...validateNodeSelector(req, 'spec.nodeAffinity.required'));
    } else {
      errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
    }
  }
  let count = 0;
  for (const kind of pvSources) {
    const src = rec(spec[kind]);
    if (!src) continue;
    if (count > 0) {
      errs.push(forbidden(`spec.${kind}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSource(kind, src, `spec.${kind}`));
    if (kind === 'local' && !hasNodeAffinity) errs.push(required('metadata.annotations', 'Local volume requires node affinity'));
  }
  if (count === 0) errs.push(required('spec', 'must specify a volume type'));
  const hostPath = rec(spec.hostPath);
  if (hostPath && (str(hostPath.path) ?? '').replace(/\/+$/, '') === '' && str(hostPath.path) && policy === 'Recycle') {
    errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  return errs;
}

function sourceOf(spec: Obj): Obj {
  const out: Obj = {};
  for (const k of pvSources) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

function validatePVUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const prev = specOf(old);
  const errs: FieldError[] = [];
  const newSource = sourceOf(spec);
  const oldSource = sourceOf(prev);
  if (!jsonEqual(newSource, oldSource)) {
    const diff = `  core.PersistentVolumeSource{\n- \t${JSON.stringify(oldSource)}\n+ \t${JSON.stringify(newSource)}\n  }\n`;
    errs.push(forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${diff}`));
  }
  errs.push(...immutable(spec.volumeMode, prev.volumeMode, 'volumeMode'));
  if (prev.nodeAffinity !== undefined && prev.nodeAffinity !== null && !jsonEqual(spec.nodeAffinity, prev.nodeAffinity)) {
    errs.push(...immutable(spec.nodeAffinity, prev.nodeAffinity, 'nodeAffinity'));
  }
  return errs;
}

export const persistentVolumeStrategy = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  schemaRef: 'io.k8s.api.core.v1.PersistentVolume',
  hasStatus: true,

  defaults(obj: KubeObject): void {
    const spec = ensureRec(obj, 'spec');
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
    canonicalizeResourceList(spec.capacity);
    const hostPath = rec(spec.hostPath);
    if (hostPath) setDefault(hostPath, 'type', '');
    const status = ensureRec(obj, 'status');
    setDefault(status, 'phase', 'Pending');
  },

  prepareForCreate(obj: KubeObject): void {
    obj.status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339() };
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    obj.status = clone(old.status);
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    obj.spec = clone(old.spec);
    const status = ensureRec(obj, 'status');
    const prev = rec(old.status) ?? {};
    // The transition time follows phase changes unless the client set a new one itself.
    if (status.phase === prev.phase && status.lastPhaseTransitionTime === undefined) {
      if (prev.lastPhaseTransitionTime !== undefined) status.lastPhaseTransitionTime = prev.lastPhaseTransitionTime;
    } else if (status.phase !== prev.phase && (status.lastPhaseTransitionTime === undefined || status.lastPhaseTransitionTime === prev.lastPhaseTransitionTime)) {
      status.lastPhaseTransitionTime = rfc3339();
    }
  },

  validate: validatePV,
  validateUpdate: validatePVUpdate,

  table: {
    columns: [
      nameColumn,
      col('Capacity', "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
      col('Access Modes', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
      col('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
      col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
      col('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
      col('StorageClass', 'StorageClass of the pv'),
      col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
      col('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
      ageColumn,
      col('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.', 1),
    ],
    row(obj: KubeObject, now: number): TableCell[] {
      const spec = specOf(obj);
      const status = rec(obj.status) ?? {};
      const claim = rec(spec.claimRef);
      const phase = obj.metadata.deletionTimestamp ? 'Terminating' : (str(status.phase) ?? '');
      return [
        obj.metadata.name ?? '',
        str(rec(spec.capacity)?.storage) ?? '0',
        accessModesText(spec.accessModes),
        str(spec.persistentVolumeReclaimPolicy) ?? '',
        phase,
        claim ? `${str(claim.namespace) ?? ''}/${str(claim.name) ?? ''}` : '',
        storageClassOf(obj),
        str(spec.volumeAttributesClassName) ?? '<unset>',
        str(status.reason) ?? '',
        age(obj.metadata.creationTimestamp, now),
        str(spec.volumeMode) ?? '<unset>',
      ];
    },
  },
} satisfies ResourceStrategy;
