// coordination.k8s.io/v1 Lease: upstream pkg/apis/coordination/validation ValidateLeaseSpec,
// pkg/registry/coordination/lease/strategy.go and printLease.
import { type FieldError, invalid } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { at, rec, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import type { ResourceStrategy } from '../types.js';

/**
 * strategy and preferredHolder belong to CoordinatedLeaderElection, a gate that is off by
 * default: they are dropped on write unless the stored object already has them.
 */
function dropCoordinatedFields(obj: KubeObject, old: KubeObject | undefined): void {
  const spec = rec(obj.spec);
  if (!spec) return;
  for (const f of ['strategy', 'preferredHolder']) if (at(old, `spec.${f}`) === undefined) delete spec[f];
}

export const leaseStrategy = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  schemaRef: 'io.k8s.api.coordination.v1.Lease',

  prepareForCreate(obj: KubeObject): void {
    dropCoordinatedFields(obj, undefined);
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    dropCoordinatedFields(obj, old);
  },

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const errs: FieldError[] = [];
    if (typeof s.leaseDurationSeconds === 'number' && s.leaseDurationSeconds <= 0) {
      errs.push(invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
    }
    if (typeof s.leaseTransitions === 'number' && s.leaseTransitions < 0) {
      errs.push(invalid('spec.leaseTransitions', s.leaseTransitions, 'must be greater than or equal to 0'));
    }
    return errs;
  },

  table: {
    columns: [
      nameColumn,
      col('Holder', 'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.'),
      ageColumn,
    ],
    row(obj: KubeObject, now: number) {
      return [obj.metadata.name ?? '', str(at(obj, 'spec.holderIdentity')) ?? '', age(obj.metadata.creationTimestamp, now)];
    },
  },
} satisfies ResourceStrategy;
