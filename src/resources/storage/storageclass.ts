// storage.k8s.io/v1 StorageClass (cluster-scoped): upstream SetDefaults_StorageClass,
// pkg/apis/storage/validation ValidateStorageClass(Update) and printStorageClass.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required, tooLong } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { isQualifiedName } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { arr, jsonEqual, recs, setDefault, str, strMap } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';

export const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
export const betaDefaultClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';

const maxParameters = 512;
const maxParametersSize = 256 * 1024;

/** IsDefaultAnnotation: either annotation set to "true". */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  const a = obj.metadata.annotations ?? {};
  return a[defaultClassAnnotation] === 'true' || a[betaDefaultClassAnnotation] === 'true';
}

function validateParameters(params: unknown): FieldError[] {
  const p = strMap(params);
  const keys = Object.keys(p);
  if (keys.length > maxParameters) return [tooLong('parameters', maxParameters)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of keys) {
    if (k.length < 1) errs.push(invalid('parameters', k, 'field can not be empty.'));
    size += Buffer.byteLength(k) + Buffer.byteLength(p[k]);
  }
  if (size > maxParametersSize) errs.push(tooLong('parameters', maxParametersSize));
  return errs;
}

/** validateAllowedTopologies / ValidateTopologySelectorTerm. */
function validateAllowedTopologies(terms: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const seen: Array<Record<string, string[]>> = [];
  recs(terms).forEach((term, i) => {
    const exprPath = `allowedTopologies[${i}].matchLabelExpressions`;
    const exprMap: Record<string, string[]> = {};
    recs(term.matchLabelExpressions).forEach((req, j) => {
      const values = arr(req.values).filter((v): v is string => typeof v === 'string');
      if (values.length === 0) errs.push(required(`${exprPath}[${j}].values`));
      const set = new Set<string>();
      values.forEach((v, k) => {
        if (set.has(v)) errs.push(duplicate(`${exprPath}[${j}].values[${k}]`, v));
        set.add(v);
      });
      const key = str(req.key) ?? '';
      for (const m of isQualifiedName(key)) errs.push(invalid(`${exprPath}[${j}].key`, key, m));
      if (key in exprMap) errs.push(duplicate(`${exprPath}[${j}].key`, key));
      exprMap[key] = [...set].sort();
    });
    if (seen.some((t) => jsonEqual(t, exprMap))) errs.push(duplicate(exprPath, ''));
    seen.push(exprMap);
  });
  return errs;
}

export const storageClassStrategy = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  schemaRef: 'io.k8s.api.storage.v1.StorageClass',

  defaults(obj: KubeObject): void {
    setDefault(obj, 'reclaimPolicy', 'Delete');
    setDefault(obj, 'volumeBindingMode', 'Immediate');
  },

  validate(obj: KubeObject): FieldError[] {
    const errs: FieldError[] = [];
    const provisioner = str(obj.provisioner) ?? '';
    if (provisioner === '') errs.push(required('provisioner'));
    else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner.toLowerCase(), m));
    errs.push(...validateParameters(obj.parameters));
    const reclaim = str(obj.reclaimPolicy) ?? '';
    if (reclaim !== '' && reclaim !== 'Delete' && reclaim !== 'Retain') errs.push(notSupported('reclaimPolicy', reclaim, ['Delete', 'Retain']));
    const mode = obj.volumeBindingMode;
    if (mode === undefined || mode === null) errs.push(required('volumeBindingMode'));
    else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') errs.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
    errs.push(...validateAllowedTopologies(obj.allowedTopologies));
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    const errs: FieldError[] = [];
    if (!jsonEqual(old.parameters, obj.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    errs.push(...immutable(obj.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
    return errs;
  },

  table: {
    columns: [
      nameColumn,
      col('Provisioner', 'provisioner indicates the type of the provisioner.'),
      col('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
      col('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
      col('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
      ageColumn,
    ],
    row(obj: KubeObject, now: number) {
      const name = obj.metadata.name ?? '';
      return [
        isDefaultStorageClass(obj) ? `${name} (default)` : name,
        str(obj.provisioner) ?? '',
        str(obj.reclaimPolicy) ?? 'Delete',
        str(obj.volumeBindingMode) ?? 'Immediate',
        obj.allowVolumeExpansion === true,
        age(obj.metadata.creationTimestamp, now),
      ];
    },
  },
} satisfies ResourceStrategy;
