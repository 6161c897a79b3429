// apps/v1 ControllerRevision: upstream ValidateControllerRevision(Update),
// pkg/registry/apps/controllerrevision/strategy.go and printControllerRevision.
import { type FieldError, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { type KubeObject, parseApiVersion } from '../../machinery/types.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable, nonNegative } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';

/** `kind.group/name` of the controlling owner (formatResourceName with the GroupKind), or `<none>`. */
function controllerName(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const { group } = parseApiVersion(ref.apiVersion ?? '');
  const gk = group ? `${ref.kind}.${group}` : ref.kind;
  return gk ? `${gk.toLowerCase()}/${ref.name}` : ref.name;
}

export const controllerRevisionStrategy = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  schemaRef: 'io.k8s.api.apps.v1.ControllerRevision',

  validate(obj: KubeObject): FieldError[] {
    const errs: FieldError[] = [];
    if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
    errs.push(...nonNegative(obj.revision, 'revision'));
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return immutable(obj.data, old.data, 'data');
  },

  table: {
    columns: [
      nameColumn,
      col('Controller', 'Controller of the object'),
      col('Revision', 'Revision indicates the revision of the state represented by Data.'),
      ageColumn,
    ],
    row(obj: KubeObject, now: number) {
      return [obj.metadata.name ?? '', controllerName(obj), typeof obj.revision === 'number' ? obj.revision : 0, age(obj.metadata.creationTimestamp, now)];
    },
  },
} satisfies ResourceStrategy;
