// The Node object a kubelet registers and keeps up to date (kubelet_node_status.go):
// labels kubernetes.io/{hostname,os,arch} (and their beta.kubernetes.io twins), the
// controller-managed attach/detach annotation, podCIDR(s), register-with-taints; status
// with capacity/allocatable, addresses (InternalIP, Hostname), nodeInfo, daemonEndpoints
// and the four kubelet conditions. After registration the status is recomputed every
// nodeStatusUpdateFrequency (10 s) and posted when it differs from the Node in the API
// (e.g. the node lifecycle controller set Ready=Unknown) or every
// nodeStatusReportFrequency (5 min) otherwise, refreshing lastHeartbeatTime.
import { readFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { arch as osArch, release } from 'node:os';
import { isAlreadyExists } from '../client/errors.js';
import type { Client } from '../client/types.js';
import type { GroupVersionResource, KubeObject } from '../machinery/types.js';
import { type Obj, rec, recs, str } from '../resources/shared/access.js';
import { sameJson } from './json.js';
import { metaTime } from './podStatus.js';
import { type ResourceList, runtimeVersionString, type Runtime } from './runtime.js';

export const nodesGVR: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };
export const kubeletVersion = 'v1.33.0-skiff';
export const controlPlaneLabel = 'node-role.kubernetes.io/control-plane';

export interface NodeInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  kubeProxyVersion: string;
  operatingSystem: string;
  architecture: string;
}

export interface NodeConfig {
  name: string;
  /** InternalIP. */
  internalIP: string;
  /** Hostname address (default: the node name). */
  hostname?: string;
  /** Extra labels (merged over the defaults). */
  labels?: Record<string, string>;
  /** Adds node-role.kubernetes.io/control-plane=true (the server's own node). */
  controlPlane?: boolean;
  /** Registered with these taints (kubelet --register-with-taints). */
  taints?: Obj[];
  podCIDR?: string;
  /** Overrides the host's facts (sim nodes, tests). */
  nodeInfo?: Partial<NodeInfo>;
  /** Allocatable, when smaller than capacity (kube/system reservations); default: capacity. */
  allocatable?: ResourceList;
  kubeletPort?: number;
}

function readFirst(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

let hostFacts: Omit<NodeInfo, 'containerRuntimeVersion' | 'kubeletVersion' | 'kubeProxyVersion'> | undefined;

/** GOARCH naming of process.arch. */
export function goArch(a: string = osArch()): string {
  return ({ x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[a] ?? a;
}

/** What the kubelet reads from the machine (cAdvisor's MachineInfo and /etc/os-release), once. */
export function hostNodeInfo(): Omit<NodeInfo, 'containerRuntimeVersion' | 'kubeletVersion' | 'kubeProxyVersion'> {
  if (hostFacts) return hostFacts;
  const osRelease = readFirst('/etc/os-release') ?? '';
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  hostFacts = {
    machineID: readFirst('/etc/machine-id') ?? '',
    systemUUID: readFirst('/sys/class/dmi/id/product_uuid') ?? '',
    bootID: readFirst('/proc/sys/kernel/random/boot_id') ?? randomUUID(),
    kernelVersion: release(),
    osImage: pretty,
    operatingSystem: 'linux',
    architecture: goArch(),
  };
  return hostFacts;
}

/** Stable per-name machine identity for simulated nodes (machine-id style hex, UUID). */
export function simulatedIdentity(name: string): Pick<NodeInfo, 'machineID' | 'systemUUID' | 'bootID'> {
  const h = createHash('sha256').update(`skiff-sim/${name}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return { machineID: h.slice(32, 64), systemUUID: uuid, bootID: randomUUID() };
}

function condition(type: string, status: string, reason: string, message: string, now: number, previous: Obj[]): Obj {
  const prev = previous.find((c) => c.type === type);
  const transition = prev && prev.status === status && str(prev.lastTransitionTime) ? prev.lastTransitionTime : metaTime(now);
  return { type, status, lastHeartbeatTime: metaTime(now), lastTransitionTime: transition, reason, message };
}

/** The kubelet-owned conditions, in the order the kubelet lists them. */
export function nodeConditions(now: number, previous: Obj[], runtimeUp: boolean): Obj[] {
  return [
    condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now, previous),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now, previous),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now, previous),
    runtimeUp
      ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now, previous)
      : condition('Ready', 'False', 'KubeletNotReady', 'container runtime is down', now, previous),
  ];
}

export interface RuntimeFacts {
  capacity: ResourceList;
  /** `<name>://<version>`, or undefined when the runtime does not answer. */
  runtimeVersion?: string;
}

export async function runtimeFacts(runtime: Runtime): Promise<RuntimeFacts> {
  try {
    const [v, capacity] = await Promise.all([runtime.version(), runtime.capacity()]);
    return { capacity, runtimeVersion: runtimeVersionString(v) };
  } catch {
    return { capacity: {} };
  }
}

/** Node.status as the kubelet computes it; `previous` is the Node's current status. */
export function nodeStatus(cfg: NodeConfig, facts: RuntimeFacts, now: number, previous: Obj = {}): Obj {
  const host = hostNodeInfo();
  const prevInfo = rec(previous.nodeInfo) ?? {};
  const nodeInfo: NodeInfo = {
    ...host,
    containerRuntimeVersion: facts.runtimeVersion ?? str(prevInfo.containerRuntimeVersion) ?? '',
    kubeletVersion,
    kubeProxyVersion: '',
    ...cfg.nodeInfo,
  };
  const capacity = Object.keys(facts.capacity).length > 0 ? facts.capacity : (rec(previous.capacity) as ResourceList | undefined) ?? {};
  return {
    capacity,
    allocatable: cfg.allocatable ?? capacity,
    conditions: nodeConditions(now, recs(previous.conditions), facts.runtimeVersion !== undefined),
    addresses: [
      { type: 'InternalIP', address: cfg.internalIP },
      { type: 'Hostname', address: cfg.hostname ?? cfg.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: cfg.kubeletPort ?? 10250 } },
    nodeInfo,
  };
}

/** The default labels (kubelet initialNode) plus the configured ones. */
export function nodeLabels(cfg: NodeConfig): Record<string, string> {
  const os = cfg.nodeInfo?.operatingSystem ?? 'linux';
  const arch = cfg.nodeInfo?.architecture ?? hostNodeInfo().architecture;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': cfg.hostname ?? cfg.name,
    'kubernetes.io/os': os,
  };
  if (cfg.controlPlane) labels[controlPlaneLabel] = 'true';
  return { ...labels, ...cfg.labels };
}

/** The Node the kubelet creates when it registers. */
export function initialNode(cfg: NodeConfig, facts: RuntimeFacts, now: number): KubeObject {
  const spec: Obj = {};
  if (cfg.podCIDR) {
    spec.podCIDR = cfg.podCIDR;
    spec.podCIDRs = [cfg.podCIDR];
  }
  if (cfg.taints?.length) spec.taints = cfg.taints;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.name,
      labels: nodeLabels(cfg),
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec,
    status: nodeStatus(cfg, facts, now),
  };
}

/**
 * registerWithAPIServer: creates the Node; when it already exists (a restart), brings the
 * default labels and a missing podCIDR up to date and returns the stored Node.
 */
export async function registerNode(client: Client, cfg: NodeConfig, facts: RuntimeFacts, now: number): Promise<KubeObject> {
  const node = initialNode(cfg, facts, now);
  try {
    return await client.create(nodesGVR, node, { fieldManager: 'kubelet' });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  const existing = await client.get(nodesGVR, cfg.name);
  const patch: Obj = { metadata: { labels: nodeLabels(cfg) } };
  const spec = rec(existing.spec) ?? {};
  if (cfg.podCIDR && !str(spec.podCIDR)) patch.spec = { podCIDR: cfg.podCIDR, podCIDRs: [cfg.podCIDR] };
  const updated = await client.patch(nodesGVR, cfg.name, patch, { type: 'strategic', fieldManager: 'kubelet' });
  return client.patch(nodesGVR, cfg.name, { status: nodeStatus(cfg, facts, now, rec(updated.status) ?? {}) }, { type: 'strategic', subresource: 'status', fieldManager: 'kubelet' });
}

/** Drops the fields that change on every computation (heartbeat times). */
function comparable(status: Obj): Obj {
  return {
    ...status,
    conditions: recs(status.conditions).map((c) => {
      const { lastHeartbeatTime: _h, ...rest } = c;
      return rest;
    }),
  };
}

/** nodeStatusHasChanged: anything but heartbeat times differs from the Node in the API. */
export function nodeStatusChanged(current: Obj, desired: Obj): boolean {
  const cur = comparable(current);
  const want = comparable(desired);
  for (const k of Object.keys(want)) if (!sameJson(cur[k], want[k])) return true;
  return false;
}

/** Posts Node.status when it changed, or when the report frequency says it is time. */
export class NodeStatusReporter {
  private lastPostAt: number;

  constructor(
    private readonly client: Client,
    readonly cfg: NodeConfig,
    private readonly runtime: Runtime,
    private readonly reportFrequencyMs: number,
    registeredAt: number,
  ) {
    this.lastPostAt = registeredAt;
  }

  /** One nodeStatusUpdateFrequency tick; `current` is the Node as the API has it (if known). */
  async tick(now: number, current: KubeObject | undefined, force = false): Promise<boolean> {
    const previous = rec(current?.status) ?? {};
    const desired = nodeStatus(this.cfg, await runtimeFacts(this.runtime), now, previous);
    if (!force && current && !nodeStatusChanged(previous, desired) && now - this.lastPostAt < this.reportFrequencyMs) return false;
    await this.client.patch(nodesGVR, this.cfg.name, { status: desired }, { type: 'strategic', subresource: 'status', fieldManager: 'kubelet' });
    this.lastPostAt = now;
    return true;
  }
}
