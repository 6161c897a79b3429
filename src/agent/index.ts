// The node agent's public surface, for the composition root (src/server) and the CRI runtime.
export { startAgent, startSimNodes, type AgentOptions, type RunningAgent, type SimNodes, type StartAgentParams, type StartSimNodesParams } from './agent.js';
export type { NodeTiming } from './nodeSet.js';
export { kubeletVersion, controlPlaneLabel, nodesGVR, type NodeConfig, type NodeInfo } from './node.js';
export { nodeLeaseNamespace } from './lease.js';
export { assumedProber, type ProbeInput, type ProbeVerdict, type Prober } from './prober.js';
export { podsGVR } from './podWorkers.js';
export { normalizeImage, parseImageName } from './imageName.js';
export {
  runtimeVersionString, type ContainerInfo, type ContainerState, type ContainerStatus, type ResourceList, type Runtime, type RuntimeEvent,
  type RuntimeVersion, type SandboxInfo, type SandboxResult, type SandboxState,
} from './runtime.js';
export { defaultSimCapacity, SimRuntime, type SimRuntimeOptions } from './sim/simRuntime.js';
export { simProber } from './sim/simProber.js';
export { hostAddress, IpPool, nodeSubnet } from './sim/ipam.js';
export { SIM_CRASHLOOP, SIM_EXIT_CODE, SIM_FAIL, SIM_RUN_MS, SIM_STOP_MS, SIM_UNREADY } from './sim/annotations.js';
