// One scheduling cycle for one pod (upstream schedule_one.go schedulePod): PreFilter, the
// nominated node first, Filter over an adaptive sample of nodes starting where the last
// cycle stopped, Score, and the highest total (ties broken at random). Pure: the caller
// assumes the pod on the chosen node, binds it, and on failure records the FitError.
import type { KubeObject } from '../machinery/types.js';
import { CycleState, type VolumeHook } from './cycleState.js';
import { activeFilters, runFiltersWithNominatedPods, type FilterPlugin, defaultFilters } from './filters.js';
import { FitError } from './fitError.js';
import type { NodeInfo } from './nodeInfo.js';
import { scoreNodes, defaultScorePlugins, type ScorePlugin } from './scores.js';
import type { Snapshot } from './snapshot.js';
import { reasons, type FilterStatus } from './status.js';

// Upstream minFeasibleNodesToFind / minFeasibleNodesPercentageToFind.
export const minFeasibleNodesToFind = 100;
export const minFeasibleNodesPercentageToFind = 5;

/**
 * numFeasibleNodesToFind: every node below 100; otherwise `percentage` of them (adaptive when
 * 0: 50% minus 1% per 125 nodes, at least 5%), and never fewer than 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage <= 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < minFeasibleNodesPercentageToFind) percentage = minFeasibleNodesPercentageToFind;
  }
  if (percentage >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return n < minFeasibleNodesToFind ? minFeasibleNodesToFind : n;
}

export interface ScheduleOptions {
  /** KubeSchedulerConfiguration percentageOfNodesToScore; 0 (default) is adaptive. */
  percentageOfNodesToScore?: number;
  /** Source of randomness for tie-breaking, [0, 1); default Math.random. */
  random?: () => number;
  volume?: VolumeHook;
  /** Replace the filter chain or scorers (tests, custom profiles). */
  filters?: readonly FilterPlugin[];
  scorers?: readonly ScorePlugin[];
}

export interface ScheduleSuccess {
  node: string;
  /** Weighted total score of the chosen node (0 when it was the only feasible one). */
  score: number;
  /** Nodes that passed the filters and were scored. */
  feasibleNodes: number;
  /** Nodes run through the filters. */
  evaluatedNodes: number;
}

export type ScheduleResult = ScheduleSuccess | { error: FitError };

/** Schedules `pod` against `snapshot`. Advances `snapshot.nextStartNodeIndex`. */
export function schedulePod(pod: KubeObject, snapshot: Snapshot, opts: ScheduleOptions = {}): ScheduleResult {
  const all = snapshot.nodes();
  const fitError = new FitError(pod, all.length);
  if (all.length === 0) return { error: fitError };

  const state = CycleState.create(pod, snapshot, { volume: opts.volume });
  if (state.preFilterStatus) {
    fitError.absentStatus = state.preFilterStatus;
    fitError.preFilterMsg = state.preFilterStatus.reasons.join(', ');
    return { error: fitError };
  }
  const filters = activeFilters(state, opts.filters ?? defaultFilters);

  // A pod nominated by an earlier preemption tries that node first and takes it if it fits.
  const nominated = state.pod.nominatedNodeName;
  if (nominated) {
    const ni = snapshot.nodeInfo(nominated);
    if (ni && (!state.nodeNames || state.nodeNames.has(nominated)) && !runFiltersWithNominatedPods(state, ni, filters)) {
      return { node: nominated, score: 0, feasibleNodes: 1, evaluatedNodes: 1 };
    }
  }

  let candidates: readonly NodeInfo[] = all;
  if (state.nodeNames) {
    candidates = [...state.nodeNames].flatMap((n) => snapshot.nodeInfo(n) ?? []);
    fitError.absentStatus = { reasons: [reasons.didNotSatisfyPlugins(['NodeAffinity'])], unresolvable: true, plugin: 'NodeAffinity' };
  }

  const feasible = findFeasible(state, candidates, filters, fitError, opts.percentageOfNodesToScore ?? 0, candidates === all);
  if (feasible.length === 0) return { error: fitError };
  const evaluatedNodes = feasible.length + fitError.statuses.size;
  if (feasible.length === 1) return { node: feasible[0].name, score: 0, feasibleNodes: 1, evaluatedNodes };

  const totals = scoreNodes(state, feasible, opts.scorers ?? defaultScorePlugins);
  const pick = selectHost(totals, opts.random ?? Math.random);
  return { node: feasible[pick].name, score: totals[pick], feasibleNodes: feasible.length, evaluatedNodes };
}

/** findNodesThatPassFilters: stops once enough feasible nodes are found; records rejections. */
function findFeasible(
  state: CycleState,
  nodes: readonly NodeInfo[],
  filters: ReturnType<typeof activeFilters>,
  fitError: FitError,
  percentage: number,
  roundRobin: boolean,
): NodeInfo[] {
  const n = nodes.length;
  if (n === 0) return [];
  const want = filters.length === 0 ? n : numFeasibleNodesToFind(n, percentage);
  const start = roundRobin ? state.snapshot.nextStartNodeIndex % n : 0;
  const feasible: NodeInfo[] = [];
  let processed = 0;
  for (let i = 0; i < n && feasible.length < want; i++) {
    const node = nodes[(start + i) % n];
    const s: FilterStatus | undefined = runFiltersWithNominatedPods(state, node, filters);
    if (s) fitError.statuses.set(node.name, s);
    else feasible.push(node);
    processed++;
  }
  // Every node gets the same chance of being examined across pods.
  if (roundRobin) state.snapshot.nextStartNodeIndex = (start + processed) % n;
  return feasible;
}

/** selectHost: the highest total, ties broken uniformly at random (reservoir sampling). */
export function selectHost(totals: readonly number[], random: () => number = Math.random): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < totals.length; i++) {
    if (totals[i] > totals[best]) {
      best = i;
      ties = 1;
    } else if (totals[i] === totals[best]) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return best;
}
