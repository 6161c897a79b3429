// Building pods from a ReplicaSet's template (upstream controller.GetPodFromTemplate) and the
// slow-start batch sizes of manageReplicas.
import type { KubeObject, OwnerReference } from '../../machinery/types.js';
import { clone, rec, specOf, strMap } from '../shared/meta.js';

/** controller.SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** slowStartBatch's batch sizes for `count` calls: 1, 2, 4, … with the remainder last. */
export function slowStartBatches(count: number, initial = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const sizes: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}

/** getPodsPrefix: `<name>-` unless that is no longer a valid name prefix (too long). */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return prefix.length > 253 ? controllerName : prefix;
}

/**
 * The pod a controller creates: the template's labels, annotations and finalizers, a
 * generateName of `<owner>-`, the controllerRef, and a copy of the template's spec.
 */
export function podFromTemplate(owner: KubeObject, template: unknown, controllerRef: OwnerReference): KubeObject {
  const t = rec(template) ?? {};
  const meta = rec(t.metadata) ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: podNamePrefix(owner.metadata.name ?? '') },
    spec: clone(rec(t.spec) ?? {}),
  };
  if (owner.metadata.namespace !== undefined) pod.metadata.namespace = owner.metadata.namespace;
  const labels = strMap(meta.labels);
  if (Object.keys(labels).length) pod.metadata.labels = labels;
  const annotations = strMap(meta.annotations);
  if (Object.keys(annotations).length) pod.metadata.annotations = annotations;
  if (Array.isArray(meta.finalizers) && meta.finalizers.length) {
    pod.metadata.finalizers = meta.finalizers.filter((f): f is string => typeof f === 'string');
  }
  pod.metadata.ownerReferences = [controllerRef];
  return pod;
}

/** The owner's `spec.template`. */
export function templateOf(owner: KubeObject): Record<string, unknown> {
  return rec(specOf(owner).template) ?? {};
}
