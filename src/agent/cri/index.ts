// The CRI runtime: containerd started (or adopted) as skiff's child, and the agent's Runtime
// over CRI v1. gRPC details stay inside this folder.
/** The CRI message shapes (snake_case, as on the wire), e.g. `CriApi.PodSandboxConfig`. */
export type * as CriApi from './api.js';
export { CriClient, CriError, isCriDeadlineExceeded, isCriNotFound, defaultCriTimeoutMs, type CriClientOptions } from './criClient.js';
export {
  containerdConfig, cniConflist, killShims, MissingDependencyError, removeAllSandboxes, removeDataDir, startContainerd, type ContainerdOptions, type RunningContainerd,
} from './containerd.js';
export { superviseContainerd, type SupervisedContainerd, type SupervisorTiming } from './containerdSupervisor.js';
export { CriRuntime, containerLogPath, type CriRuntimeOptions } from './criRuntime.js';
export { mountsUnder, unmountUnder } from './mounts.js';
export { removePodCgroups } from './cgroups.js';
export { podCgroupParent, podDnsConfig, podLogDirectory, podSandboxConfig, parseResolvConf, qosClassOf, type SandboxConfigOptions } from './sandboxConfig.js';
export { containerConfig, containerOOMScoreAdj, containerResources, containerSecurityContext, milliCPUToQuota, milliCPUToShares } from './containerConfig.js';
export { credentialsFor, keyMatchesImage, keyringKey } from './pullSecrets.js';
