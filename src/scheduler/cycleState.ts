// CycleState: what the PreFilter phase computes once per pod per scheduling cycle and the
// filters read per node (framework.CycleState). It can be cloned and have pods added or
// removed (PreFilterExtensions), which preemption uses to try a node without its victims.
import type { KubeObject } from '../machinery/types.js';
import { InterPodAffinityState } from './interPodAffinity.js';
import type { NodeInfo } from './nodeInfo.js';
import { podInfoOf, type PodInfo } from './podInfo.js';
import type { Snapshot } from './snapshot.js';
import { plugins, reasons, status, type FilterStatus } from './status.js';
import { SpreadFilterState } from './topologySpread.js';

/**
 * The pluggable volume step (VolumeBinding / VolumeZone): PVC lookups, WaitForFirstConsumer
 * and PV node affinity live with the caller, which owns the PVC/PV informers. Statuses should
 * use the upstream wording in `reasons` (volumeNodeConflict, volumeBindConflict, …).
 */
export interface VolumeHook {
  /** Once per cycle; a status rejects the pod on every node (e.g. a missing or unbound immediate PVC). */
  preFilter?(pod: PodInfo, snapshot: Snapshot): FilterStatus | undefined;
  /** Per node. */
  filter?(pod: PodInfo, node: NodeInfo, snapshot: Snapshot): FilterStatus | undefined;
}

export interface CycleOptions {
  volume?: VolumeHook;
}

/**
 * NodeAffinity PreFilter: when every required term pins metadata.name (DaemonSet pods do),
 * only those nodes are candidates; terms pinning disjoint names reject the pod outright.
 */
function nodeNamesFromAffinity(pod: PodInfo): Set<string> | undefined {
  const terms = pod.nodeAffinity.terms;
  if (!terms || terms.length === 0) return undefined;
  let all: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.fields) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    // A term without a name pin lets every node through (terms are ORed).
    if (!termNames) return undefined;
    all = new Set([...(all ?? []), ...termNames]);
  }
  return all;
}

export class CycleState {
  interPod: InterPodAffinityState | undefined;
  spread: SpreadFilterState | undefined;
  /** Candidate nodes when a PreFilter narrowed them (NodeAffinity on metadata.name). */
  nodeNames: ReadonlySet<string> | undefined;
  /** Set when a PreFilter rejected the pod for every node. */
  preFilterStatus: FilterStatus | undefined;

  private constructor(
    readonly pod: PodInfo,
    readonly snapshot: Snapshot,
    readonly volume: VolumeHook | undefined,
  ) {}

  /** Runs the PreFilter phase for `pod` against `snapshot`. */
  static create(pod: KubeObject | PodInfo, snapshot: Snapshot, opts: CycleOptions = {}): CycleState {
    const s = new CycleState(podInfoOf(pod), snapshot, opts.volume);
    const names = nodeNamesFromAffinity(s.pod);
    if (names && names.size === 0) {
      s.preFilterStatus = status(reasons.nodeAffinityConflict, plugins.nodeAffinity, true);
      return s;
    }
    s.nodeNames = names;
    const vs = opts.volume?.preFilter?.(s.pod, snapshot);
    if (vs) {
      s.preFilterStatus = { ...vs, plugin: vs.plugin ?? plugins.volumeBinding };
      return s;
    }
    s.spread = SpreadFilterState.compute(s.pod, snapshot);
    s.interPod = InterPodAffinityState.compute(s.pod, snapshot);
    return s;
  }

  clone(): CycleState {
    const c = new CycleState(this.pod, this.snapshot, this.volume);
    c.interPod = this.interPod?.clone();
    c.spread = this.spread?.clone();
    c.nodeNames = this.nodeNames;
    c.preFilterStatus = this.preFilterStatus;
    return c;
  }

  /** `pi` now counts on `node` (call after adding it to that NodeInfo). */
  addPod(pi: PodInfo, node: NodeInfo): void {
    this.interPod?.update(pi, node, 1, this.snapshot);
    this.spread?.update(pi, node, 1);
  }

  /** `pi` no longer counts on `node`. */
  removePod(pi: PodInfo, node: NodeInfo): void {
    this.interPod?.update(pi, node, -1, this.snapshot);
    this.spread?.update(pi, node, -1);
  }
}
