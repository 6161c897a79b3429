// core/v1 ConfigMap: ValidateConfigMap / ValidateConfigMapUpdate (keys, data vs binaryData
// overlap, 1 MiB total, immutable) and printConfigMap (DATA counts both maps).
import { type FieldError, invalid } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { rec } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import type { ResourceStrategy } from '../types.js';
import { dataCount, maxDataSize, tooLongBytes, validateDataMap, validateImmutableData } from './dataMaps.js';

function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = rec(obj.data) ?? {};
  const binary = rec(obj.binaryData) ?? {};
  let total = validateDataMap(data, 'data', false, errs);
  for (const k of Object.keys(data)) {
    if (k in binary) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
  }
  total += validateDataMap(binary, 'binaryData', true, errs);
  // Upstream reports the size on the root path, which prints as `[]`.
  if (total > maxDataSize) errs.push(tooLongBytes('[]'));
  return errs;
}

export const configMapStrategy = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  schemaRef: 'io.k8s.api.core.v1.ConfigMap',

  validate: validateConfigMap,

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return validateImmutableData(obj, old, ['data', 'binaryData']);
  },

  table: {
    columns: [
      nameColumn,
      col('Data', 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.'),
      ageColumn,
    ],
    row: (obj, now) => [obj.metadata.name ?? '', dataCount(obj.data, obj.binaryData), age(obj.metadata.creationTimestamp, now)],
  },
} satisfies ResourceStrategy;
