// apps/v1 DaemonSet: upstream SetDefaults_DaemonSet, ValidateDaemonSetSpec,
// pkg/registry/apps/daemonset/strategy.go (templateGeneration, kept in apps/v1 as the
// `deprecated.daemonset.template.generation` annotation) and printDaemonSet.
import { type FieldError, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { validateIntOrPercent, validateNotMoreThan100Percent } from '../../machinery/intstr.js';
import { formatLabelSelector, validateLabelSelector } from '../../machinery/labels.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from '../core/podSpec.js';
import { at, ensureRec, jsonEqual, rec, setDefault, strMap } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable, nonNegative } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import {
  clearStatus,
  containerCells,
  count,
  intOrPercentValue,
  keepSpec,
  keepStatus,
  labelSelectorOf,
  selectorIsEmpty,
  spec,
  templateLabels,
  templateRestartPolicy,
  tryLabelSelector,
} from './workload.js';

export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

function templateGeneration(obj: KubeObject | undefined): number {
  const v = obj?.metadata.annotations?.[templateGenerationAnnotation];
  const n = v !== undefined && /^-?[0-9]+$/.test(v) ? Number(v) : 0;
  return n;
}

function setTemplateGeneration(obj: KubeObject, n: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [templateGenerationAnnotation]: String(n) };
}

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
function formatLabels(m: Record<string, string>): string {
  const s = Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(',');
  return s === '' ? '<none>' : s;
}

function validateUpdateStrategy(strategy: unknown): FieldError[] {
  const s = rec(strategy) ?? {};
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = rec(s.rollingUpdate);
      const path = 'spec.updateStrategy.rollingUpdate';
      if (!ru) return [required(path)];
      const maxUnavailable = ru.maxUnavailable ?? 0;
      const maxSurge = ru.maxSurge ?? 0;
      const errs = [
        ...validateIntOrPercent(maxUnavailable, `${path}.maxUnavailable`),
        ...validateIntOrPercent(maxSurge, `${path}.maxSurge`),
        ...validateNotMoreThan100Percent(maxUnavailable, `${path}.maxUnavailable`),
        ...validateNotMoreThan100Percent(maxSurge, `${path}.maxSurge`),
      ];
      // Exactly one of the two may be non-zero.
      const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(`${path}.maxSurge`, maxSurge, 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [notSupported('spec.updateStrategy', s, ['RollingUpdate', 'OnDelete'])];
  }
}

export const daemonSetStrategy = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.apps.v1.DaemonSet',
  hasStatus: true,

  defaults(obj: KubeObject): void {
    const s = spec(obj);
    const us = ensureRec(s, 'updateStrategy');
    setDefault(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = ensureRec(us, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', 1);
      setDefault(ru, 'maxSurge', 0);
    }
    setDefault(s, 'revisionHistoryLimit', 10);
    defaultPodTemplateSpec(ensureRec(s, 'template'));
  },

  prepareForCreate(obj: KubeObject): void {
    clearStatus(obj);
    setTemplateGeneration(obj, Math.max(templateGeneration(obj), 1));
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    keepStatus(obj, old);
    // Clients cannot set the template generation; a template change moves it on by one.
    const gen = templateGeneration(old);
    const templateChanged = !jsonEqual(at(obj, 'spec.template'), at(old, 'spec.template'));
    setTemplateGeneration(obj, templateChanged ? gen + 1 : gen);
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    keepSpec(obj, old);
    setTemplateGeneration(obj, templateGeneration(old));
  },

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const errs: FieldError[] = [];
    const ls = labelSelectorOf(s.selector);
    errs.push(...validateLabelSelector(ls, 'spec.selector'));
    // No `selector.Empty()` guard here, unlike the other kinds: upstream checks Matches directly.
    const selector = tryLabelSelector(ls);
    const labels = templateLabels(s.template);
    if (selector && !selector.matches(labels)) {
      errs.push(invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`'));
    }
    if (ls && selectorIsEmpty(ls)) errs.push(invalid('spec.selector', s.selector, 'empty selector is invalid for daemonset'));
    errs.push(...validatePodTemplateSpec(s.template, 'spec.template'));
    const rp = templateRestartPolicy(s.template);
    if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
    const ads = at(s.template, 'spec.activeDeadlineSeconds');
    if (ads !== undefined && ads !== null) {
      errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported'));
    }
    errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
    errs.push(...validateUpdateStrategy(s.updateStrategy));
    errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return immutable(rec(obj.spec)?.selector, rec(old.spec)?.selector, 'spec.selector');
  },

  table: {
    columns: [
      nameColumn,
      col('Desired', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/', 0, 'integer'),
      col('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/', 0, 'integer'),
      col('Ready', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', 0, 'integer'),
      col('Up-to-date', 'The total number of nodes that are running updated daemon pod', 0, 'integer'),
      col('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)', 0, 'integer'),
      col('Node Selector', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
      ageColumn,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
      col('Selector', "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ],
    row(obj: KubeObject, now: number) {
      const s = rec(obj.spec);
      const [names, images] = containerCells(s?.template);
      return [
        obj.metadata.name ?? '',
        count(obj, 'status.desiredNumberScheduled'),
        count(obj, 'status.currentNumberScheduled'),
        count(obj, 'status.numberReady'),
        count(obj, 'status.updatedNumberScheduled'),
        count(obj, 'status.numberAvailable'),
        formatLabels(strMap(at(s?.template, 'spec.nodeSelector'))),
        age(obj.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(labelSelectorOf(s?.selector)),
      ];
    },
  },
} satisfies ResourceStrategy;
