// NodeInfo: one node and the pods on it, with the running sums the filters and scores read
// (framework.NodeInfo): allocatable, requested, non-zero requested, used host ports, and
// per-owner pod counts so default spreading is O(1) per node.
import type { KubeObject } from '../machinery/types.js';
import { record, str, stringMap } from '../machinery/jsonAccess.js';
import { parseTaints, type Taint } from '../machinery/nodeMatching.js';
import { emptyResource, resourceAmount, type PodInfo, type Resource } from './podInfo.js';

export interface Allocatable extends Resource {
  /** status.allocatable.pods (AllowedPodNumber). */
  pods: number;
}

// A literal (not a spread) keeps these objects in V8's fast-property mode; spread copies
// measured ~4× slower to read in the per-node filter loop.
const emptyAllocatable = (): Allocatable => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined, pods: 0 });

function parseAllocatable(node: KubeObject): Allocatable {
  const a = emptyAllocatable();
  const list = record(record(node.status)?.allocatable);
  if (!list) return a;
  for (const [k, v] of Object.entries(list)) {
    const amount = resourceAmount(k, v);
    if (k === 'cpu') a.milliCPU = amount;
    else if (k === 'memory') a.memory = amount;
    else if (k === 'ephemeral-storage') a.ephemeralStorage = amount;
    else if (k === 'pods') a.pods = amount;
    else (a.scalar ??= new Map()).set(k, amount);
  }
  return a;
}

const portKey = (protocol: string, port: number): string => `${protocol}/${port}`;

export class NodeInfo {
  /** Undefined for a "ghost" entry: pods are bound to a node the snapshot has not seen (yet). */
  node: KubeObject | undefined;
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  /** Some taint has effect PreferNoSchedule (TaintToleration scoring has work). */
  hasPreferNoScheduleTaints = false;
  allocatable: Allocatable = emptyAllocatable();
  readonly requested: Resource = emptyResource();
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 };
  readonly pods = new Map<string, PodInfo>();
  /** protocol/port → host IP → number of pods using it (HostPortInfo). */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** controller owner UID → non-terminating pods of it here. */
  readonly ownerCounts = new Map<string, number>();
  /** Pods here with any pod (anti-)affinity. */
  podsWithAffinity = 0;

  constructor(readonly name: string, node?: KubeObject) {
    if (node) this.setNode(node);
  }

  setNode(node: KubeObject): void {
    this.node = node;
    this.labels = stringMap(node.metadata.labels);
    const spec = record(node.spec);
    this.taints = parseTaints(spec?.taints);
    this.unschedulable = spec?.unschedulable === true;
    this.hasPreferNoScheduleTaints = this.taints.some((t) => t.effect === 'PreferNoSchedule');
    this.allocatable = parseAllocatable(node);
  }

  addPod(pi: PodInfo): void {
    const old = this.pods.get(pi.key);
    if (old) this.removePod(old);
    this.pods.set(pi.key, pi);
    this.account(pi, 1);
  }

  /** Removes the pod stored under `pi.key` (whatever version of it is stored). */
  removePod(pi: PodInfo | string): boolean {
    const key = typeof pi === 'string' ? pi : pi.key;
    const stored = this.pods.get(key);
    if (!stored) return false;
    this.pods.delete(key);
    this.account(stored, -1);
    return true;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    const r = pi.requests;
    this.requested.milliCPU += sign * r.milliCPU;
    this.requested.memory += sign * r.memory;
    this.requested.ephemeralStorage += sign * r.ephemeralStorage;
    if (r.scalar) {
      const s = (this.requested.scalar ??= new Map());
      for (const [k, v] of r.scalar) s.set(k, (s.get(k) ?? 0) + sign * v);
    }
    this.nonZeroRequested.milliCPU += sign * pi.nonZeroCPU;
    this.nonZeroRequested.memory += sign * pi.nonZeroMemory;
    for (const hp of pi.hostPorts) {
      const pk = portKey(hp.protocol, hp.port);
      let ips = this.usedPorts.get(pk);
      if (!ips) this.usedPorts.set(pk, (ips = new Map()));
      const n = (ips.get(hp.ip) ?? 0) + sign;
      if (n > 0) ips.set(hp.ip, n);
      else ips.delete(hp.ip);
      if (ips.size === 0) this.usedPorts.delete(pk);
    }
    if (pi.ownerUid && !pi.terminating) {
      const n = (this.ownerCounts.get(pi.ownerUid) ?? 0) + sign;
      if (n > 0) this.ownerCounts.set(pi.ownerUid, n);
      else this.ownerCounts.delete(pi.ownerUid);
    }
    if (pi.hasAffinity) this.podsWithAffinity += sign;
  }

  /**
   * HostPortInfo.CheckConflict: 0.0.0.0 conflicts with the port on any IP, and any IP
   * conflicts with a 0.0.0.0 binding of the port.
   */
  portConflicts(ip: string, protocol: string, port: number): boolean {
    if (port <= 0) return false;
    const ips = this.usedPorts.get(portKey(protocol || 'TCP', port));
    if (!ips) return false;
    const want = ip || '0.0.0.0';
    if (want === '0.0.0.0') return ips.size > 0;
    return ips.has('0.0.0.0') || ips.has(want);
  }

  /** A copy whose pod set and sums can change without touching this one (preemption dry runs). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.hasPreferNoScheduleTaints = this.hasPreferNoScheduleTaints;
    c.allocatable = this.allocatable;
    for (const pi of this.pods.values()) c.addPod(pi);
    return c;
  }
}

/** The node's name label value used for hostname spreading and pod placement. */
export const hostnameLabel = 'kubernetes.io/hostname';
export const zoneLabel = 'topology.kubernetes.io/zone';

export const nodeNameOf = (node: KubeObject): string => str(node.metadata.name) ?? '';
