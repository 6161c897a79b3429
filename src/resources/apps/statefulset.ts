// apps/v1 StatefulSet: upstream SetDefaults_StatefulSet, ValidateStatefulSetSpec /
// ValidateStatefulSetUpdate, pkg/registry/apps/statefulset/strategy.go and printStatefulSet.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { validateIntOrPercent, validateNotMoreThan100Percent } from '../../machinery/intstr.js';
import { validateLabels } from '../../machinery/labels.js';
import { validateAnnotations } from '../../machinery/objectMeta.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { defaultPodTemplateSpec } from '../core/podSpec.js';
import { at, ensureRec, jsonEqual, rec, recs, setDefault, str, strMap } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { dns1123Label, nonNegative } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import {
  clearStatus,
  containerCells,
  count,
  intOrPercentValue,
  keepSpec,
  keepStatus,
  spec,
  templateLabelsMatch,
  templateRestartPolicy,
  validateControllerSelector,
} from './workload.js';

/** MaxUnavailableStatefulSet is an alpha gate (off): the field is dropped unless already stored. */
function dropMaxUnavailable(obj: KubeObject, old: KubeObject | undefined): void {
  const ru = rec(at(obj, 'spec.updateStrategy.rollingUpdate'));
  if (ru && at(old, 'spec.updateStrategy.rollingUpdate.maxUnavailable') === undefined) delete ru.maxUnavailable;
}

function validatePodManagementPolicy(v: unknown): FieldError[] {
  if (v === undefined || v === '') return [required('spec.podManagementPolicy')];
  if (v === 'OrderedReady' || v === 'Parallel') return [];
  return [invalid('spec.podManagementPolicy', v, "must be 'OrderedReady' or 'Parallel'")];
}

function validateUpdateStrategy(strategy: unknown): FieldError[] {
  const s = rec(strategy) ?? {};
  const ru = s.rollingUpdate;
  switch (s.type ?? '') {
    case '':
      return [required('spec.updateStrategy')];
    case 'OnDelete':
      return ru === undefined || ru === null ? [] : [invalid('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'")];
    case 'RollingUpdate': {
      const r = rec(ru);
      if (!r) return [];
      const path = 'spec.updateStrategy.rollingUpdate';
      const errs = nonNegative(r.partition, `${path}.partition`);
      if (r.maxUnavailable !== undefined && r.maxUnavailable !== null) {
        errs.push(...validateIntOrPercent(r.maxUnavailable, `${path}.maxUnavailable`));
        if (intOrPercentValue(r.maxUnavailable) === 0) errs.push(invalid(`${path}.maxUnavailable`, r.maxUnavailable, 'cannot be 0'));
        errs.push(...validateNotMoreThan100Percent(r.maxUnavailable, `${path}.maxUnavailable`));
      }
      return errs;
    }
    default:
      return [invalid('spec.updateStrategy', s, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRetentionPolicy(policy: unknown): FieldError[] {
  const p = rec(policy);
  if (!p) return [];
  const errs: FieldError[] = [];
  for (const key of ['whenDeleted', 'whenScaled']) {
    const v = p[key] ?? '';
    if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${key}`, v, ['Retain', 'Delete']));
  }
  return errs;
}

/**
 * ValidatePodTemplateSpecForStatefulSet: only labels and annotations. Upstream leaves the pod
 * spec unchecked here (its volumes would not resolve volumeClaimTemplates); the StatefulSet
 * controller's pod creation reports those errors instead.
 */
function validateTemplate(template: unknown, selector: ReturnType<typeof validateControllerSelector>['parsed']): FieldError[] {
  const errs: FieldError[] = [];
  if (selector) errs.push(...templateLabelsMatch(selector, template, 'spec.template'));
  const meta = rec(rec(template)?.metadata);
  errs.push(...validateLabels(meta ? strMap(meta.labels) : undefined, 'spec.template.labels'));
  errs.push(...validateAnnotations(meta ? strMap(meta.annotations) : undefined, 'spec.template.annotations'));
  return errs;
}

/** The spec fields a StatefulSet update may change; anything else is forbidden. */
const updatableFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function withoutUpdatable(s: unknown): Record<string, unknown> {
  const copy = { ...(rec(s) ?? {}) };
  for (const f of updatableFields) delete copy[f];
  return copy;
}

export const statefulSetStrategy = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.apps.v1.StatefulSet',
  hasStatus: true,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', selectorPath: 'spec.selector' },
  // ValidateStatefulSetName: pod names and hostnames derive from it.
  nameRule: 'label',

  defaults(obj: KubeObject): void {
    const s = spec(obj);
    setDefault(s, 'podManagementPolicy', 'OrderedReady');
    const us = ensureRec(s, 'updateStrategy');
    if (!us.type) {
      us.type = 'RollingUpdate';
      setDefault(us, 'rollingUpdate', {});
    }
    const ru = rec(us.rollingUpdate);
    if (us.type === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0);
    const retention = ensureRec(s, 'persistentVolumeClaimRetentionPolicy');
    if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
    if (!retention.whenScaled) retention.whenScaled = 'Retain';
    setDefault(s, 'replicas', 1);
    setDefault(s, 'revisionHistoryLimit', 10);
    defaultPodTemplateSpec(ensureRec(s, 'template'));
    // Upstream defaults the claim templates too, which makes every re-apply of a manifest
    // with volumeClaimTemplates (an atomic list) report "configured". We leave templates as
    // written: the claims created from them are defaulted when they are created.
  },

  prepareForCreate(obj: KubeObject): void {
    clearStatus(obj);
    dropMaxUnavailable(obj, undefined);
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    keepStatus(obj, old);
    dropMaxUnavailable(obj, old);
  },

  prepareForStatusUpdate: keepSpec,

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const errs: FieldError[] = [];
    // The service name becomes each pod's subdomain, a DNS label (checked since 1.33).
    const serviceName = str(s.serviceName);
    if (serviceName) errs.push(...dns1123Label(serviceName, 'spec.serviceName'));
    errs.push(...validatePodManagementPolicy(s.podManagementPolicy));
    errs.push(...validateUpdateStrategy(s.updateStrategy));
    errs.push(...validateRetentionPolicy(s.persistentVolumeClaimRetentionPolicy));
    errs.push(...nonNegative(s.replicas, 'spec.replicas'));
    errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
    errs.push(...nonNegative(at(s, 'ordinals.start'), 'spec.ordinals.start'));
    const sel = validateControllerSelector(s.selector, 'spec.selector', 'statefulset');
    errs.push(...sel.errs);
    if (sel.invalidSelector) errs.push(invalid('spec.selector', s.selector ?? null, ''));
    else errs.push(...validateTemplate(s.template, sel.parsed));
    const rp = templateRestartPolicy(s.template);
    if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
    const ads = at(s.template, 'spec.activeDeadlineSeconds');
    if (ads !== undefined && ads !== null) {
      errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
    }
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    if (jsonEqual(withoutUpdatable(obj.spec), withoutUpdatable(old.spec))) return [];
    return [
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    ];
  },

  table: {
    columns: [
      nameColumn,
      col('Ready', 'Number of the pod with ready state'),
      ageColumn,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
    ],
    row(obj: KubeObject, now: number) {
      const [names, images] = containerCells(rec(obj.spec)?.template);
      return [
        obj.metadata.name ?? '',
        `${count(obj, 'status.readyReplicas')}/${count(obj, 'spec.replicas')}`,
        age(obj.metadata.creationTimestamp, now),
        names,
        images,
      ];
    },
  },
} satisfies ResourceStrategy;
