// The seam between the node agent and whatever runs containers. Shaped after CRI v1
// (runtime.v1.RuntimeService / ImageService), the interface a kubelet drives, so the
// containerd client (`cri/`) and the simulated runtime (`sim/`) plug in the same way:
// a pod is a sandbox (network namespace + IP) holding containers; every container
// instance is created for one restart `attempt` and never reused (a restart is a new
// container); the agent, not the runtime, decides restarts, back-off and pod phase.
// Methods are idempotent where CRI's are (stopping a stopped container, removing a
// removed one succeed).
import type { KubeObject } from '../machinery/types.js';

/** CRI ContainerState, lower-cased. */
export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

/** CRI PodSandboxState: READY while its network is set up. */
export type SandboxState = 'ready' | 'notready';

export interface SandboxResult {
  sandboxId: string;
  /** Absent for runtimes without pod networking; host network pods get the node's IP. */
  podIP?: string;
}

/** CRI ContainerStatus, with times as milliseconds since the epoch. */
export interface ContainerStatus {
  id: string;
  state: ContainerState;
  exitCode?: number;
  /** e.g. Completed, Error, OOMKilled (CRI's reason for an exited container). */
  reason?: string;
  message?: string;
  createdAt?: number;
  startedAt?: number;
  finishedAt?: number;
  /** The attempt it was created for (the pod's restartCount for this container). */
  restartCount?: number;
  /** The image as the runtime resolved it, e.g. docker.io/library/nginx:1.14.2. */
  image?: string;
  /** The image digest reference, e.g. docker.io/library/nginx@sha256:…. */
  imageRef?: string;
}

/** One sandbox as ListPodSandbox reports it: enough to adopt it after an agent restart. */
export interface SandboxInfo {
  id: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  attempt: number;
  state: SandboxState;
  createdAt: number;
  podIP?: string;
}

/** One container as ListContainers reports it (labels carry pod uid and container name). */
export interface ContainerInfo {
  id: string;
  sandboxId: string;
  podUid: string;
  /** The container's name in the pod spec. */
  name: string;
  attempt: number;
  state: ContainerState;
  createdAt: number;
}

/** CRI VersionResponse; the node reports `<runtimeName>://<runtimeVersion>`. */
export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
}

/** A change the runtime noticed by itself (CRI GetContainerEvents), e.g. a process exiting. */
export interface RuntimeEvent {
  type: 'created' | 'started' | 'stopped' | 'deleted';
  containerId: string;
  sandboxId: string;
  podUid: string;
}

/** CRI ExecSyncResponse, plus whether the command outran its timeout. */
export interface ExecResult { exitCode: number; stdout: Buffer; stderr: Buffer; timedOut: boolean }

/** The CRI calls behind probes, hooks and kubectl logs/exec/attach/port-forward. */
export interface StreamingRuntime {
  /** CRI ExecSync (exec probes, preStop exec hooks). */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult>;
  /** CRI Exec/Attach/PortForward: one-time URL on the runtime's streaming server. */
  execUrl(containerId: string, req: { cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string>;
  attachUrl(containerId: string, req: { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string>;
  portForwardUrl(sandboxId: string, ports: number[]): Promise<string>;
  /** Where CRI writes this container instance's log (CRI log format). */
  containerLogPath(pod: KubeObject, containerName: string, attempt: number): string;
}

/** A resource list as Node.status.capacity carries it (quantities as strings). */
export type ResourceList = Record<string, string>;

export interface Runtime {
  version(): Promise<RuntimeVersion>;
  /** The node's capacity (cpu, memory, ephemeral-storage, pods, …) for Node.status. */
  capacity(): Promise<ResourceList>;

  /** RunPodSandbox: creates and starts the pod's sandbox and sets up its network. */
  runPodSandbox(pod: KubeObject, attempt?: number): Promise<SandboxResult>;
  /** StopPodSandbox: stops every container in it (forcibly) and tears its network down (releases the IP). */
  stopPodSandbox(sandboxId: string): Promise<void>;
  /** RemovePodSandbox: removes it and any containers left in it. */
  removePodSandbox(sandboxId: string): Promise<void>;

  /** ImageStatus: the image's digest reference when present on the node. */
  imageStatus(image: string): Promise<string | undefined>;
  /** PullImage: fetches the image (using the pod's pull secrets); returns its reference. */
  pullImage(image: string, pod: KubeObject): Promise<string>;

  /** CreateContainer for one restart attempt of the named container of `pod`. */
  createContainer(sandboxId: string, pod: KubeObject, container: Record<string, unknown>, attempt: number): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** StopContainer: SIGTERM, then SIGKILL after `timeoutSeconds`; resolves once it has exited. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  /** ContainerStatus; undefined when no such container exists (CRI NotFound). */
  containerStatus(containerId: string): Promise<ContainerStatus | undefined>;

  listPodSandboxes(): Promise<SandboxInfo[]>;
  listContainers(filter?: { sandboxId?: string }): Promise<ContainerInfo[]>;

  /**
   * Evented PLEG: calls `listener` whenever a container changes on its own. Runtimes
   * without it are polled (the agent re-checks pods with live containers every relist period).
   */
  subscribe?(listener: (event: RuntimeEvent) => void): () => void;

  /** Exec, attach, port-forward and log paths; unset for runtimes without processes (sim). */
  streaming?: StreamingRuntime;
}

/** `containerd://1.7.2`, as Node.status.nodeInfo.containerRuntimeVersion shows it. */
export function runtimeVersionString(v: RuntimeVersion): string {
  return `${v.runtimeName}://${v.runtimeVersion}`;
}
