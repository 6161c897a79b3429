// The node agent's entry points. `startAgent` runs one node (the server's own, or a
// `skiff agent`) over any Runtime; `startSimNodes` runs N simulated nodes in this process
// as cheaply as the API allows: one pod watch and one node watch for all of them, Lease
// renewals and status checks batched on timers spread over their periods, and a SimRuntime
// per node handing out pod IPs from that node's /24 of the cluster CIDR.
import { realClock, type Clock } from '../client/clock.js';
import type { Client } from '../client/types.js';
import type { Obj } from '../resources/shared/access.js';
import { type NodeConfig, simulatedIdentity } from './node.js';
import { startNodeSet, type NodeTiming } from './nodeSet.js';
import { assumedProber, type Prober } from './prober.js';
import type { ResourceList, Runtime } from './runtime.js';
import { hostAddress, nodeSubnet } from './sim/ipam.js';
import { simProber } from './sim/simProber.js';
import { defaultSimCapacity, SimRuntime, type SimRuntimeOptions } from './sim/simRuntime.js';

export interface AgentOptions extends NodeTiming, Omit<NodeConfig, 'name'> {
  /** Record the kubelet's pod Events (default true). */
  recordEvents?: boolean;
  onError?: (what: string, err: unknown) => void;
}

export interface StartAgentParams {
  client: Client;
  nodeName: string;
  runtime: Runtime;
  clock?: Clock;
  /** Readiness/startup results (default: probes assumed to pass after their initial delay). */
  prober?: Prober;
  options: AgentOptions;
}

export interface RunningAgent {
  nodeName: string;
  /** Resolves once the Node is registered and its Lease exists. */
  registered: Promise<void>;
  stop(): Promise<void>;
}

export function startAgent(params: StartAgentParams): RunningAgent {
  const { client, nodeName, runtime, options } = params;
  const { onError, recordEvents, leaseDurationSeconds, leaseRenewIntervalMs, nodeStatusUpdateFrequencyMs, nodeStatusReportFrequencyMs, podWorkers, relistPeriodMs, backoffInitialMs, backoffMaxMs, reportContainerCreating, ...cfg } = options;
  const set = startNodeSet({
    client,
    clock: params.clock ?? realClock,
    nodes: [{ cfg: { ...cfg, name: nodeName }, runtime, prober: params.prober ?? assumedProber }],
    podFieldSelector: `spec.nodeName=${nodeName}`,
    nodeFieldSelector: `metadata.name=${nodeName}`,
    leaseDurationSeconds,
    leaseRenewIntervalMs,
    nodeStatusUpdateFrequencyMs,
    nodeStatusReportFrequencyMs,
    podWorkers,
    relistPeriodMs,
    backoffInitialMs,
    backoffMaxMs,
    reportContainerCreating,
    recordEvents: recordEvents ?? true,
    onError,
  });
  return { nodeName, registered: set.registered, stop: () => set.stop() };
}

export interface StartSimNodesParams extends NodeTiming {
  client: Client;
  count: number;
  /** Node names are `<namePrefix><i>` (default `sim-node-`). */
  namePrefix?: string;
  /** Index of the first node: its name suffix and its slot in the cluster CIDR (default 0). */
  firstIndex?: number;
  capacity?: ResourceList;
  labels?: Record<string, string>;
  taints?: Obj[];
  clock?: Clock;
  /** Pod CIDRs are cut from here, one per node (default 10.42.0.0/16 with /24s: 256 nodes). */
  clusterCIDR?: string;
  nodeCIDRMaskSize?: number;
  /** Node InternalIPs are taken from here in index order (default 172.16.0.0/12). */
  nodeIPRange?: string;
  /** SimRuntime timing (completeAfterMs, initCompleteAfterMs, crashAfterMs). */
  sim?: Pick<SimRuntimeOptions, 'completeAfterMs' | 'initCompleteAfterMs' | 'crashAfterMs' | 'runtimeVersion'>;
  /** Record the kubelet's pod Events (default false: at thousands of pods they double the writes). */
  recordEvents?: boolean;
  onError?: (what: string, err: unknown) => void;
}

export interface SimNodes {
  /** Node names, in index order. */
  names: string[];
  registered: Promise<void>;
  runtime(name: string): SimRuntime | undefined;
  /** Simulates losing the node: no Lease renewals, no status posts, no pod syncs. */
  disconnect(name: string): void;
  /** Ends a disconnect: renews the Lease and posts status at once, then syncs its pods. */
  reconnect(name: string): void;
  stop(): Promise<void>;
}

export function startSimNodes(params: StartSimNodesParams): SimNodes {
  const clock = params.clock ?? realClock;
  const prefix = params.namePrefix ?? 'sim-node-';
  const first = params.firstIndex ?? 0;
  const clusterCIDR = params.clusterCIDR ?? '10.42.0.0/16';
  const mask = params.nodeCIDRMaskSize ?? 24;
  const ipRange = params.nodeIPRange ?? '172.16.0.0/12';
  const runtimes = new Map<string, SimRuntime>();
  const names: string[] = [];
  const nodes = [];
  for (let i = first; i < first + params.count; i++) {
    const name = `${prefix}${i}`;
    const podCIDR = nodeSubnet(clusterCIDR, mask, i);
    const internalIP = hostAddress(ipRange, i);
    const runtime = new SimRuntime({ podCIDR, hostIP: internalIP, clock, idSeed: name, capacity: params.capacity ?? defaultSimCapacity, ...params.sim });
    runtimes.set(name, runtime);
    names.push(name);
    const cfg: NodeConfig = {
      name,
      internalIP,
      podCIDR,
      labels: params.labels,
      nodeInfo: { ...simulatedIdentity(name), architecture: 'amd64', operatingSystem: 'linux' },
    };
    if (params.taints) cfg.taints = params.taints;
    nodes.push({ cfg, runtime, prober: simProber });
  }
  const set = startNodeSet({
    client: params.client,
    clock,
    nodes,
    podFieldSelector: 'spec.nodeName!=',
    leaseDurationSeconds: params.leaseDurationSeconds,
    leaseRenewIntervalMs: params.leaseRenewIntervalMs,
    nodeStatusUpdateFrequencyMs: params.nodeStatusUpdateFrequencyMs,
    nodeStatusReportFrequencyMs: params.nodeStatusReportFrequencyMs,
    podWorkers: params.podWorkers ?? 64,
    relistPeriodMs: params.relistPeriodMs,
    backoffInitialMs: params.backoffInitialMs,
    backoffMaxMs: params.backoffMaxMs,
    reportContainerCreating: params.reportContainerCreating,
    recordEvents: params.recordEvents ?? false,
    onError: params.onError,
  });
  return {
    names,
    registered: set.registered,
    runtime: (name) => runtimes.get(name),
    disconnect: (name) => set.setConnected(name, false),
    reconnect: (name) => set.setConnected(name, true),
    async stop(): Promise<void> {
      await set.stop();
      for (const r of runtimes.values()) r.close();
    },
  };
}
