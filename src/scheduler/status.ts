// Filter outcomes and the upstream plugin names and reason strings users search for
// (pkg/scheduler/framework/plugins/*). Reasons are counted verbatim in FitError messages.

/**
 * Why a node was rejected. `unresolvable` is upstream's UnschedulableAndUnresolvable:
 * preemption cannot help on that node. A status may carry several reasons (NodeResourcesFit
 * reports every insufficient resource); each is counted in the FitError message.
 */
export interface FilterStatus {
  readonly reasons: readonly string[];
  readonly unresolvable?: boolean;
  /** The plugin that rejected (used to decide which cluster events may help). */
  readonly plugin?: string;
}

export const plugins = {
  nodeUnschedulable: 'NodeUnschedulable',
  nodeName: 'NodeName',
  taintToleration: 'TaintToleration',
  nodeAffinity: 'NodeAffinity',
  nodePorts: 'NodePorts',
  nodeResourcesFit: 'NodeResourcesFit',
  volumeBinding: 'VolumeBinding',
  podTopologySpread: 'PodTopologySpread',
  interPodAffinity: 'InterPodAffinity',
  balancedAllocation: 'NodeResourcesBalancedAllocation',
  defaultPreemption: 'DefaultPreemption',
} as const;

export const reasons = {
  nodeUnschedulable: 'node(s) were unschedulable',
  nodeName: "node(s) didn't match the requested node name",
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  nodeAffinityConflict: 'pod affinity terms conflict',
  nodePorts: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  insufficient: (resource: string): string => `Insufficient ${resource}`,
  untoleratedTaint: (key: string, value: string): string => `node(s) had untolerated taint {${key}: ${value}}`,
  podAffinity: "node(s) didn't match pod affinity rules",
  podAntiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  topologySpread: "node(s) didn't match pod topology spread constraints",
  topologySpreadMissingLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  /** Absent nodes after a PreFilter narrowed the candidates to named nodes. */
  didNotSatisfyPlugins: (names: readonly string[]): string => `node(s) didn't satisfy plugin(s) [${[...names].sort().join(' ')}]`,
  // VolumeBinding / VolumeZone wording, for volume hooks to reuse.
  volumeBindConflict: "node(s) didn't find available persistent volumes to bind",
  volumeNodeConflict: 'node(s) had volume node affinity conflict',
  volumeNotEnoughSpace: 'node(s) did not have enough free storage',
  unboundImmediatePVC: 'pod has unbound immediate PersistentVolumeClaims',
  volumeZoneConflict: 'node(s) had no available volume zone',
  // Preemption.
  noPreemptionVictims: 'No preemption victims found for incoming pod',
  preemptionNotHelpful: 'Preemption is not helpful for scheduling',
  preemptionPolicyNever: 'not eligible due to preemptionPolicy=Never.',
  terminatingOnNominated: 'not eligible due to a terminating pod on the nominated node.',
  noNodesAvailable: 'no nodes available to schedule pods',
} as const;

export const status = (reason: string | readonly string[], plugin: string, unresolvable = false): FilterStatus => ({
  reasons: typeof reason === 'string' ? [reason] : reason,
  unresolvable,
  plugin,
});
