// Basic preemption (DefaultPreemption PostFilter, framework/preemption): for a pod that fits
// nowhere, find a node where evicting lower-priority pods makes it fit, keeping as many of
// them as possible (most important reprieved first), and pick the node whose victims matter
// least. Pure: the caller sets status.nominatedNodeName, marks and deletes the victims, and
// clears nominatedNodeName of the lower-priority pods nominated to that node.
// PodDisruptionBudgets are not considered (no PDB violations are ever counted).
import type { KubeObject } from '../machinery/types.js';
import { CycleState, type VolumeHook } from './cycleState.js';
import { activeFilters, runFiltersWithNominatedPods } from './filters.js';
import { FitError } from './fitError.js';
import type { NodeInfo } from './nodeInfo.js';
import { podInfoOf, type PodInfo } from './podInfo.js';
import type { Snapshot } from './snapshot.js';
import { plugins, reasons, type FilterStatus } from './status.js';

export interface PreemptionCandidate {
  /** The node to nominate the preemptor to. */
  node: string;
  /** Pods to evict, most important first. */
  victims: KubeObject[];
  /** Lower-priority pods nominated to that node whose nomination should be cleared. */
  nominatedToClear: KubeObject[];
}

export interface PreemptOptions {
  /** Source of randomness for the dry-run start offset, [0, 1); default Math.random. */
  random?: () => number;
  /** DefaultPreemptionArgs minCandidateNodesPercentage / minCandidateNodesAbsolute. */
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
  volume?: VolumeHook;
}

const notHelpful: FilterStatus = { reasons: [reasons.preemptionNotHelpful], unresolvable: true, plugin: plugins.defaultPreemption };

/** MoreImportantPod: higher priority, then the one that started earlier. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return (a.startTime ?? Date.now()) - (b.startTime ?? Date.now());
}

interface Victims {
  node: NodeInfo;
  victims: PodInfo[];
}

/** SelectVictimsOnNode: a status when the node cannot be made to fit, else the minimal victims. */
function selectVictimsOnNode(state: CycleState, node: NodeInfo): Victims | FilterStatus {
  const potential = [...node.pods.values()].filter((p) => p.priority < state.pod.priority);
  if (potential.length === 0) return { reasons: [reasons.noPreemptionVictims], unresolvable: true, plugin: plugins.defaultPreemption };
  const ni = node.clone();
  const st = state.clone();
  for (const p of potential) {
    ni.removePod(p);
    st.removePod(p, ni);
  }
  const filters = activeFilters(st);
  // Affinity to the victims themselves is not considered, as upstream.
  const s = runFiltersWithNominatedPods(st, ni, filters);
  if (s) return s;
  potential.sort(moreImportant);
  const victims: PodInfo[] = [];
  for (const p of potential) {
    ni.addPod(p);
    st.addPod(p, ni);
    if (runFiltersWithNominatedPods(st, ni, filters)) {
      ni.removePod(p);
      st.removePod(p, ni);
      victims.push(p);
    }
  }
  if (victims.length === 0) return { reasons: [`expected at least one victim pod on node "${node.name}"`], plugin: plugins.defaultPreemption };
  return { node, victims };
}

const isVictims = (v: Victims | FilterStatus): v is Victims => 'victims' in v;

/** Start time of the earliest-started victim among those of the highest priority. */
function earliestStartOfTop(victims: readonly PodInfo[]): number {
  const top = victims[0].priority;
  let t = Infinity;
  for (const v of victims) if (v.priority === top) t = Math.min(t, v.startTime ?? Date.now());
  return t;
}

/** pickOneNodeForPreemption (no PDBs): lowest top victim priority, smallest priority sum, fewest victims, latest start. */
function pickOne(cands: readonly Victims[]): Victims {
  // Priorities are offset by MaxInt32+1 so that fewer victims win even with negative priorities.
  const offset = 2 ** 31;
  const keys = cands.map((c) => ({
    c,
    top: c.victims[0].priority,
    sum: c.victims.reduce((a, v) => a + v.priority + offset, 0),
    count: c.victims.length,
    start: earliestStartOfTop(c.victims),
  }));
  keys.sort((a, b) => a.top - b.top || a.sum - b.sum || a.count - b.count || b.start - a.start);
  return keys[0].c;
}

/**
 * Tries preemption for a pod that failed with `fitError`. Returns the chosen candidate, or
 * undefined after setting `fitError.postFilterMsg` to upstream's "preemption: …" text.
 */
export function preempt(pod: KubeObject, snapshot: Snapshot, fitError: FitError, opts: PreemptOptions = {}): PreemptionCandidate | undefined {
  const pi = podInfoOf(pod);
  const fail = (msg: string): undefined => {
    fitError.postFilterMsg = `preemption: ${msg}`;
    return undefined;
  };
  if (pi.preemptionPolicy === 'Never') return fail(reasons.preemptionPolicyNever);
  const nominated = pi.nominatedNodeName;
  if (nominated && !fitError.statusOf(nominated)?.unresolvable) {
    // Victims from an earlier preemption are still terminating there: wait for them.
    const ni = snapshot.nodeInfo(nominated);
    if (ni && [...ni.pods.values()].some((p) => p.priority < pi.priority && p.terminating)) return fail(reasons.terminatingOnNominated);
  }
  const all = snapshot.nodes();
  if (all.length === 0) return undefined;
  const potential = all.filter((n) => {
    const s = fitError.statusOf(n.name);
    return s !== undefined && !s.unresolvable;
  });
  const result = new FitError(pod, all.length);
  result.absentStatus = notHelpful;
  if (potential.length === 0) return fail(result.message());

  const state = CycleState.create(pi, snapshot, { volume: opts.volume });
  const pct = opts.minCandidateNodesPercentage ?? 10;
  const abs = opts.minCandidateNodesAbsolute ?? 100;
  const want = Math.min(potential.length, Math.max(abs, Math.trunc((potential.length * pct) / 100)));
  const offset = Math.floor((opts.random ?? Math.random)() * potential.length);
  const cands: Victims[] = [];
  for (let i = 0; i < potential.length && cands.length < want; i++) {
    const node = potential[(offset + i) % potential.length];
    const v = selectVictimsOnNode(state, node);
    if (isVictims(v)) cands.push(v);
    else result.statuses.set(node.name, v);
  }
  if (cands.length === 0) return fail(result.message());

  const best = pickOne(cands);
  const nominatedToClear = snapshot
    .nominatedPods(best.node.name)
    .filter((p) => p.priority < pi.priority && p.key !== pi.key)
    .map((p) => p.pod);
  fitError.postFilterMsg = '';
  return { node: best.node.name, victims: best.victims.map((v) => v.pod), nominatedToClear };
}
