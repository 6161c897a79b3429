// A typed promise wrapper over CRI runtime.v1 (RuntimeService + ImageService) on one gRPC
// channel to a unix socket. Every call carries a deadline, like the kubelet's remote runtime
// client (runtime-request-timeout, 2 minutes by default). Failures become CriError carrying
// the gRPC code and the runtime's description only, since the kubelet reports
// `status.Message()` (not "rpc error: code = … desc = …") in events and waiting reasons.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type {
  AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatusResponse, ExecSyncResponse, Image, ImageFsInfoResponse,
  PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStatusResponse, StatusResponse, VersionResponse,
} from './api.js';
import type { SandboxInfo } from '../runtime.js';
import { criProtoText } from './criProto.js';
import { sandboxInfoOf } from './convert.js';

/** The kubelet's default --runtime-request-timeout. */
export const defaultCriTimeoutMs = 2 * 60_000;
/** Pulls may take long; the kubelet bounds them by progress, we by a generous deadline. */
export const pullTimeoutMs = 30 * 60_000;

// grpc-go's codes.Code String() names, as the kubelet prints them.
const codeNames = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

export class CriError extends Error {
  constructor(
    readonly method: string,
    /** gRPC status code (grpc.status). */
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CriError';
  }

  /** The Go client's error text, `rpc error: code = NotFound desc = …` (what the kubelet shows for pull failures). */
  get goText(): string {
    return `rpc error: code = ${codeNames[this.code] ?? `Code(${this.code})`} desc = ${this.message}`;
  }
}

export function isCriNotFound(e: unknown): boolean {
  return e instanceof CriError && e.code === grpc.status.NOT_FOUND;
}

export function isCriDeadlineExceeded(e: unknown): boolean {
  return e instanceof CriError && e.code === grpc.status.DEADLINE_EXCEEDED;
}

type UnaryCallback = (err: grpc.ServiceError | null, res: unknown) => void;
type UnaryMethod = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: UnaryCallback) => grpc.ClientUnaryCall;
type ServiceCtor = new (address: string, creds: grpc.ChannelCredentials, opts?: grpc.ClientOptions) => grpc.Client;

let services: { runtime: ServiceCtor; image: ServiceCtor } | undefined;

function loadServices(): { runtime: ServiceCtor; image: ServiceCtor } {
  if (services) return services;
  const parsed = protobuf.parse(criProtoText, { keepCase: true });
  const def = protoLoader.fromJSON(parsed.root.toJSON(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: ServiceCtor; ImageService: ServiceCtor } } };
  services = { runtime: pkg.runtime.v1.RuntimeService, image: pkg.runtime.v1.ImageService };
  return services;
}

/** `unix:///abs/path` for a socket path; other targets (unix:…, dns:…) unchanged. */
export function grpcTarget(endpoint: string): string {
  if (/^[a-z]+:/.test(endpoint)) return endpoint;
  return `unix://${endpoint}`;
}

export interface CriClientOptions {
  /** Per-call deadline unless a method says otherwise (default 2 minutes). */
  timeoutMs?: number;
}

export class CriClient {
  readonly endpoint: string;
  private readonly runtime: grpc.Client;
  private readonly image: grpc.Client;
  private readonly timeoutMs: number;

  constructor(endpoint: string, opts: CriClientOptions = {}) {
    const s = loadServices();
    this.endpoint = endpoint;
    this.timeoutMs = opts.timeoutMs ?? defaultCriTimeoutMs;
    // ExecSync may return up to 16 MiB on each of stdout and stderr (CVE-2022-1708 cap).
    const channelOpts: grpc.ClientOptions = { 'grpc.max_receive_message_length': 64 << 20, 'grpc.max_send_message_length': 16 << 20 };
    this.runtime = new s.runtime(grpcTarget(endpoint), grpc.credentials.createInsecure(), channelOpts);
    this.image = new s.image(grpcTarget(endpoint), grpc.credentials.createInsecure(), { ...channelOpts, channelOverride: this.runtime.getChannel() });
  }

  private call<T>(svc: grpc.Client, method: string, req: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const fn = (svc as unknown as Record<string, UnaryMethod>)[method];
    return new Promise<T>((resolve, reject) => {
      fn.call(svc, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(new CriError(method, err.code, err.details || err.message));
        else resolve(res as T);
      });
    });
  }

  close(): void {
    this.image.close();
    this.runtime.close();
  }

  // RuntimeService

  version(timeoutMs?: number): Promise<VersionResponse> {
    return this.call(this.runtime, 'Version', { version: 'v1' }, timeoutMs);
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const r = await this.call<{ pod_sandbox_id: string }>(this.runtime, 'RunPodSandbox', { config, runtime_handler: runtimeHandler });
    return r.pod_sandbox_id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { pod_sandbox_id: podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { pod_sandbox_id: podSandboxId });
  }

  podSandboxStatus(podSandboxId: string, verbose = false): Promise<PodSandboxStatusResponse> {
    return this.call(this.runtime, 'PodSandboxStatus', { pod_sandbox_id: podSandboxId, verbose });
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const r = await this.call<{ items: PodSandbox[] }>(this.runtime, 'ListPodSandbox', filter ? { filter } : {});
    return r.items;
  }

  /** ListPodSandbox in the agent's terms (without pod IPs: those need PodSandboxStatus per sandbox). */
  async listPodSandboxes(filter?: PodSandboxFilter): Promise<SandboxInfo[]> {
    return (await this.listPodSandbox(filter)).map(sandboxInfoOf);
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const r = await this.call<{ container_id: string }>(this.runtime, 'CreateContainer', { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig });
    return r.container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { container_id: containerId });
  }

  /** StopContainer: the deadline covers the grace period, as the kubelet's does (timeout + request timeout). */
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.call(this.runtime, 'StopContainer', { container_id: containerId, timeout: String(timeoutSeconds) }, this.timeoutMs + timeoutSeconds * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'RemoveContainer', { container_id: containerId });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const r = await this.call<{ containers: Container[] }>(this.runtime, 'ListContainers', filter ? { filter } : {});
    return r.containers;
  }

  containerStatus(containerId: string, verbose = false): Promise<ContainerStatusResponse> {
    return this.call(this.runtime, 'ContainerStatus', { container_id: containerId, verbose });
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call(this.runtime, 'ReopenContainerLog', { container_id: containerId });
  }

  /** ExecSync; `timeoutSeconds` 0 runs without limit (the gRPC deadline then is the request timeout plus a day). */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    const deadline = this.timeoutMs + (timeoutSeconds > 0 ? timeoutSeconds * 1000 : 24 * 3600_000);
    return this.call(this.runtime, 'ExecSync', { container_id: containerId, cmd, timeout: String(timeoutSeconds) }, deadline);
  }

  async exec(req: { container_id: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string> {
    return (await this.call<{ url: string }>(this.runtime, 'Exec', req)).url;
  }

  async attach(req: { container_id: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string> {
    return (await this.call<{ url: string }>(this.runtime, 'Attach', req)).url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return (await this.call<{ url: string }>(this.runtime, 'PortForward', { pod_sandbox_id: podSandboxId, port: ports })).url;
  }

  async containerStats(containerId: string): Promise<ContainerStats | null> {
    return (await this.call<{ stats: ContainerStats | null }>(this.runtime, 'ContainerStats', { container_id: containerId })).stats;
  }

  async listContainerStats(filter?: { id?: string; pod_sandbox_id?: string; label_selector?: Record<string, string> }): Promise<ContainerStats[]> {
    return (await this.call<{ stats: ContainerStats[] }>(this.runtime, 'ListContainerStats', filter ? { filter } : {})).stats;
  }

  status(verbose = false): Promise<StatusResponse> {
    return this.call(this.runtime, 'Status', { verbose });
  }

  // ImageService

  async listImages(): Promise<Image[]> {
    return (await this.call<{ images: Image[] }>(this.image, 'ListImages', {})).images;
  }

  /** ImageStatus; undefined when the image is not present (CRI answers with a null image). */
  async imageStatus(image: string): Promise<Image | undefined> {
    const r = await this.call<{ image: Image | null }>(this.image, 'ImageStatus', { image: { image } });
    return r.image ?? undefined;
  }

  /** PullImage; resolves to the runtime's image reference (containerd: the image ID). */
  async pullImage(image: string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const req: Record<string, unknown> = { image: { image } };
    if (auth) req.auth = auth;
    if (sandboxConfig) req.sandbox_config = sandboxConfig;
    return (await this.call<{ image_ref: string }>(this.image, 'PullImage', req, pullTimeoutMs)).image_ref;
  }

  async removeImage(image: string): Promise<void> {
    await this.call(this.image, 'RemoveImage', { image: { image } });
  }

  imageFsInfo(): Promise<ImageFsInfoResponse> {
    return this.call(this.image, 'ImageFsInfo', {});
  }
}
