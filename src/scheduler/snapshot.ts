// The scheduler's view of the cluster (kube-scheduler's cache + snapshot in one, since a
// scheduling cycle here runs synchronously): nodes, the non-terminated pods bound or assumed
// onto them, nominated pods, and namespace labels for affinity namespaceSelectors.
//
// Guarantees:
// - Every mutation is O(1) in the number of nodes and pods (plus the pod's own size), so
//   feeding informer events for 5,000 nodes and 10,000 pods costs nothing per scheduled pod.
// - `assume(pod, node)` counts the pod on the node at once, so a burst is scheduled without
//   waiting for bind round-trips; the informer's later bound copy (`setPod`) confirms it, and
//   `forget` undoes it when binding fails (upstream AssumePod / ForgetPod).
// - Terminated pods (Succeeded/Failed) and unbound pods never occupy a node; pods bound to a
//   node not yet seen are kept on a ghost entry and counted once the node arrives.
import type { KubeObject } from '../machinery/types.js';
import { record, str } from '../machinery/jsonAccess.js';
import { NodeInfo, nodeNameOf, zoneLabel } from './nodeInfo.js';
import { namespaceLabelsOf, PodInfo, podInfoOf } from './podInfo.js';

interface PodEntry {
  info: PodInfo;
  node: string;
  assumed: boolean;
}

export const podKeyOf = (p: KubeObject | PodInfo | string): string =>
  typeof p === 'string' ? p : p instanceof PodInfo ? p.key : `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`;

const terminated = (pod: KubeObject): boolean => {
  const phase = str(record(pod.status)?.phase);
  return phase === 'Succeeded' || phase === 'Failed';
};

export class Snapshot {
  private readonly infos = new Map<string, NodeInfo>();
  /** Real nodes, in arrival order (the order filtering walks them round-robin). */
  private readonly list: NodeInfo[] = [];
  private readonly listIndex = new Map<string, number>();
  private readonly podEntries = new Map<string, PodEntry>();
  private readonly nominations = new Map<string, { info: PodInfo; node: string }>();
  private readonly nominatedByNode = new Map<string, Map<string, PodInfo>>();
  private readonly nsLabels = new Map<string, Record<string, string>>();
  /** Bound/assumed pods with required pod anti-affinity (HavePodsWithRequiredAntiAffinityList). */
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Number of placed pods with any pod (anti-)affinity. */
  private affinityPods = 0;
  /** controller owner UID → zone → non-terminating pods (default zone spreading in O(zones)). */
  private readonly ownerZones = new Map<string, Map<string, number>>();
  /** Where the next filtering pass starts (upstream nextStartNodeIndex). */
  nextStartNodeIndex = 0;

  static build(nodes: readonly KubeObject[], pods: readonly KubeObject[] = [], namespaces: readonly KubeObject[] = []): Snapshot {
    const s = new Snapshot();
    for (const n of nodes) s.setNode(n);
    for (const p of pods) s.setPod(p);
    for (const ns of namespaces) s.setNamespace(ns);
    return s;
  }

  // --- nodes ---

  setNode(node: KubeObject): NodeInfo {
    const name = nodeNameOf(node);
    let ni = this.infos.get(name);
    if (!ni) this.infos.set(name, (ni = new NodeInfo(name)));
    const oldZone = ni.node ? ni.labels[zoneLabel] : undefined;
    if (ni.pods.size > 0) for (const pi of ni.pods.values()) this.countOwnerZone(oldZone, pi, -1);
    ni.setNode(node);
    if (ni.pods.size > 0) for (const pi of ni.pods.values()) this.countOwnerZone(ni.labels[zoneLabel], pi, 1);
    if (!this.listIndex.has(name)) {
      this.listIndex.set(name, this.list.length);
      this.list.push(ni);
    }
    return ni;
  }

  removeNode(name: string): void {
    const ni = this.infos.get(name);
    if (!ni) return;
    const i = this.listIndex.get(name);
    if (i !== undefined) {
      const last = this.list.pop();
      if (last && last !== ni) {
        this.list[i] = last;
        this.listIndex.set(last.name, i);
      }
      this.listIndex.delete(name);
    }
    // Pods still bound there keep a ghost entry until their deletes arrive.
    for (const pi of ni.pods.values()) this.countOwnerZone(ni.labels[zoneLabel], pi, -1);
    if (ni.pods.size === 0) this.infos.delete(name);
    else {
      ni.node = undefined;
      ni.labels = {};
    }
  }

  /** The node's info, or undefined for unknown and ghost nodes. */
  nodeInfo(name: string): NodeInfo | undefined {
    const ni = this.infos.get(name);
    return ni?.node ? ni : undefined;
  }

  /** Real nodes in filtering order. */
  nodes(): readonly NodeInfo[] {
    return this.list;
  }

  get numNodes(): number {
    return this.list.length;
  }

  // --- pods ---

  /**
   * Informer add/update of any pod. Bound, non-terminated pods are placed on their node
   * (confirming an assumed copy); terminated ones are removed; unbound ones leave the
   * snapshot untouched (an assumed copy stays until the bound version arrives or `forget`).
   */
  setPod(pod: KubeObject): void {
    const key = podKeyOf(pod);
    const nodeName = str(record(pod.spec)?.nodeName) ?? '';
    if (terminated(pod)) {
      this.removePod(key);
      return;
    }
    if (nodeName === '') return;
    this.place(podInfoOf(pod), nodeName, false);
    this.removeNomination(key);
  }

  /** Informer delete (also the end of an assumed pod). */
  removePod(pod: KubeObject | PodInfo | string): void {
    const key = podKeyOf(pod);
    const e = this.podEntries.get(key);
    if (e) {
      this.podEntries.delete(key);
      const ni = this.infos.get(e.node);
      if (ni) {
        if (ni.removePod(key)) this.countOwnerZone(ni.node ? ni.labels[zoneLabel] : undefined, e.info, -1);
        if (!ni.node && ni.pods.size === 0) this.infos.delete(e.node);
      }
      this.untrack(e.info);
    }
    this.removeNomination(key);
  }

  /** Counts `pod` on `nodeName` before the binding is visible (upstream AssumePod). */
  assume(pod: KubeObject | PodInfo, nodeName: string): PodInfo {
    const info = podInfoOf(pod);
    this.place(info, nodeName, true);
    this.removeNomination(info.key);
    return info;
  }

  /** Undoes `assume` (binding failed). A pod already confirmed bound is left alone. */
  forget(pod: KubeObject | PodInfo | string): void {
    const key = podKeyOf(pod);
    if (this.podEntries.get(key)?.assumed) this.removePod(key);
  }

  isAssumed(pod: KubeObject | PodInfo | string): boolean {
    return this.podEntries.get(podKeyOf(pod))?.assumed === true;
  }

  /** Where the pod sits (bound or assumed), if anywhere. */
  nodeOf(pod: KubeObject | PodInfo | string): string | undefined {
    return this.podEntries.get(podKeyOf(pod))?.node;
  }

  get numPods(): number {
    return this.podEntries.size;
  }

  /** Every placed pod with the node it is on. */
  *placedPods(): IterableIterator<{ info: PodInfo; node: string }> {
    for (const e of this.podEntries.values()) yield { info: e.info, node: e.node };
  }

  /** True when some placed pod has pod (anti-)affinity (so InterPodAffinity scoring has work). */
  get hasPodsWithAffinity(): boolean {
    return this.affinityPods > 0;
  }

  private place(info: PodInfo, nodeName: string, assumed: boolean): void {
    const key = info.key;
    const prev = this.podEntries.get(key);
    if (prev) {
      const old = this.infos.get(prev.node);
      if (old?.removePod(key)) this.countOwnerZone(old.node ? old.labels[zoneLabel] : undefined, prev.info, -1);
      this.untrack(prev.info);
    }
    let ni = this.infos.get(nodeName);
    if (!ni) this.infos.set(nodeName, (ni = new NodeInfo(nodeName)));
    ni.addPod(info);
    this.countOwnerZone(ni.node ? ni.labels[zoneLabel] : undefined, info, 1);
    this.podEntries.set(key, { info, node: nodeName, assumed });
    if (info.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.add(info);
    if (info.hasAffinity) this.affinityPods++;
    if (prev && prev.node !== nodeName) {
      const old = this.infos.get(prev.node);
      if (old && !old.node && old.pods.size === 0) this.infos.delete(prev.node);
    }
  }

  private countOwnerZone(zone: string | undefined, info: PodInfo, delta: number): void {
    if (zone === undefined || !info.ownerUid || info.terminating) return;
    let m = this.ownerZones.get(info.ownerUid);
    if (!m) this.ownerZones.set(info.ownerUid, (m = new Map()));
    const n = (m.get(zone) ?? 0) + delta;
    if (n > 0) m.set(zone, n);
    else m.delete(zone);
    if (m.size === 0) this.ownerZones.delete(info.ownerUid);
  }

  /** Non-terminating pods of a controller on nodes labelled with `zone` (topology.kubernetes.io/zone). */
  ownerPodsInZone(ownerUid: string, zone: string): number {
    return this.ownerZones.get(ownerUid)?.get(zone) ?? 0;
  }

  private untrack(info: PodInfo): void {
    this.podsWithRequiredAntiAffinity.delete(info);
    if (info.hasAffinity) this.affinityPods--;
  }

  // --- nominated pods (preemptors waiting for their victims to go) ---

  /** Records that `pod` was nominated to `nodeName` (status.nominatedNodeName). */
  nominate(pod: KubeObject | PodInfo, nodeName: string): void {
    const info = podInfoOf(pod);
    this.removeNomination(info.key);
    if (nodeName === '') return;
    this.nominations.set(info.key, { info, node: nodeName });
    let m = this.nominatedByNode.get(nodeName);
    if (!m) this.nominatedByNode.set(nodeName, (m = new Map()));
    m.set(info.key, info);
  }

  removeNomination(pod: KubeObject | PodInfo | string): void {
    const key = podKeyOf(pod);
    const n = this.nominations.get(key);
    if (!n) return;
    this.nominations.delete(key);
    const m = this.nominatedByNode.get(n.node);
    m?.delete(key);
    if (m && m.size === 0) this.nominatedByNode.delete(n.node);
  }

  /** Pods nominated to `nodeName`. */
  nominatedPods(nodeName: string): readonly PodInfo[] {
    const m = this.nominatedByNode.get(nodeName);
    return m ? [...m.values()] : [];
  }

  get hasNominatedPods(): boolean {
    return this.nominations.size > 0;
  }

  // --- namespaces ---

  setNamespace(ns: KubeObject): void {
    this.nsLabels.set(ns.metadata.name ?? '', namespaceLabelsOf(ns));
  }

  removeNamespace(name: string): void {
    this.nsLabels.delete(name);
  }

  /** Labels of a namespace; undefined when unknown (a non-empty namespaceSelector then fails). */
  namespaceLabels(name: string): Record<string, string> | undefined {
    return this.nsLabels.get(name);
  }
}
