// Which nodes a DaemonSet runs on (upstream daemon_controller.go NodeShouldRunDaemonPod and
// predicates): the template's nodeName, its nodeSelector and required node affinity
// (component-helpers nodeaffinity), and the node's NoSchedule/NoExecute taints against the
// template's tolerations plus the DaemonSet defaults (v1 helper ToleratesTaint).
import type { KubeObject } from '../../machinery/types.js';
import { nodeAffinityMatches, parseTaints, parseTolerations, requiredNodeAffinity, tolerationsTolerate, type Taint, type Toleration } from '../../machinery/nodeMatching.js';
import { rec, specOf, str } from '../shared/meta.js';
import { addDaemonTolerations } from './podTemplate.js';

const taintsOf = (node: KubeObject): Taint[] => parseTaints(specOf(node).taints);

const tolerationsOf = (spec: Record<string, unknown>): Toleration[] => parseTolerations(spec.tolerations);

/** FindMatchingUntoleratedTaint over the taints `filter` keeps. */
function hasUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): boolean {
  return taints.some((taint) => filter(taint) && !tolerationsTolerate(tolerations, taint));
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node). */
export function requiredNodeAffinityMatches(podSpec: Record<string, unknown>, node: KubeObject): boolean {
  return nodeAffinityMatches(requiredNodeAffinity(podSpec), node.metadata.name ?? '', node.metadata.labels ?? {});
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
