// core/v1 ServiceAccount: metadata-only validation upstream (plus secret references) and
// printServiceAccount's SECRETS count.
import type { FieldError } from '../../machinery/fieldErrors.js';
import { required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { arr, recs, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import type { ResourceStrategy } from '../types.js';

function validateServiceAccount(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  recs(obj.imagePullSecrets).forEach((s, i) => {
    if (!str(s.name)) errs.push(required(`imagePullSecrets[${i}].name`));
  });
  return errs;
}

export const serviceAccountStrategy = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  schemaRef: 'io.k8s.api.core.v1.ServiceAccount',

  validate: validateServiceAccount,

  table: {
    columns: [
      nameColumn,
      col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret'),
      ageColumn,
    ],
    row: (obj, now) => [obj.metadata.name ?? '', arr(obj.secrets).length, age(obj.metadata.creationTimestamp, now)],
  },
} satisfies ResourceStrategy;
