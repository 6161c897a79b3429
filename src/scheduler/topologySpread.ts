// PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread): DoNotSchedule
// constraints filter on skew = matching pods in the node's domain + self − global minimum;
// ScheduleAnyway constraints (or the system defaults for owned pods) score.
import { selectorFromLabelSelector, type LabelSelector, type Selector } from '../machinery/labels.js';
import { hasOwn, num, record, records, str, strings, type JsonRecord } from '../machinery/jsonAccess.js';
import { firstUntoleratedTaint, nodeAffinityMatches } from '../machinery/nodeMatching.js';
import { hostnameLabel, zoneLabel, type NodeInfo } from './nodeInfo.js';
import type { PodInfo } from './podInfo.js';
import type { Snapshot } from './snapshot.js';
import { plugins, reasons, status, type FilterStatus } from './status.js';

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: Selector;
  /** Set for the system default constraints: pods of the same controller match (indexed). */
  readonly ownerUid?: string;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: string;
  readonly nodeTaintsPolicy: string;
}

function constraintSelector(c: JsonRecord, podLabels: Record<string, string>): Selector {
  const ls = record(c.labelSelector) as LabelSelector | undefined;
  // matchLabelKeys: the pod's own values for those keys narrow the selector (1.33 merges
  // them in the scheduler).
  const extra = strings(c.matchLabelKeys)
    .filter((k) => hasOwn(podLabels, k))
    .map((k) => ({ key: k, operator: 'In', values: [podLabels[k]] }));
  try {
    if (!ls) return selectorFromLabelSelector(undefined);
    return selectorFromLabelSelector(extra.length ? { ...ls, matchExpressions: [...(ls.matchExpressions ?? []), ...extra] } : ls);
  } catch {
    return selectorFromLabelSelector(undefined);
  }
}

/** filterTopologySpreadConstraints: the pod's constraints with the given whenUnsatisfiable. */
export function podConstraints(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway'): SpreadConstraint[] {
  return records(pod.spec.topologySpreadConstraints)
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => ({
      maxSkew: num(c.maxSkew) ?? 1,
      topologyKey: str(c.topologyKey) ?? '',
      selector: constraintSelector(c, pod.labels),
      minDomains: num(c.minDomains) ?? 1,
      nodeAffinityPolicy: str(c.nodeAffinityPolicy) ?? 'Honor',
      nodeTaintsPolicy: str(c.nodeTaintsPolicy) ?? 'Ignore',
    }));
}

const everything = selectorFromLabelSelector({});
const spreadOwnerKinds = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet']);

/**
 * The system default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) for
 * pods without their own. Upstream selects the pod's Services/ReplicaSets/StatefulSets by
 * label; here the pod's controlling ReplicaSet/ReplicationController/StatefulSet stands for
 * them (Services are not modelled), which selects the same pods for workload-managed pods and
 * keeps counting O(1) per node.
 */
export function defaultConstraints(pod: PodInfo): SpreadConstraint[] {
  // DefaultSelector looks at ReplicaSets, ReplicationControllers and StatefulSets (and Services).
  if (!pod.ownerUid || !spreadOwnerKinds.has(pod.ownerKind ?? '')) return [];
  const base = { selector: everything, ownerUid: pod.ownerUid, minDomains: 1, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' };
  return [
    { ...base, topologyKey: hostnameLabel, maxSkew: 3 },
    { ...base, topologyKey: zoneLabel, maxSkew: 5 },
  ];
}

const constraintMatches = (c: SpreadConstraint, pod: PodInfo): boolean => (c.ownerUid !== undefined ? pod.ownerUid === c.ownerUid : c.selector.matches(pod.labels));

/** countPodsMatchSelector: non-terminating pods of `namespace` on the node matching `c`. */
export function countMatching(node: NodeInfo, c: SpreadConstraint, namespace: string): number {
  if (c.ownerUid !== undefined) return node.ownerCounts.get(c.ownerUid) ?? 0;
  if (c.selector.empty) return 0;
  let n = 0;
  for (const p of node.pods.values()) if (!p.terminating && p.namespace === namespace && c.selector.matches(p.labels)) n++;
  return n;
}

const hasAllKeys = (node: NodeInfo, cs: readonly SpreadConstraint[]): boolean => cs.every((c) => hasOwn(node.labels, c.topologyKey));

/** matchNodeInclusionPolicies: nodeAffinityPolicy Honor (default) / nodeTaintsPolicy Honor. */
function included(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !nodeAffinityMatches(pod.nodeAffinity, node.name, node.labels)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(node.taints, pod.tolerations)) return false;
  return true;
}

/** PreFilter state: per DoNotSchedule constraint, matching pods per topology value. */
export class SpreadFilterState {
  private mins: (number | undefined)[];

  constructor(
    readonly pod: PodInfo,
    readonly constraints: readonly SpreadConstraint[],
    readonly counts: Map<string, number>[],
  ) {
    this.mins = constraints.map(() => undefined);
  }

  /** Undefined when the pod has no DoNotSchedule constraints (upstream Skip). */
  static compute(pod: PodInfo, snapshot: Snapshot): SpreadFilterState | undefined {
    const cs = podConstraints(pod, 'DoNotSchedule');
    if (cs.length === 0) return undefined;
    const counts = cs.map(() => new Map<string, number>());
    for (const node of snapshot.nodes()) {
      if (!hasAllKeys(node, cs)) continue;
      cs.forEach((c, i) => {
        if (!included(c, pod, node)) return;
        const v = node.labels[c.topologyKey];
        counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(node, c, pod.namespace));
      });
    }
    return new SpreadFilterState(pod, cs, counts);
  }

  /** The global minimum for skew, 0 while fewer than minDomains domains exist. */
  minMatchNum(i: number): number {
    if (this.counts[i].size < this.constraints[i].minDomains) return 0;
    let m = this.mins[i];
    if (m === undefined) {
      m = Infinity;
      for (const v of this.counts[i].values()) if (v < m) m = v;
      this.mins[i] = m;
    }
    return m;
  }

  /** PreFilterExtensions AddPod/RemovePod. */
  update(pi: PodInfo, node: NodeInfo, delta: 1 | -1): void {
    if (pi.namespace !== this.pod.namespace || !hasAllKeys(node, this.constraints)) return;
    this.constraints.forEach((c, i) => {
      if (!constraintMatches(c, pi) || !included(c, this.pod, node)) return;
      const v = node.labels[c.topologyKey];
      this.counts[i].set(v, (this.counts[i].get(v) ?? 0) + delta);
      this.mins[i] = undefined;
    });
  }

  clone(): SpreadFilterState {
    return new SpreadFilterState(
      this.pod,
      this.constraints,
      this.counts.map((m) => new Map(m)),
    );
  }
}

export function filterTopologySpread(s: SpreadFilterState | undefined, node: NodeInfo): FilterStatus | undefined {
  if (!s) return undefined;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (!hasOwn(node.labels, c.topologyKey)) return status(reasons.topologySpreadMissingLabel, plugins.podTopologySpread, true);
    const self = constraintMatches(c, s.pod) ? 1 : 0;
    const skew = (s.counts[i].get(node.labels[c.topologyKey]) ?? 0) + self - s.minMatchNum(i);
    if (skew > c.maxSkew) return status(reasons.topologySpread, plugins.podTopologySpread);
  }
  return undefined;
}

// --- scoring (ScheduleAnyway) ---

export interface SpreadScoreState {
  readonly constraints: readonly SpreadConstraint[];
  readonly ignored: ReadonlySet<string>;
  /** Per constraint (non-hostname keys): topology value → matching pods in that domain. */
  readonly domainCounts: readonly Map<string, number>[];
  readonly weights: readonly number[];
  readonly namespace: string;
}

const unconstrained = (pod: PodInfo): boolean => pod.nodeAffinity.nodeSelector === undefined && pod.nodeAffinity.terms === undefined;

/** PreScore; undefined means skip (no soft constraints). */
export function spreadScoreState(pod: PodInfo, filtered: readonly NodeInfo[], snapshot: Snapshot): SpreadScoreState | undefined {
  const explicit = records(pod.spec.topologySpreadConstraints).length > 0;
  const constraints = explicit ? podConstraints(pod, 'ScheduleAnyway') : defaultConstraints(pod);
  if (constraints.length === 0 || filtered.length === 0) return undefined;
  // Only user-given constraints require nodes to carry every topology key.
  const requireAll = explicit;
  const ignored = new Set<string>();
  const domainCounts = constraints.map(() => new Map<string, number>());
  for (const node of filtered) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    for (let i = 0; i < constraints.length; i++) {
      const key = constraints[i].topologyKey;
      if (key !== hostnameLabel) domainCounts[i].set(node.labels[key] ?? '', 0);
    }
  }
  let slow = false;
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i];
    if (c.topologyKey === hostnameLabel || domainCounts[i].size === 0) continue;
    if (c.ownerUid !== undefined && c.topologyKey === zoneLabel && c.nodeTaintsPolicy !== 'Honor' && unconstrained(pod)) {
      // Every node counts for this constraint, so the snapshot's owner×zone index has the sums.
      for (const zone of domainCounts[i].keys()) domainCounts[i].set(zone, snapshot.ownerPodsInZone(c.ownerUid, zone));
    } else slow = true;
  }
  if (slow) {
    for (const node of snapshot.nodes()) {
      if (requireAll && !hasAllKeys(node, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i];
        if (c.topologyKey === hostnameLabel || (c.ownerUid !== undefined && c.topologyKey === zoneLabel && c.nodeTaintsPolicy !== 'Honor' && unconstrained(pod))) continue;
        if (!hasOwn(node.labels, c.topologyKey) || !included(c, pod, node)) continue;
        const v = node.labels[c.topologyKey];
        const cur = domainCounts[i].get(v);
        if (cur !== undefined) domainCounts[i].set(v, cur + countMatching(node, c, pod.namespace));
      }
    }
  }
  // topologyNormalizingWeight: log(domains + 2), so many small domains weigh more.
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameLabel ? filtered.length - ignored.size : domainCounts[i].size) + 2));
  return { constraints, ignored, domainCounts, weights, namespace: pod.namespace };
}

export function spreadScore(s: SpreadScoreState, node: NodeInfo): number {
  if (s.ignored.size > 0 && s.ignored.has(node.name)) return 0;
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    const v = node.labels[c.topologyKey];
    if (v === undefined || !hasOwn(node.labels, c.topologyKey)) continue;
    const cnt = c.topologyKey === hostnameLabel ? countMatching(node, c, s.namespace) : (s.domainCounts[i].get(v) ?? 0);
    // scoreForCount: maxSkew−1 waters down small skews.
    score += cnt * s.weights[i] + (c.maxSkew - 1);
  }
  return Math.round(score);
}

/** NormalizeScore: fewer matching pods → higher score; ignored nodes get 0. */
export function normalizeSpread(s: SpreadScoreState, scores: number[], nodes: readonly NodeInfo[]): void {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (s.ignored.has(nodes[i].name)) continue;
    if (scores[i] < min) min = scores[i];
    if (scores[i] > max) max = scores[i];
  }
  for (let i = 0; i < nodes.length; i++) {
    if (s.ignored.has(nodes[i].name)) scores[i] = 0;
    else if (max === 0) scores[i] = 100;
    else scores[i] = Math.trunc((100 * (max + min - scores[i])) / max);
  }
}
