// batch/v1 Job: upstream pkg/apis/batch/v1/defaults.go (SetDefaults_Job), pkg/apis/batch/
// validation (ValidateJob, ValidateJobSpecUpdate), pkg/registry/batch/job/strategy.go (selector
// generation, status.successful field label, name warning) and the printers' printJob.
import { type FieldError, invalid, required } from '../../machinery/fieldErrors.js';
import { age, humanDuration } from '../../machinery/duration.js';
import { formatLabelSelector, validateLabelSelector } from '../../machinery/labels.js';
import { isDNS1123Label } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { defaultPodTemplateSpec } from '../core/podSpec.js';
import { type Obj, at, ensureRec, jsonEqual, rec, recs, setDefault, str, strMap } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import { clearStatus, conditionTrue, containerCells, count, keepSpec, keepStatus, labelSelectorOf, spec, templateLabels, tryLabelSelector } from '../apps/workload.js';
import { validateJobSpecFields } from './jobSpecValidation.js';

export const legacyJobNameLabel = 'job-name';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyControllerUidLabel = 'controller-uid';
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';

const maxInt32 = 2147483647;

/** SetDefaults_Job's template-labels copy: a Job without labels shows its pod template's. */
function copyTemplateLabels(obj: KubeObject): void {
  const labels = templateLabels(at(obj, 'spec.template'));
  if (labels && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...labels };
}

/**
 * generateSelector: the pod template gets job-name / controller-uid labels (legacy and
 * batch.kubernetes.io/ forms, where the user has not set them) and the selector matches the
 * uid. The apiserver has set metadata.uid before this runs.
 */
function generateSelector(obj: KubeObject): void {
  const s = spec(obj);
  const meta = ensureRec(ensureRec(s, 'template'), 'metadata');
  const labels = ensureRec(meta, 'labels');
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  for (const key of [legacyJobNameLabel, jobNameLabel]) setDefault(labels, key, name);
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) setDefault(labels, key, uid);
  const matchLabels = ensureRec(ensureRec(s, 'selector'), 'matchLabels');
  setDefault(matchLabels, controllerUidLabel, uid);
}

/** ValidateHasLabel on the pod template's metadata. */
function hasLabel(labels: Record<string, string> | undefined, key: string, expected: string): FieldError[] {
  const field = `spec.template.metadata.labels[${key}]`;
  const actual = labels?.[key];
  if (actual === undefined) return [required(field, `must be '${expected}'`)];
  return actual === expected ? [] : [invalid(field, labels, `must be '${expected}'`)];
}

/** validateGeneratedSelector: the generated labels are on the template and the selector picks them. */
function validateGeneratedSelector(obj: KubeObject): FieldError[] {
  const s = rec(obj.spec) ?? {};
  if (s.manualSelector === true || !rec(s.selector)) return [];
  const errs: FieldError[] = [];
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  if (uid === '') errs.push(required('metadata.uid'));
  const labels = templateLabels(s.template);
  errs.push(...hasLabel(labels, legacyControllerUidLabel, uid));
  errs.push(...hasLabel(labels, legacyJobNameLabel, name));
  errs.push(...hasLabel(labels, controllerUidLabel, uid));
  errs.push(...hasLabel(labels, jobNameLabel, name));
  const expected = { [controllerUidLabel]: uid, [jobNameLabel]: name, [legacyControllerUidLabel]: uid, [legacyJobNameLabel]: name };
  const selector = tryLabelSelector(labelSelectorOf(s.selector));
  if (selector && !selector.matches(expected)) errs.push(invalid('spec.selector', s.selector, '`selector` not auto-generated'));
  return errs;
}

/** ValidateJobSpec: the shared spec rules, then the Job's own selector rules. */
function validateJobSpec(s: Obj): FieldError[] {
  const errs = validateJobSpecFields(s, 'spec');
  const ls = labelSelectorOf(s.selector);
  if (!ls) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(ls, 'spec.selector'));
  const selector = tryLabelSelector(ls);
  const labels = templateLabels(s.template);
  if (selector && !selector.matches(labels)) {
    errs.push(invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`'));
  }
  return errs;
}

/** Only nodeAffinity, nodeSelector, tolerations, template labels/annotations and schedulingGates may change. */
function schedulingDirectivesCleared(template: unknown): unknown {
  const t = structuredClone(rec(template) ?? {});
  const meta = rec(t.metadata);
  if (meta) {
    delete meta.labels;
    delete meta.annotations;
  }
  const ps = rec(t.spec);
  if (ps) {
    delete ps.nodeSelector;
    delete ps.tolerations;
    delete ps.schedulingGates;
    const affinity = rec(ps.affinity);
    if (affinity) {
      delete affinity.nodeAffinity;
      if (Object.keys(affinity).length === 0) delete ps.affinity;
    }
  }
  return t;
}

function validateTemplateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = at(obj, 'spec.template');
  const prev = at(old, 'spec.template');
  // Suspended Jobs that never started may have their scheduling directives changed.
  const mutable = at(old, 'spec.suspend') === true && at(old, 'status.startTime') === undefined;
  if (mutable && jsonEqual(schedulingDirectivesCleared(next), schedulingDirectivesCleared(prev))) return [];
  return immutable(next, prev, 'spec.template');
}

function validateCompletionsUpdate(s: Obj, old: Obj): FieldError[] {
  // Elastic Indexed Jobs: completions may change together with parallelism.
  if (s.completionMode !== 'Indexed') return immutable(s.completions, old.completions, 'spec.completions');
  if (jsonEqual(s.completions, old.completions) || s.completions === undefined || s.completions === null) return [];
  return s.completions === s.parallelism ? [] : [invalid('spec.completions', s.completions, 'can only be modified in tandem with spec.parallelism')];
}

function jobStatus(obj: KubeObject): string {
  if (conditionTrue(obj, 'Complete')) return 'Complete';
  if (conditionTrue(obj, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (conditionTrue(obj, 'Suspended')) return 'Suspended';
  if (conditionTrue(obj, 'FailureTarget')) return 'FailureTarget';
  if (conditionTrue(obj, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function completionsCell(obj: KubeObject): string {
  const succeeded = count(obj, 'status.succeeded');
  const completions = at(obj, 'spec.completions');
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = count(obj, 'spec.parallelism');
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationCell(obj: KubeObject, now: number): string {
  const start = str(at(obj, 'status.startTime'));
  if (!start) return '';
  const completion = str(at(obj, 'status.completionTime'));
  return humanDuration((completion ? Date.parse(completion) : now) - Date.parse(start));
}

export const jobStrategy = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  schemaRef: 'io.k8s.api.batch.v1.Job',
  hasStatus: true,

  defaults(obj: KubeObject): void {
    const s = spec(obj);
    if ((s.completions === undefined || s.completions === null) && (s.parallelism === undefined || s.parallelism === null)) {
      s.completions = 1;
      s.parallelism = 1;
    }
    setDefault(s, 'parallelism', 1);
    setDefault(s, 'backoffLimit', s.backoffLimitPerIndex !== undefined && s.backoffLimitPerIndex !== null ? maxInt32 : 6);
    copyTemplateLabels(obj);
    setDefault(s, 'completionMode', 'NonIndexed');
    setDefault(s, 'suspend', false);
    const pfp = rec(s.podFailurePolicy);
    for (const rule of recs(pfp?.rules)) for (const p of recs(rule.onPodConditions)) if (!p.status) p.status = 'True';
    setDefault(s, 'podReplacementPolicy', pfp ? 'Failed' : 'TerminatingOrFailed');
    setDefault(s, 'manualSelector', false);
    defaultPodTemplateSpec(ensureRec(s, 'template'));
  },

  prepareForCreate(obj: KubeObject): void {
    if (rec(obj.spec)?.manualSelector !== true) {
      // Upstream's defaulted Job labels share the template's label map, so they gain the generated labels too.
      const shared = jsonEqual(obj.metadata.labels ?? {}, templateLabels(at(obj, 'spec.template')) ?? {});
      generateSelector(obj);
      if (shared) obj.metadata.labels = { ...strMap(at(obj, 'spec.template.metadata.labels')) };
    }
    clearStatus(obj);
  },

  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const errs = [...validateGeneratedSelector(obj), ...validateJobSpec(s)];
    const completions = s.completions;
    if (s.completionMode === 'Indexed' && typeof completions === 'number' && completions > 0) {
      // Pod hostnames are `<job>-<index>`: the largest must still be a DNS label.
      const hostname = `${obj.metadata.name ?? ''}-${completions - 1}`;
      if (isDNS1123Label(hostname).length > 0) {
        errs.push(invalid('metadata.name', obj.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${hostname}`));
      }
    }
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const o = rec(old.spec) ?? {};
    return [
      ...validateCompletionsUpdate(s, o),
      ...immutable(s.selector, o.selector, 'spec.selector'),
      ...validateTemplateUpdate(obj, old),
      ...immutable(s.completionMode, o.completionMode, 'spec.completionMode'),
      ...immutable(s.podFailurePolicy, o.podFailurePolicy, 'spec.podFailurePolicy'),
      ...immutable(s.backoffLimitPerIndex, o.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'),
      ...immutable(s.managedBy, o.managedBy, 'spec.managedBy'),
      ...immutable(s.successPolicy, o.successPolicy, 'spec.successPolicy'),
    ];
  },

  warnings(obj: KubeObject): string[] {
    const msgs = isDNS1123Label(obj.metadata.name ?? '');
    if (msgs.length === 0) return [];
    return [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`];
  },

  table: {
    columns: [
      nameColumn,
      col('Status', 'Status of the job.'),
      col('Completions', 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.'),
      col('Duration', 'Time required to complete the job.'),
      ageColumn,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
      col('Selector', 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors', 1),
    ],
    row(obj: KubeObject, now: number) {
      const s = rec(obj.spec);
      const [names, images] = containerCells(s?.template);
      return [
        obj.metadata.name ?? '',
        jobStatus(obj),
        completionsCell(obj),
        durationCell(obj, now),
        age(obj.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(labelSelectorOf(s?.selector)),
      ];
    },
  },

  fieldSelectors: {
    'status.successful': (obj: KubeObject) => String(count(obj, 'status.succeeded')),
  },
} satisfies ResourceStrategy;
