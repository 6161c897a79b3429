// FitError: why a pod fits no node, formatted exactly like upstream framework.FitError.Error()
// (the FailedScheduling event and PodScheduled condition message):
//   "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}."
// followed by the PostFilter (preemption) message when there is one.
import type { KubeObject } from '../machinery/types.js';
import { reasons, type FilterStatus } from './status.js';

/** Go's sort.Strings: byte-wise order (so "10 x" sorts before "2 y"). */
const byteCompare = (a: string, b: string): number => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
};

export class FitError {
  /** Per-node rejection (nodes that were evaluated). */
  readonly statuses = new Map<string, FilterStatus>();
  /** Status of every node not in `statuses` (PreFilter rejections, nodes a PreFilter excluded). */
  absentStatus: FilterStatus | undefined;
  /** A PreFilter's rejection message; replaces the per-node histogram when set. */
  preFilterMsg = '';
  /** The PostFilter result, e.g. "preemption: 0/3 nodes are available: …" (set by preempt). */
  postFilterMsg = '';

  constructor(
    readonly pod: KubeObject,
    readonly numAllNodes: number,
  ) {}

  /** The status that applies to one node. */
  statusOf(node: string): FilterStatus | undefined {
    return this.statuses.get(node) ?? this.absentStatus;
  }

  /** Plugins that rejected some node (Diagnosis.UnschedulablePlugins), for queueing hints. */
  get unschedulablePlugins(): Set<string> {
    const out = new Set<string>();
    for (const s of this.statuses.values()) if (s.plugin) out.add(s.plugin);
    if (this.absentStatus?.plugin) out.add(this.absentStatus.plugin);
    return out;
  }

  /** Counts per reason over all nodes ("3 Insufficient cpu"), byte-sorted. */
  histogram(): string[] {
    const counts = new Map<string, number>();
    for (const s of this.statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = this.numAllNodes - this.statuses.size;
    if (absent > 0 && this.absentStatus) for (const r of this.absentStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    return [...counts].map(([r, n]) => `${n} ${r}`).sort(byteCompare);
  }

  message(): string {
    if (this.numAllNodes === 0 && this.statuses.size === 0 && !this.preFilterMsg) return reasons.noNodesAvailable;
    let msg = `0/${this.numAllNodes} nodes are available:`;
    if (this.preFilterMsg) msg += ` ${this.preFilterMsg}.`;
    else {
      const h = this.histogram();
      if (h.length) msg += ` ${h.join(', ')}.`;
    }
    if (this.postFilterMsg) msg += ` ${this.postFilterMsg}`;
    return msg;
  }

  toString(): string {
    return this.message();
  }
}
