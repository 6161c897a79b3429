// apps/v1 ReplicaSet: upstream SetDefaults_ReplicaSet, ValidateReplicaSetSpec,
// pkg/registry/apps/replicaset/strategy.go (selector immutable, status.replicas field label)
// and printReplicaSet.
import type { FieldError } from '../../machinery/fieldErrors.js';
import { formatLabelSelector } from '../../machinery/labels.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { defaultPodTemplateSpec } from '../core/podSpec.js';
import { ensureRec, rec, setDefault } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable, nonNegative } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import { validateSelectorAndTemplate } from './podTemplateRules.js';
import {
  clearStatus,
  containerCells,
  count,
  keepSpec,
  keepStatus,
  labelSelectorOf,
  spec,
} from './workload.js';

export const replicaSetStrategy = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.apps.v1.ReplicaSet',
  hasStatus: true,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', selectorPath: 'spec.selector' },

  defaults(obj: KubeObject): void {
    const s = spec(obj);
    setDefault(s, 'replicas', 1);
    defaultPodTemplateSpec(ensureRec(s, 'template'));
  },

  prepareForCreate: clearStatus,
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    return [
      ...nonNegative(s.replicas, 'spec.replicas'),
      ...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'),
      ...validateSelectorAndTemplate(s),
    ];
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return immutable(rec(obj.spec)?.selector, rec(old.spec)?.selector, 'spec.selector');
  },

  table: {
    columns: [
      nameColumn,
      col('Desired', 'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset', 0, 'integer'),
      col('Current', 'Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset', 0, 'integer'),
      col('Ready', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.', 0, 'integer'),
      ageColumn,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
      col('Selector', "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ],
    row(obj: KubeObject, now: number) {
      const s = rec(obj.spec);
      const [names, images] = containerCells(s?.template);
      return [
        obj.metadata.name ?? '',
        count(obj, 'spec.replicas'),
        count(obj, 'status.replicas'),
        count(obj, 'status.readyReplicas'),
        age(obj.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(labelSelectorOf(s?.selector)),
      ];
    },
  },

  fieldSelectors: {
    'status.replicas': (obj: KubeObject) => String(count(obj, 'status.replicas')),
  },
} satisfies ResourceStrategy;
