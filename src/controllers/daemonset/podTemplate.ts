// DaemonSet pods (upstream pkg/controller/daemon/util/daemonset_util.go): the default
// tolerations every daemon pod gets, the template labels (controller-revision-hash and the
// deprecated pod-template-generation), the node pin through required node affinity on
// `metadata.name` (matchFields) instead of spec.nodeName, and reading that pin back.
import type { KubeObject } from '../../machinery/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../shared/history.js';
import { clone, rec, recs, specOf, str } from '../shared/meta.js';

/** apps.DeprecatedTemplateGeneration, set by the API server on DaemonSets. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
/** extensions.DaemonSetTemplateGenerationKey. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

interface DefaultToleration {
  key: string;
  operator: 'Exists';
  effect: 'NoExecute' | 'NoSchedule';
}

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods survive node problems (no eviction on
 * not-ready/unreachable, no tolerationSeconds) and schedule despite pressure and cordoning;
 * network-unavailable only for hostNetwork pods.
 */
export const DAEMON_TOLERATIONS: readonly DefaultToleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export const NETWORK_UNAVAILABLE_TOLERATION: DefaultToleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/**
 * AddOrUpdateTolerationInPodSpec: a toleration with the same key, operator, value and effect
 * is replaced by the default (dropping its tolerationSeconds); otherwise the default is added.
 */
function addOrUpdateToleration(spec: Record<string, unknown>, t: DefaultToleration): void {
  const same = (x: Record<string, unknown>): boolean =>
    (str(x.key) ?? '') === t.key && (str(x.operator) ?? '') === t.operator && (str(x.value) ?? '') === '' && (str(x.effect) ?? '') === t.effect;
  const existing = recs(spec.tolerations);
  if (existing.some(same)) spec.tolerations = existing.map((x) => (same(x) ? { ...t } : x));
  else spec.tolerations = [...existing, { ...t }];
}

export function addDaemonTolerations(spec: Record<string, unknown>): void {
  for (const t of DAEMON_TOLERATIONS) addOrUpdateToleration(spec, t);
  if (spec.hostNetwork === true) addOrUpdateToleration(spec, NETWORK_UNAVAILABLE_TOLERATION);
}

/** GetTemplateGeneration: the annotation's integer, or undefined (absent or unparsable). */
export function templateGeneration(ds: KubeObject): string | undefined {
  const v = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? String(Number.parseInt(v, 10)) : undefined;
}

/** CreatePodTemplate: the template with the default tolerations and the generation/hash labels. */
export function createPodTemplate(ds: KubeObject, hash: string): Record<string, unknown> {
  const t = clone(rec(specOf(ds).template) ?? {});
  const spec = rec(t.spec) ?? {};
  addDaemonTolerations(spec);
  t.spec = spec;
  const meta = rec(t.metadata) ?? {};
  const labels: Record<string, unknown> = { ...(rec(meta.labels) ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  meta.labels = labels;
  t.metadata = meta;
  return t;
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single
 * term `metadata.name In [node]`; preferred terms and other affinities stay.
 */
export function pinToNode(podSpec: Record<string, unknown>, nodeName: string): void {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const affinity = rec(podSpec.affinity) ?? {};
  const nodeAffinity = rec(affinity.nodeAffinity) ?? {};
  const required = rec(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution) ?? {};
  required.nodeSelectorTerms = [term];
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = required;
  affinity.nodeAffinity = nodeAffinity;
  podSpec.affinity = affinity;
}

/** GetTargetNodeName: spec.nodeName, else the node the matchFields pin names; undefined if neither. */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = specOf(pod);
  const nodeName = str(spec.nodeName);
  if (nodeName) return nodeName;
  const required = rec(rec(rec(spec.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution);
  for (const term of recs(required?.nodeSelectorTerms)) {
    for (const f of recs(term.matchFields)) {
      if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
      const values = Array.isArray(f.values) ? f.values : [];
      // Upstream: more than one value is an error ("not unique"), and the pod is skipped.
      return values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
    }
  }
  return undefined;
}

/** IsPodUpdated: the hash label matches, or (legacy) the template-generation label does. */
export function isPodUpdated(pod: KubeObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  return (hash !== '' && labels[CONTROLLER_REVISION_HASH_LABEL] === hash) ||
    (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}
