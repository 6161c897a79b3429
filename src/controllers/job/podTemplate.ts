// The pods a Job creates (upstream manageJob + controller.GetPodFromTemplate): the
// template's labels, annotations and finalizers plus the job-tracking finalizer, the
// controllerRef, and for Indexed Jobs the completion index as annotation and label, the
// JOB_COMPLETION_INDEX env var in every (init) container, hostname `<job>-<index>` and
// generateName `<job>-<index>-`.
import type { KubeObject, OwnerReference } from '../../machinery/types.js';
import { type Obj, clone, ensureRec, rec, recs, specOf, strMap } from '../shared/meta.js';
import { COMPLETION_INDEX_ANNOTATION, COMPLETION_INDEX_ENV, JOB_TRACKING_FINALIZER } from './jobMeta.js';

/** names.MaxGeneratedNameLength: 63 minus the 5 random characters. */
const MAX_GENERATED_NAME_LENGTH = 58;

/** getPodsPrefix: `<job>-`, or the bare name when the prefix would be too long. */
export function podNamePrefix(jobName: string): string {
  const prefix = `${jobName}-`;
  return prefix.length > 253 ? jobName : prefix;
}

/** podGenerateNameWithIndex: `<job>-<index>-`, the job name cut to fit 58 characters. */
export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? prefix.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/**
 * addCompletionIndexEnvVariables: each container gets the env var unless it already
 * defines one, read from the index label (PodIndexLabel is GA since 1.32).
 */
function addCompletionIndexEnv(podSpec: Obj): void {
  const fieldPath = `metadata.labels['${COMPLETION_INDEX_ANNOTATION}']`;
  for (const key of ['initContainers', 'containers']) {
    for (const c of recs(podSpec[key])) {
      const env = recs(c.env);
      if (env.some((e) => e.name === COMPLETION_INDEX_ENV)) continue;
      c.env = [...env, { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath } } }];
    }
  }
}

/** The pod template every pod of this sync starts from (index env vars already added). */
export function jobPodTemplate(job: KubeObject, indexed: boolean): Obj {
  const template = clone(rec(specOf(job).template) ?? {});
  if (indexed) addCompletionIndexEnv(ensureRec(template, 'spec'));
  return template;
}

export function jobPod(job: KubeObject, template: Obj, controllerRef: OwnerReference, index?: number): KubeObject {
  const meta = rec(template.metadata) ?? {};
  const jobName = job.metadata.name ?? '';
  const spec = clone(rec(template.spec) ?? {});
  const labels = strMap(meta.labels);
  const annotations = strMap(meta.annotations);
  const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers.filter((f): f is string => typeof f === 'string') : [];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  let generateName = podNamePrefix(jobName);
  if (index !== undefined) {
    annotations[COMPLETION_INDEX_ANNOTATION] = String(index);
    labels[COMPLETION_INDEX_ANNOTATION] = String(index);
    spec.hostname = `${jobName}-${index}`;
    generateName = podGenerateNameWithIndex(jobName, index);
  }
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName }, spec };
  if (job.metadata.namespace !== undefined) pod.metadata.namespace = job.metadata.namespace;
  if (Object.keys(labels).length) pod.metadata.labels = labels;
  if (Object.keys(annotations).length) pod.metadata.annotations = annotations;
  pod.metadata.finalizers = finalizers;
  pod.metadata.ownerReferences = [controllerRef];
  return pod;
}
