// Score plugins with kube-scheduler's default weights (apis/config/v1 default_plugins.go):
// TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2,
// NodeResourcesFit 1 (LeastAllocated, cpu and memory weight 1), BalancedAllocation 1.
// ImageLocality (weight 1) is left out: simulated and fresh nodes report no images.
// Each plugin scores 0..100 per node after its normalization; the total is the weighted sum.
import type { CycleState } from './cycleState.js';
import { interPodAffinityScore, interPodAffinityScores, normalizeInterPodAffinity } from './interPodAffinity.js';
import { termMatches, tolerationsTolerate } from '../machinery/nodeMatching.js';
import type { NodeInfo } from './nodeInfo.js';
import type { PodInfo } from './podInfo.js';
import { plugins } from './status.js';
import { normalizeSpread, spreadScore, spreadScoreState } from './topologySpread.js';

export const maxNodeScore = 100;

/** One plugin's scorer for one pod (after PreScore). */
export interface NodeScorer {
  score(node: NodeInfo): number;
  /** NormalizeScore over the scores of `nodes` (same order), in place. */
  normalize?(scores: number[], nodes: readonly NodeInfo[]): void;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** PreScore: undefined skips the plugin for this pod (upstream Skip). */
  prepare(state: CycleState, nodes: readonly NodeInfo[]): NodeScorer | undefined;
}

/** helper.DefaultNormalizeScore: scale to 0..max by the highest score; `reverse` flips it. */
export function defaultNormalizeScore(scores: number[], reverse: boolean, max = maxNodeScore): void {
  let top = 0;
  for (const s of scores) if (s > top) top = s;
  if (top === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((max * scores[i]) / top);
    scores[i] = reverse ? max - s : s;
  }
}

/** leastRequestedScore: share of capacity left free, 0..100. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

/** NodeResourcesFit LeastAllocated over non-zero requests (cpu and memory, weight 1 each). */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  let sum = 0;
  let weights = 0;
  const a = node.allocatable;
  if (a.milliCPU !== 0) {
    sum += leastRequestedScore(node.nonZeroRequested.milliCPU + pod.nonZeroCPU, a.milliCPU);
    weights++;
  }
  if (a.memory !== 0) {
    sum += leastRequestedScore(node.nonZeroRequested.memory + pod.nonZeroMemory, a.memory);
    weights++;
  }
  return weights === 0 ? 0 : Math.trunc(sum / weights);
}

/** NodeResourcesBalancedAllocation: 100 × (1 − std of the cpu and memory fractions), on real requests. */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  // Runs for every scored node of every pod: no per-call allocation.
  const a = node.allocatable;
  if (a.milliCPU === 0 || a.memory === 0) return maxNodeScore; // one fraction: std 0
  const cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU);
  const memory = Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory);
  const std = Math.abs((cpu - memory) / 2);
  return Math.trunc((1 - std) * maxNodeScore);
}

/** TaintToleration raw score: PreferNoSchedule taints not tolerated (lower is better). */
export function intolerablePreferNoScheduleTaints(pod: PodInfo, node: NodeInfo): number {
  if (!node.hasPreferNoScheduleTaints) return 0;
  // Only tolerations with an empty or PreferNoSchedule effect count here.
  const tolerations = pod.tolerations.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule');
  let n = 0;
  for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerate(tolerations, t)) n++;
  return n;
}

/** NodeAffinity raw score: summed weights of matching preferred terms. */
export function preferredNodeAffinityScore(pod: PodInfo, node: NodeInfo): number {
  let n = 0;
  for (const p of pod.preferredNodeTerms) if (termMatches(p.term, node.name, node.labels)) n += p.weight;
  return n;
}

export const taintTolerationScorer: ScorePlugin = {
  name: plugins.taintToleration,
  weight: 3,
  prepare: (s) => ({
    score: (node) => intolerablePreferNoScheduleTaints(s.pod, node),
    normalize: (scores) => defaultNormalizeScore(scores, true),
  }),
};

export const nodeAffinityScorer: ScorePlugin = {
  name: plugins.nodeAffinity,
  weight: 2,
  prepare: (s) =>
    s.pod.preferredNodeTerms.length === 0
      ? undefined
      : { score: (node) => preferredNodeAffinityScore(s.pod, node), normalize: (scores) => defaultNormalizeScore(scores, false) },
};

export const nodeResourcesFitScorer: ScorePlugin = {
  name: plugins.nodeResourcesFit,
  weight: 1,
  prepare: (s) => ({ score: (node) => leastAllocatedScore(s.pod, node) }),
};

export const balancedAllocationScorer: ScorePlugin = {
  name: plugins.balancedAllocation,
  weight: 1,
  // Best-effort pods are skipped so they do not pile onto one node (upstream #129138).
  prepare: (s) => (s.pod.requests.milliCPU === 0 && s.pod.requests.memory === 0 ? undefined : { score: (node) => balancedAllocationScore(s.pod, node) }),
};

export const podTopologySpreadScorer: ScorePlugin = {
  name: plugins.podTopologySpread,
  weight: 2,
  prepare: (s, nodes) => {
    const st = spreadScoreState(s.pod, nodes, s.snapshot);
    return st ? { score: (node) => spreadScore(st, node), normalize: (scores, ns) => normalizeSpread(st, scores, ns) } : undefined;
  },
};

export const interPodAffinityScorer: ScorePlugin = {
  name: plugins.interPodAffinity,
  weight: 2,
  prepare: (s) => {
    const m = interPodAffinityScores(s.pod, s.snapshot);
    return m ? { score: (node) => interPodAffinityScore(m, node), normalize: normalizeInterPodAffinity } : undefined;
  },
};

export const defaultScorePlugins: readonly ScorePlugin[] = [
  taintTolerationScorer,
  nodeAffinityScorer,
  nodeResourcesFitScorer,
  podTopologySpreadScorer,
  interPodAffinityScorer,
  balancedAllocationScorer,
];

/** RunScorePlugins: weighted totals per node (same order as `nodes`). */
export function scoreNodes(state: CycleState, nodes: readonly NodeInfo[], scorers: readonly ScorePlugin[] = defaultScorePlugins): number[] {
  const totals = new Array<number>(nodes.length).fill(0);
  const scores = new Array<number>(nodes.length);
  for (const p of scorers) {
    const scorer = p.prepare(state, nodes);
    if (!scorer) continue;
    for (let i = 0; i < nodes.length; i++) scores[i] = scorer.score(nodes[i]);
    scorer.normalize?.(scores, nodes);
    for (let i = 0; i < nodes.length; i++) totals[i] += scores[i] * p.weight;
  }
  return totals;
}
