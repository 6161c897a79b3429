// Which nodes a DaemonSet runs on (upstream daemon_controller.go NodeShouldRunDaemonPod and
// predicates): the template's nodeName, its nodeSelector and required node affinity
// (component-helpers nodeaffinity), and the node's NoSchedule/NoExecute taints against the
// template's tolerations plus the DaemonSet defaults (v1 helper ToleratesTaint).
import type { KubeObject } from '../../machinery/types.js';
import { rec, recs, specOf, str, strMap } from '../shared/meta.js';
import { addDaemonTolerations } from './podTemplate.js';

interface Taint {
  key: string;
  value: string;
  effect: string;
}

interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
}

const taintsOf = (node: KubeObject): Taint[] =>
  recs(specOf(node).taints).map((t) => ({ key: str(t.key) ?? '', value: str(t.value) ?? '', effect: str(t.effect) ?? '' }));

const tolerationsOf = (spec: Record<string, unknown>): Toleration[] =>
  recs(spec.tolerations).map((t) => ({ key: str(t.key) ?? '', operator: str(t.operator) ?? '', value: str(t.value) ?? '', effect: str(t.effect) ?? '' }));

/** Toleration.ToleratesTaint: an empty effect or key (with Exists) matches any. */
function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== '' && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.operator === '' || t.operator === 'Equal') && t.value === taint.value;
}

/** FindMatchingUntoleratedTaint over the taints `filter` keeps. */
function hasUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): boolean {
  return taints.some((taint) => filter(taint) && !tolerations.some((t) => tolerates(t, taint)));
}

interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

function requirements(v: unknown): Requirement[] {
  return recs(v).map((r) => ({
    key: str(r.key) ?? '',
    operator: str(r.operator) ?? '',
    values: Array.isArray(r.values) ? r.values.filter((x): x is string => typeof x === 'string') : [],
  }));
}

const intRe = /^[+-]?[0-9]+$/;

function requirementMatches(r: Requirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  const v = has ? values[r.key] : '';
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(v);
    case 'NotIn':
      return !has || !r.values.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt':
      if (!has || r.values.length !== 1 || !intRe.test(v) || !intRe.test(r.values[0])) return false;
      return r.operator === 'Gt' ? BigInt(v) > BigInt(r.values[0]) : BigInt(v) < BigInt(r.values[0]);
    default:
      return false;
  }
}

/** A NodeSelectorTerm: an empty term matches nothing; fields only know metadata.name. */
function termMatches(term: Record<string, unknown>, node: KubeObject): boolean {
  const exprs = requirements(term.matchExpressions);
  const fields = requirements(term.matchFields);
  if (exprs.length + fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => requirementMatches(r, labels))) return false;
  return fields.every((r) => r.key === 'metadata.name' && (r.operator === 'In' || r.operator === 'NotIn') && requirementMatches(r, { 'metadata.name': node.metadata.name ?? '' }));
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node). */
export function requiredNodeAffinityMatches(podSpec: Record<string, unknown>, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(strMap(podSpec.nodeSelector))) if (labels[k] !== v) return false;
  const required = rec(rec(rec(podSpec.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution);
  if (!required) return true;
  return recs(required.nodeSelectorTerms).some((t) => termMatches(t, node));
}

export interface NodeVerdict {
  /** A daemon pod should be created here if none runs. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): NodeVerdict {
  const template = rec(specOf(ds).template) ?? {};
  const podSpec = structuredClone(rec(template.spec) ?? {});
  const wantedNode = str(podSpec.nodeName) ?? '';
  if (wantedNode !== '' && wantedNode !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  addDaemonTolerations(podSpec);
  if (!requiredNodeAffinityMatches(podSpec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = taintsOf(node);
  const tolerations = tolerationsOf(podSpec);
  if (hasUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
    // Scheduled daemon pods keep running unless a NoExecute taint is not tolerated.
    return { shouldRun: false, shouldContinueRunning: !hasUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
