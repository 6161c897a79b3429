// The simulated runtime (the KWOK idea): sandboxes and containers are records, not
// processes. A sandbox takes an IP from the node's pod CIDR; a container "runs" the moment
// it is started and, depending on the pod, exits by itself later:
//   - restartPolicy Never/OnFailure: exit 0 after `completeAfterMs` (default 1 s);
//   - init containers: exit 0 after `initCompleteAfterMs` (default 0: the next tick);
//   - restartable init containers (sidecars) and restartPolicy Always: run until stopped;
//   - annotations (./annotations.ts): sim-fail (exit 1), sim-crashloop (exit 1 after
//     `crashAfterMs`, every attempt), sim-exit-code N, sim-run-ms N, sim-stop-ms N.
// Exits are announced through `subscribe` (CRI container events), so the agent reacts
// without polling. All timing runs on the injected clock.
import { createHash } from 'node:crypto';
import { realClock, sleep, type Clock, type TimerHandle } from '../../client/clock.js';
import type { KubeObject } from '../../machinery/types.js';
import { rec, recs, str } from '../../resources/shared/access.js';
import { normalizeImage, parseImageName } from '../imageName.js';
import type {
  ContainerInfo, ContainerStatus, ResourceList, Runtime, RuntimeEvent, RuntimeVersion, SandboxInfo, SandboxResult,
} from '../runtime.js';
import { flagApplies, intAnnotation, SIM_CRASHLOOP, SIM_EXIT_CODE, SIM_FAIL, SIM_RUN_MS, SIM_STOP_MS } from './annotations.js';
import { IpPool } from './ipam.js';

export interface SimRuntimeOptions {
  /** The node's pod CIDR, e.g. 10.42.3.0/24. */
  podCIDR: string;
  /** The node's IP (host-network pods get it). */
  hostIP: string;
  clock?: Clock;
  /** Makes container and sandbox ids unique across simulated nodes (e.g. the node name). */
  idSeed?: string;
  capacity?: ResourceList;
  completeAfterMs?: number;
  initCompleteAfterMs?: number;
  crashAfterMs?: number;
  runtimeVersion?: string;
}

export const defaultSimCapacity: ResourceList = { cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi', pods: '110' };

interface Sandbox {
  id: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  attempt: number;
  state: 'ready' | 'notready';
  createdAt: number;
  ip?: string;
  ownsIP: boolean;
}

interface Container extends ContainerInfo {
  image: string;
  imageRef: string;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  /** When it exits by itself after starting, and with which code. */
  exitAfterMs?: number;
  plannedExitCode: number;
  stopMs: number;
  timer?: TimerHandle;
}

function imageRefOf(image: string): string {
  const n = parseImageName(image);
  return `${n.repository}@sha256:${createHash('sha256').update(normalizeImage(image)).digest('hex')}`;
}

const reasonFor = (code: number): string => (code === 0 ? 'Completed' : 'Error');

export class SimRuntime implements Runtime {
  readonly podCIDR: string;
  readonly hostIP: string;
  private readonly clock: Clock;
  private readonly pool: IpPool;
  private readonly seed: string;
  private seq = 0;
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private readonly capacityList: ResourceList;
  private readonly completeAfterMs: number;
  private readonly initCompleteAfterMs: number;
  private readonly crashAfterMs: number;
  private readonly runtimeVersion: string;

  constructor(opts: SimRuntimeOptions) {
    this.podCIDR = opts.podCIDR;
    this.hostIP = opts.hostIP;
    this.clock = opts.clock ?? realClock;
    this.pool = new IpPool(opts.podCIDR);
    this.seed = opts.idSeed ?? opts.podCIDR;
    this.capacityList = { ...(opts.capacity ?? defaultSimCapacity) };
    this.completeAfterMs = opts.completeAfterMs ?? 1000;
    this.initCompleteAfterMs = opts.initCompleteAfterMs ?? 0;
    this.crashAfterMs = opts.crashAfterMs ?? 1000;
    this.runtimeVersion = opts.runtimeVersion ?? '0.1.0';
  }

  /** Pod IPs handed out and not released (for tests and metrics). */
  get ipsInUse(): number {
    return this.pool.inUse;
  }

  private newId(): string {
    return createHash('sha256').update(`${this.seed}/${++this.seq}`).digest('hex');
  }

  private emit(type: RuntimeEvent['type'], c: Container): void {
    const ev: RuntimeEvent = { type, containerId: c.id, sandboxId: c.sandboxId, podUid: c.podUid };
    for (const l of this.listeners) l(ev);
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'sim', runtimeVersion: this.runtimeVersion };
  }

  async capacity(): Promise<ResourceList> {
    return { ...this.capacityList };
  }

  async runPodSandbox(pod: KubeObject, attempt = 0): Promise<SandboxResult> {
    const hostNetwork = rec(pod.spec)?.hostNetwork === true;
    const ip = hostNetwork ? this.hostIP : this.pool.allocate();
    const sb: Sandbox = {
      id: this.newId(),
      podUid: pod.metadata.uid ?? '',
      podName: pod.metadata.name ?? '',
      podNamespace: pod.metadata.namespace ?? '',
      attempt,
      state: 'ready',
      createdAt: this.clock.now(),
      ip,
      ownsIP: !hostNetwork,
    };
    this.sandboxes.set(sb.id, sb);
    return { sandboxId: sb.id, podIP: ip };
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return;
    for (const c of this.containers.values()) if (c.sandboxId === sandboxId && c.state === 'running') this.exit(c, 137, 'Error', false);
    if (sb.state === 'ready' && sb.ownsIP && sb.ip) this.pool.release(sb.ip);
    sb.state = 'notready';
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    await this.stopPodSandbox(sandboxId);
    for (const c of [...this.containers.values()]) if (c.sandboxId === sandboxId) await this.removeContainer(c.id);
    this.sandboxes.delete(sandboxId);
  }

  async imageStatus(image: string): Promise<string | undefined> {
    return imageRefOf(image);
  }

  async pullImage(image: string): Promise<string> {
    return imageRefOf(image);
  }

  async createContainer(sandboxId: string, pod: KubeObject, container: Record<string, unknown>, attempt: number): Promise<string> {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb || sb.state !== 'ready') throw new Error(`failed to create containerd container: sandbox ${sandboxId} is not ready`);
    const name = str(container.name) ?? '';
    const spec = rec(pod.spec) ?? {};
    const isInit = recs(spec.initContainers).some((c) => c.name === name);
    const image = str(container.image) ?? '';
    const c: Container = {
      id: this.newId(),
      sandboxId,
      podUid: sb.podUid,
      name,
      attempt,
      state: 'created',
      image: normalizeImage(image),
      imageRef: imageRefOf(image),
      createdAt: this.clock.now(),
      plannedExitCode: 0,
      stopMs: intAnnotation(pod, SIM_STOP_MS) ?? 0,
    };
    this.plan(c, pod, container, isInit);
    this.containers.set(c.id, c);
    this.emit('created', c);
    return c.id;
  }

  /** Decides whether and when the container exits by itself, and with which code. */
  private plan(c: Container, pod: KubeObject, spec: Record<string, unknown>, isInit: boolean): void {
    const sidecar = isInit && spec.restartPolicy === 'Always';
    const policy = str(rec(pod.spec)?.restartPolicy) ?? 'Always';
    const exitCode = intAnnotation(pod, SIM_EXIT_CODE);
    const runMs = intAnnotation(pod, SIM_RUN_MS);
    if (flagApplies(pod, SIM_CRASHLOOP, c.name, isInit)) {
      c.exitAfterMs = this.crashAfterMs;
      c.plannedExitCode = exitCode && !isInit ? exitCode : 1;
    } else if (flagApplies(pod, SIM_FAIL, c.name, isInit)) {
      c.exitAfterMs = isInit ? this.initCompleteAfterMs : (runMs ?? this.completeAfterMs);
      c.plannedExitCode = exitCode && !isInit ? exitCode : 1;
    } else if (sidecar) {
      // runs until the pod stops
    } else if (isInit) {
      c.exitAfterMs = this.initCompleteAfterMs;
    } else if (exitCode !== undefined) {
      c.exitAfterMs = runMs ?? this.completeAfterMs;
      c.plannedExitCode = exitCode;
    } else if (runMs !== undefined) {
      c.exitAfterMs = runMs;
    } else if (policy !== 'Always') {
      c.exitAfterMs = this.completeAfterMs;
    }
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) throw new Error(`container "${containerId}" not found`);
    if (c.state !== 'created') throw new Error(`container "${containerId}" is in ${c.state} state, not created`);
    c.state = 'running';
    c.startedAt = this.clock.now();
    this.emit('started', c);
    if (c.exitAfterMs !== undefined) {
      c.timer = this.clock.setTimeout(() => {
        c.timer = undefined;
        if (c.state === 'running') this.exit(c, c.plannedExitCode, reasonFor(c.plannedExitCode), true);
      }, c.exitAfterMs);
    }
  }

  private exit(c: Container, code: number, reason: string, announce: boolean): void {
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    c.timer = undefined;
    c.state = 'exited';
    c.exitCode = code;
    c.reason = reason;
    c.finishedAt = this.clock.now();
    if (announce) this.emit('stopped', c);
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c || c.state !== 'running') return;
    const timeoutMs = Math.max(0, timeoutSeconds) * 1000;
    if (c.stopMs > 0) await sleep(this.clock, Math.min(c.stopMs, timeoutMs));
    if (c.state !== 'running') return;
    // A process that handles SIGTERM exits 0; one that ignores it is SIGKILLed (137) at the
    // deadline; without sim-stop-ms it dies of the SIGTERM itself (128 + 15).
    if (c.stopMs > 0) this.exit(c, c.stopMs <= timeoutMs ? 0 : 137, c.stopMs <= timeoutMs ? 'Completed' : 'Error', false);
    else this.exit(c, 143, 'Error', false);
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    this.containers.delete(containerId);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    const s: ContainerStatus = { id: c.id, state: c.state, createdAt: c.createdAt, restartCount: c.attempt, image: c.image, imageRef: c.imageRef };
    if (c.startedAt !== undefined) s.startedAt = c.startedAt;
    if (c.finishedAt !== undefined) s.finishedAt = c.finishedAt;
    if (c.exitCode !== undefined) s.exitCode = c.exitCode;
    if (c.reason !== undefined) s.reason = c.reason;
    return s;
  }

  async listPodSandboxes(): Promise<SandboxInfo[]> {
    return [...this.sandboxes.values()].map((sb) => {
      const info: SandboxInfo = { id: sb.id, podUid: sb.podUid, podName: sb.podName, podNamespace: sb.podNamespace, attempt: sb.attempt, state: sb.state, createdAt: sb.createdAt };
      if (sb.ip) info.podIP = sb.ip;
      return info;
    });
  }

  async listContainers(filter: { sandboxId?: string } = {}): Promise<ContainerInfo[]> {
    const out: ContainerInfo[] = [];
    for (const c of this.containers.values()) {
      if (filter.sandboxId && c.sandboxId !== filter.sandboxId) continue;
      out.push({ id: c.id, sandboxId: c.sandboxId, podUid: c.podUid, name: c.name, attempt: c.attempt, state: c.state, createdAt: c.createdAt });
    }
    return out;
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every timer (the node is going away). */
  close(): void {
    for (const c of this.containers.values()) if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    this.listeners.clear();
  }
}
