// core/v1 Secret: stringData folded into data (v1 conversion does it on decode, so it is
// never stored), type Opaque by default, ValidateSecret's per-type required keys,
// ValidateSecretUpdate (type and immutable data), printSecret and the `type` field selector.
import { type FieldError, invalid, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { rec, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import { dataCount, maxDataSize, tooLongBytes, validateDataMap, validateImmutableData } from './dataMaps.js';

/** stringData entries overwrite data entries, base64-encoded (upstream Convert_v1_Secret_To_core_Secret). */
export function mergeStringData(obj: KubeObject): void {
  const sd = rec(obj.stringData);
  if (sd) {
    const data = rec(obj.data) ?? {};
    for (const [k, v] of Object.entries(sd)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
    obj.data = data;
  }
  delete obj.stringData;
}

function decoded(obj: KubeObject, key: string): Buffer | undefined {
  const v = rec(obj.data)?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}

function validateJsonKey(obj: KubeObject, key: string, errs: FieldError[]): void {
  const bytes = decoded(obj, key);
  if (bytes === undefined) {
    errs.push(required(`data[${key}]`));
    return;
  }
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
  } catch (e) {
    errs.push(invalid(`data[${key}]`, '<secret contents redacted>', e instanceof Error ? e.message : String(e)));
  }
}

function validateSecret(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const total = validateDataMap(obj.data, 'data', true, errs);
  if (total > maxDataSize) errs.push(tooLongBytes('data'));
  const data = rec(obj.data) ?? {};
  switch (str(obj.type) ?? '') {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      validateJsonKey(obj, '.dockercfg', errs);
      break;
    case 'kubernetes.io/dockerconfigjson':
      validateJsonKey(obj, '.dockerconfigjson', errs);
      break;
    case 'kubernetes.io/basic-auth':
      // Upstream builds these paths from the literal "data[%s]", and users see exactly that.
      if (!('username' in data) && !('password' in data)) {
        errs.push(required('data[%s][username]'), required('data[%s][password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if ((decoded(obj, 'ssh-privatekey')?.length ?? 0) === 0) errs.push(required('data[%s][ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) errs.push(required('data[tls.crt]'));
      if (!('tls.key' in data)) errs.push(required('data[tls.key]'));
      break;
    default:
  }
  return errs;
}

export const secretStrategy = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  schemaRef: 'io.k8s.api.core.v1.Secret',

  defaults(obj: KubeObject): void {
    mergeStringData(obj);
    if (!str(obj.type)) obj.type = 'Opaque';
  },
  prepareForCreate: mergeStringData,
  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    mergeStringData(obj);
    if (!str(obj.type)) obj.type = old.type;
  },

  validate: validateSecret,

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return [...immutable(obj.type, old.type, 'type'), ...validateImmutableData(obj, old, ['data'])];
  },

  table: {
    columns: [
      nameColumn,
      col('Type', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
      col('Data', "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
      ageColumn,
    ],
    row: (obj, now) => [obj.metadata.name ?? '', str(obj.type) ?? '', dataCount(obj.data), age(obj.metadata.creationTimestamp, now)],
  },

  fieldSelectors: {
    type: (o) => str(o.type) ?? '',
  },
} satisfies ResourceStrategy;
