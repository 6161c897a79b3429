// apps/v1 Deployment: upstream pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment),
// pkg/apis/apps/validation (ValidateDeploymentSpec), pkg/registry/apps/deployment/strategy.go
// and the printers' printDeployment.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { validateIntOrPercent, validateNotMoreThan100Percent } from '../../machinery/intstr.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { defaultPodTemplateSpec } from '../core/podSpec.js';
import { ensureRec, jsonEqual, rec, setDefault } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable, nonNegative } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import { selectorString, validateSelectorAndTemplate } from './podTemplateRules.js';
import {
  clearStatus,
  containerCells,
  count,
  intOrPercentValue,
  keepSpec,
  keepStatus,
  spec,
} from './workload.js';

function validateStrategy(strategy: unknown): FieldError[] {
  const s = rec(strategy) ?? {};
  const errs: FieldError[] = [];
  switch (s.type) {
    case 'Recreate':
      if (s.rollingUpdate !== undefined && s.rollingUpdate !== null) {
        errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      }
      break;
    case 'RollingUpdate': {
      const ru = rec(s.rollingUpdate);
      if (!ru) {
        errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
        break;
      }
      // The internal type holds values, not pointers: an absent one reads as int 0.
      const maxUnavailable = ru.maxUnavailable ?? 0;
      const maxSurge = ru.maxSurge ?? 0;
      errs.push(...validateIntOrPercent(maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
      errs.push(...validateIntOrPercent(maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
      if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
        errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...validateNotMoreThan100Percent(maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
      break;
    }
    default:
      errs.push(notSupported('spec.strategy', s, ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

export const deploymentStrategy = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.apps.v1.Deployment',
  hasStatus: true,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', selectorPath: 'spec.selector' },

  defaults(obj: KubeObject): void {
    const s = spec(obj);
    setDefault(s, 'replicas', 1);
    const strategy = ensureRec(s, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = ensureRec(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', '25%');
      setDefault(ru, 'maxSurge', '25%');
    }
    setDefault(s, 'revisionHistoryLimit', 10);
    setDefault(s, 'progressDeadlineSeconds', 600);
    defaultPodTemplateSpec(ensureRec(s, 'template'));
  },

  prepareForCreate: clearStatus,

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    keepStatus(obj, old);
    // Upstream also bumps the generation when only annotations change (they are copied to
    // the ReplicaSets); spec changes are the apiserver's to count.
    if (jsonEqual(obj.spec, old.spec) && !jsonEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {})) {
      obj.metadata.generation = (old.metadata.generation ?? 1) + 1;
    }
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    keepSpec(obj, old);
    if (old.metadata.labels === undefined) delete obj.metadata.labels;
    else obj.metadata.labels = { ...old.metadata.labels };
  },

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const errs: FieldError[] = [];
    errs.push(...nonNegative(s.replicas, 'spec.replicas'));
    errs.push(...validateSelectorAndTemplate(s));
    errs.push(...validateStrategy(s.strategy));
    errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
    errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
    if (typeof s.progressDeadlineSeconds === 'number') {
      errs.push(...nonNegative(s.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
      const minReady = typeof s.minReadySeconds === 'number' ? s.minReadySeconds : 0;
      if (s.progressDeadlineSeconds <= minReady) {
        errs.push(invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
      }
    }
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    // apps/v1 forbids selector changes (extensions/v1beta1 allowed them).
    return immutable(rec(obj.spec)?.selector, rec(old.spec)?.selector, 'spec.selector');
  },

  table: {
    columns: [
      nameColumn,
      col('Ready', 'Number of the pod with ready state'),
      col('Up-to-date', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
      ageColumn,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
      col('Selector', "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.", 1),
    ],
    row(obj: KubeObject, now: number) {
      const [names, images] = containerCells(rec(obj.spec)?.template);
      return [
        obj.metadata.name ?? '',
        `${count(obj, 'status.readyReplicas')}/${count(obj, 'spec.replicas')}`,
        count(obj, 'status.updatedReplicas'),
        count(obj, 'status.availableReplicas'),
        age(obj.metadata.creationTimestamp, now),
        names,
        images,
        selectorString(obj),
      ];
    },
  },
} satisfies ResourceStrategy;
