// InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity): required affinity and
// anti-affinity as a filter over per-topology counts built in PreFilter, and preferred terms
// (plus existing pods' terms) as a score.
import type { NodeInfo } from './nodeInfo.js';
import { podMatchesAllTerms, termMatchesPod, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from './podInfo.js';
import type { Snapshot } from './snapshot.js';
import { plugins, reasons, status, type FilterStatus } from './status.js';
import { hasOwn } from '../machinery/jsonAccess.js';

/** topologyPair as one map key. */
const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

type Counts = Map<string, number>;

function bump(m: Counts, node: NodeInfo, topologyKey: string, delta: number): void {
  if (!hasOwn(node.labels, topologyKey)) return;
  const k = pairKey(topologyKey, node.labels[topologyKey]);
  const n = (m.get(k) ?? 0) + delta;
  // Counts can go negative transiently in preemption; zero entries are dropped as upstream.
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

/** PreFilter state: how many matching pods each topology domain holds. */
export class InterPodAffinityState {
  constructor(
    readonly pod: PodInfo,
    /** Labels of the incoming pod's namespace, for existing pods' namespaceSelectors. */
    readonly nsLabels: Record<string, string> | undefined,
    readonly affinityCounts: Counts = new Map(),
    readonly antiAffinityCounts: Counts = new Map(),
    readonly existingAntiAffinityCounts: Counts = new Map(),
  ) {}

  /** Undefined when nothing constrains the pod (upstream PreFilter returns Skip). */
  static compute(pod: PodInfo, snapshot: Snapshot): InterPodAffinityState | undefined {
    const s = new InterPodAffinityState(pod, snapshot.namespaceLabels(pod.namespace));
    for (const existing of snapshot.podsWithRequiredAntiAffinity) {
      const nodeName = snapshot.nodeOf(existing);
      const node = nodeName === undefined ? undefined : snapshot.nodeInfo(nodeName);
      if (!node) continue;
      for (const t of existing.requiredAntiAffinityTerms) if (termMatchesPod(t, pod, s.nsLabels)) bump(s.existingAntiAffinityCounts, node, t.topologyKey, 1);
    }
    if (s.existingAntiAffinityCounts.size === 0 && pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0) return undefined;
    if (pod.requiredAffinityTerms.length + pod.requiredAntiAffinityTerms.length > 0) {
      for (const node of snapshot.nodes()) {
        for (const existing of node.pods.values()) s.countIncoming(existing, node, 1, snapshot);
      }
    }
    return s;
  }

  /** The incoming pod's own terms against one existing pod. */
  private countIncoming(existing: PodInfo, node: NodeInfo, delta: number, snapshot: Snapshot | undefined): void {
    // The incoming pod's namespaceSelector is resolved against the existing pod's namespace
    // (upstream merges matching namespaces into the term first).
    const ns = snapshot?.namespaceLabels(existing.namespace);
    if (podMatchesAllTerms(this.pod.requiredAffinityTerms, existing, ns)) {
      for (const t of this.pod.requiredAffinityTerms) bump(this.affinityCounts, node, t.topologyKey, delta);
    }
    for (const t of this.pod.requiredAntiAffinityTerms) if (termMatchesPod(t, existing, ns)) bump(this.antiAffinityCounts, node, t.topologyKey, delta);
  }

  /** PreFilterExtensions AddPod/RemovePod: `pi` appears on / leaves `node`. */
  update(pi: PodInfo, node: NodeInfo, delta: 1 | -1, snapshot: Snapshot): void {
    for (const t of pi.requiredAntiAffinityTerms) if (termMatchesPod(t, this.pod, this.nsLabels)) bump(this.existingAntiAffinityCounts, node, t.topologyKey, delta);
    this.countIncoming(pi, node, delta, snapshot);
  }

  clone(): InterPodAffinityState {
    return new InterPodAffinityState(this.pod, this.nsLabels, new Map(this.affinityCounts), new Map(this.antiAffinityCounts), new Map(this.existingAntiAffinityCounts));
  }
}

function satisfyPodAffinity(s: InterPodAffinityState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of s.pod.requiredAffinityTerms) {
    // All topology labels must exist on the node.
    if (!hasOwn(node.labels, t.topologyKey)) return false;
    if ((s.affinityCounts.get(pairKey(t.topologyKey, node.labels[t.topologyKey])) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself may go anywhere its topology exists,
  // provided no pod in the cluster matches yet and it matches its own terms.
  return s.affinityCounts.size === 0 && podMatchesAllTerms(s.pod.requiredAffinityTerms, s.pod, s.nsLabels);
}

function satisfyPodAntiAffinity(s: InterPodAffinityState, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.pod.requiredAntiAffinityTerms) {
    if (!hasOwn(node.labels, t.topologyKey)) continue;
    if ((s.antiAffinityCounts.get(pairKey(t.topologyKey, node.labels[t.topologyKey])) ?? 0) > 0) return false;
  }
  return true;
}

function satisfyExistingPodsAntiAffinity(s: InterPodAffinityState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [k, v] of Object.entries(node.labels)) if ((s.existingAntiAffinityCounts.get(pairKey(k, v)) ?? 0) > 0) return false;
  return true;
}

/** The InterPodAffinity filter over a computed state (undefined state: nothing to check). */
export function filterInterPodAffinity(s: InterPodAffinityState | undefined, node: NodeInfo): FilterStatus | undefined {
  if (!s) return undefined;
  if (!satisfyPodAffinity(s, node)) return status(reasons.podAffinity, plugins.interPodAffinity, true);
  if (!satisfyPodAntiAffinity(s, node)) return status(reasons.podAntiAffinity, plugins.interPodAffinity);
  if (!satisfyExistingPodsAntiAffinity(s, node)) return status(reasons.existingAntiAffinity, plugins.interPodAffinity);
  return undefined;
}

// --- scoring ---

/** InterPodAffinityArgs.hardPodAffinityWeight default. */
export const hardPodAffinityWeight = 1;

type ScoreMap = Map<string, Map<string, number>>;

function processTerm(m: ScoreMap, t: AffinityTerm, weight: number, pod: PodInfo, nsLabels: Record<string, string> | undefined, node: NodeInfo, mult: number): void {
  if (!termMatchesPod(t, pod, nsLabels) || !hasOwn(node.labels, t.topologyKey)) return;
  let byValue = m.get(t.topologyKey);
  if (!byValue) m.set(t.topologyKey, (byValue = new Map()));
  const v = node.labels[t.topologyKey];
  byValue.set(v, (byValue.get(v) ?? 0) + weight * mult);
}

const processTerms = (m: ScoreMap, ts: readonly WeightedAffinityTerm[], pod: PodInfo, ns: Record<string, string> | undefined, node: NodeInfo, mult: number): void => {
  for (const t of ts) processTerm(m, t, t.weight, pod, ns, node, mult);
};

/**
 * PreScore: topology key → value → summed weights. Undefined means skip (nothing to score):
 * the pod has no preferred terms and no placed pod has affinity.
 */
export function interPodAffinityScores(pod: PodInfo, snapshot: Snapshot): ScoreMap | undefined {
  const hasPreferred = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
  if (!hasPreferred && !snapshot.hasPodsWithAffinity) return undefined;
  const m: ScoreMap = new Map();
  const ownNs = snapshot.namespaceLabels(pod.namespace);
  for (const node of snapshot.nodes()) {
    // Without preferred terms of its own, only existing pods with affinity can add score.
    if (!hasPreferred && node.podsWithAffinity === 0) continue;
    if (Object.keys(node.labels).length === 0) continue;
    for (const existing of node.pods.values()) {
      if (!hasPreferred && !existing.hasAffinity) continue;
      const existingNs = snapshot.namespaceLabels(existing.namespace);
      processTerms(m, pod.preferredAffinityTerms, existing, existingNs, node, 1);
      processTerms(m, pod.preferredAntiAffinityTerms, existing, existingNs, node, -1);
      for (const t of existing.requiredAffinityTerms) processTerm(m, t, hardPodAffinityWeight, pod, ownNs, node, 1);
      processTerms(m, existing.preferredAffinityTerms, pod, ownNs, node, 1);
      processTerms(m, existing.preferredAntiAffinityTerms, pod, ownNs, node, -1);
    }
  }
  return m.size === 0 ? undefined : m;
}

export function interPodAffinityScore(m: ScoreMap, node: NodeInfo): number {
  let score = 0;
  for (const [key, byValue] of m) if (hasOwn(node.labels, key)) score += byValue.get(node.labels[key]) ?? 0;
  return score;
}

/** NormalizeScore: min–max scaled to 0..100, truncated. */
export function normalizeInterPodAffinity(scores: number[]): void {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(100 * ((scores[i] - min) / diff)) : 0;
}
