// Filter plugins in kube-scheduler's default order. Each takes the pod, one node and the
// cycle state, and returns undefined (fits) or the upstream status. A node's status comes
// from the first plugin that rejects it, as upstream RunFilterPlugins stops there.
import type { CycleState } from './cycleState.js';
import { filterInterPodAffinity } from './interPodAffinity.js';
import { firstUntoleratedTaint, nodeAffinityMatches, tolerationsTolerate } from '../machinery/nodeMatching.js';
import type { NodeInfo } from './nodeInfo.js';
import type { PodInfo } from './podInfo.js';
import { plugins, reasons, status, type FilterStatus } from './status.js';
import { filterTopologySpread } from './topologySpread.js';

export type FilterFn = (pod: PodInfo, node: NodeInfo, state: CycleState) => FilterStatus | undefined;

const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

/** NodeUnschedulable: spec.unschedulable nodes, unless the pod tolerates the unschedulable taint. */
export const nodeUnschedulableFilter: FilterFn = (pod, node) =>
  node.unschedulable && !tolerationsTolerate(pod.tolerations, unschedulableTaint) ? status(reasons.nodeUnschedulable, plugins.nodeUnschedulable, true) : undefined;

/** NodeName: a pod naming a node fits only there. */
export const nodeNameFilter: FilterFn = (pod, node) =>
  pod.nodeName !== '' && pod.nodeName !== node.name ? status(reasons.nodeName, plugins.nodeName, true) : undefined;

/** TaintToleration: the first NoSchedule/NoExecute taint the pod does not tolerate. */
export const taintTolerationFilter: FilterFn = (pod, node) => {
  if (node.taints.length === 0) return undefined;
  const t = firstUntoleratedTaint(node.taints, pod.tolerations);
  return t ? status(reasons.untoleratedTaint(t.key, t.value), plugins.taintToleration, true) : undefined;
};

/** NodeAffinity: spec.nodeSelector and required node affinity. */
export const nodeAffinityFilter: FilterFn = (pod, node) =>
  nodeAffinityMatches(pod.nodeAffinity, node.name, node.labels) ? undefined : status(reasons.nodeAffinity, plugins.nodeAffinity, true);

/** NodePorts: every wanted host port must be free on the node. */
export const nodePortsFilter: FilterFn = (pod, node) => {
  for (const p of pod.hostPorts) if (node.portConflicts(p.ip, p.protocol, p.port)) return status(reasons.nodePorts, plugins.nodePorts);
  return undefined;
};

/**
 * NodeResourcesFit: pod count, then cpu, memory, ephemeral-storage and scalar resources
 * against allocatable minus requested. A request larger than the whole allocatable is
 * unresolvable (no preemption can make room).
 */
export const nodeResourcesFitFilter: FilterFn = (pod, node) => {
  const alloc0 = node.allocatable;
  const used0 = node.requested;
  const r0 = pod.requests;
  // Hot path (every node of every pod): decide without allocating when everything fits.
  if (
    node.pods.size < alloc0.pods &&
    r0.milliCPU <= alloc0.milliCPU - used0.milliCPU &&
    r0.memory <= alloc0.memory - used0.memory &&
    r0.ephemeralStorage <= alloc0.ephemeralStorage - used0.ephemeralStorage &&
    r0.scalar === undefined
  ) {
    return undefined;
  }
  const out: string[] = [];
  let unresolvable = false;
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > alloc.pods) out.push(reasons.tooManyPods);
  const r = pod.requests;
  if (r.milliCPU > 0 && r.milliCPU > alloc.milliCPU - used.milliCPU) {
    out.push(reasons.insufficient('cpu'));
    unresolvable ||= r.milliCPU > alloc.milliCPU;
  }
  if (r.memory > 0 && r.memory > alloc.memory - used.memory) {
    out.push(reasons.insufficient('memory'));
    unresolvable ||= r.memory > alloc.memory;
  }
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push(reasons.insufficient('ephemeral-storage'));
    unresolvable ||= r.ephemeralStorage > alloc.ephemeralStorage;
  }
  if (r.scalar) {
    for (const [name, q] of r.scalar) {
      const a = alloc.scalar?.get(name) ?? 0;
      if (q > a - (used.scalar?.get(name) ?? 0)) {
        out.push(reasons.insufficient(name));
        unresolvable ||= q > a;
      }
    }
  }
  return out.length ? status(out, plugins.nodeResourcesFit, unresolvable) : undefined;
};

/** VolumeBinding / VolumeZone via the caller's hook. */
export const volumeFilter: FilterFn = (pod, node, state) => {
  const s = state.volume?.filter?.(pod, node, state.snapshot);
  return s ? { ...s, plugin: s.plugin ?? plugins.volumeBinding } : undefined;
};

export const podTopologySpreadFilter: FilterFn = (_pod, node, state) => filterTopologySpread(state.spread, node);

export const interPodAffinityFilter: FilterFn = (_pod, node, state) => filterInterPodAffinity(state.interPod, node);

export interface FilterPlugin {
  readonly name: string;
  readonly filter: FilterFn;
  /** False when the plugin cannot reject this pod anywhere (skipped for speed, like upstream Skip). */
  readonly applies: (state: CycleState) => boolean;
}

const always = (): boolean => true;

/** The default filter chain, in upstream's default plugin order. */
export const defaultFilters: readonly FilterPlugin[] = [
  { name: plugins.nodeUnschedulable, filter: nodeUnschedulableFilter, applies: always },
  { name: plugins.nodeName, filter: nodeNameFilter, applies: (s) => s.pod.nodeName !== '' },
  { name: plugins.taintToleration, filter: taintTolerationFilter, applies: always },
  { name: plugins.nodeAffinity, filter: nodeAffinityFilter, applies: (s) => s.pod.nodeAffinity.nodeSelector !== undefined || s.pod.nodeAffinity.terms !== undefined },
  { name: plugins.nodePorts, filter: nodePortsFilter, applies: (s) => s.pod.hostPorts.length > 0 },
  { name: plugins.nodeResourcesFit, filter: nodeResourcesFitFilter, applies: always },
  { name: plugins.volumeBinding, filter: volumeFilter, applies: (s) => s.volume?.filter !== undefined },
  { name: plugins.podTopologySpread, filter: podTopologySpreadFilter, applies: (s) => s.spread !== undefined },
  { name: plugins.interPodAffinity, filter: interPodAffinityFilter, applies: (s) => s.interPod !== undefined },
];

/** The filters that can reject this pod. */
export const activeFilters = (state: CycleState, chain: readonly FilterPlugin[] = defaultFilters): FilterFn[] =>
  chain.filter((p) => p.applies(state)).map((p) => p.filter);

/** RunFilterPlugins: the first rejecting status, or undefined when the node fits. */
export function runFilters(state: CycleState, node: NodeInfo, filters: readonly FilterFn[] = activeFilters(state)): FilterStatus | undefined {
  for (const f of filters) {
    const s = f(state.pod, node, state);
    if (s) return s;
  }
  return undefined;
}

/**
 * RunFilterPluginsWithNominatedPods: pods nominated to the node with priority ≥ ours are
 * counted as if already there (so a preemptor's room is not taken), and the node must also
 * fit without them (they may land elsewhere, and affinity to them must not be assumed).
 */
export function runFiltersWithNominatedPods(state: CycleState, node: NodeInfo, filters: readonly FilterFn[] = activeFilters(state)): FilterStatus | undefined {
  const nominated = state.snapshot.hasNominatedPods
    ? state.snapshot.nominatedPods(node.name).filter((p) => p.priority >= state.pod.priority && p.key !== state.pod.key)
    : [];
  if (nominated.length > 0) {
    const withNominated = node.clone();
    const st = state.clone();
    for (const p of nominated) {
      withNominated.addPod(p);
      st.addPod(p, withNominated);
    }
    // Spread/affinity states are only recomputed by clone+addPod, so run the full chain.
    const s = runFilters(st, withNominated, activeFilters(st));
    if (s) return s;
  }
  return runFilters(state, node, filters);
}
