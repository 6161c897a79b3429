// The agent's Runtime over CRI v1 (containerd): what the kubelet's kuberuntime manager does
// around each CRI call — pod volumes before the sandbox, log directories, configs built from
// the pod (sandboxConfig.ts, containerConfig.ts), pull secrets, container log removal with
// the container, termination messages, and pod cleanup (volumes, cgroups, logs) once the
// pod's last sandbox is gone. The sandbox config is kept per sandbox because CRI wants it
// again with every CreateContainer.
import { mkdir, open, rm, unlink } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Client } from '../../client/types.js';
import type { KubeObject } from '../../machinery/types.js';
import { newQuantity } from '../../machinery/quantity.js';
import { rec, recs, str } from '../../resources/shared/access.js';
import { parseImageName } from '../imageName.js';
import { readContainerLog } from '../logs/index.js';
import { ContainerConfigError, type PodConfigSource } from '../podConfig/index.js';
import type {
  ContainerInfo, ContainerStatus, ExecResult, ResourceList, Runtime, RuntimeVersion, SandboxInfo, SandboxResult, StreamingRuntime,
} from '../runtime.js';
import type { AuthConfig, ContainerStatus as CriContainerStatus, PodSandboxConfig } from './api.js';
import { removePodCgroups } from './cgroups.js';
import { containerConfig, runAsNonRootViolation } from './containerConfig.js';
import { containerInfoOf, containerStatusOf, sandboxInfoOf } from './convert.js';
import { CriClient, CriError, isCriDeadlineExceeded, isCriNotFound } from './criClient.js';
import { credentialsFor } from './pullSecrets.js';
import { isHostNetwork, podLogDirectory, podSandboxConfig, podUidLabel } from './sandboxConfig.js';

export interface CriRuntimeOptions {
  /** The CRI socket path (containerd.sock). */
  endpoint: string;
  /** For the Secrets named in imagePullSecrets; without it pulls are anonymous. */
  client?: Client;
  podConfig: PodConfigSource;
  /** Pod log directories live here: `<podLogRoot>/<ns>_<name>_<uid>/<container>/<attempt>.log`. */
  podLogRoot: string;
  clusterDNS?: string;
  clusterDomain: string;
  nodeName: string;
  /** The host resolv.conf for dnsPolicy Default (default /etc/resolv.conf). */
  resolvConf?: string;
  log?: (msg: string) => void;
  /** Node-wide registry credentials (registries.yaml `configs`), tried after the pod's pull secrets. */
  registryAuth?: (image: string) => AuthConfig | undefined;
}

const secretsGVR = { group: '', version: 'v1', resource: 'secrets' };
// kubecontainer.MaxContainerTerminationMessageLength / …LogLength / …LogLines.
const maxTerminationMessageBytes = 4096;
const maxTerminationLogBytes = 2048;
const maxTerminationLogLines = 80;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The last `max` bytes of a file (tail.ReadAtMost); undefined when it does not exist. */
async function readTail(path: string, max: number): Promise<string | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

export class CriRuntime implements Runtime {
  readonly cri: CriClient;
  readonly streaming: StreamingRuntime;
  private readonly opts: CriRuntimeOptions;
  private readonly log: (msg: string) => void;
  private readonly sandboxes = new Map<string, { config: PodSandboxConfig; podIP?: string }>();

  constructor(opts: CriRuntimeOptions) {
    this.opts = opts;
    this.log = opts.log ?? (() => undefined);
    this.cri = new CriClient(opts.endpoint);
    this.streaming = {
      execSync: (id, cmd, timeoutSeconds) => this.execSync(id, cmd, timeoutSeconds),
      execUrl: (id, req) => this.cri.exec({ container_id: id, ...req }),
      attachUrl: (id, req) => this.cri.attach({ container_id: id, ...req }),
      portForwardUrl: (sandboxId, ports) => this.cri.portForward(sandboxId, ports),
      containerLogPath: (pod, name, attempt) => containerLogPath(opts.podLogRoot, pod, name, attempt),
    };
  }

  close(): void {
    this.cri.close();
  }

  async version(): Promise<RuntimeVersion> {
    const v = await this.cri.version();
    return { runtimeName: v.runtime_name, runtimeVersion: v.runtime_version };
  }

  async capacity(): Promise<ResourceList> {
    // The filesystem of the agent's data (the kubelet reports its root dir's), found from the log root up.
    let storage = 0;
    for (let d = this.opts.podLogRoot; ; d = dirname(d)) {
      try {
        const s = statfsSync(d);
        storage = s.blocks * s.bsize;
        break;
      } catch {
        if (d === dirname(d)) break;
      }
    }
    return {
      cpu: String(cpus().length),
      memory: newQuantity(totalmem(), 'BinarySI').toString(),
      'ephemeral-storage': newQuantity(storage, 'BinarySI').toString(),
      'hugepages-2Mi': '0',
      pods: '110',
    };
  }

  private sandboxConfigFor(pod: KubeObject, attempt: number): PodSandboxConfig {
    const { podLogRoot, clusterDNS, clusterDomain, resolvConf } = this.opts;
    return podSandboxConfig(pod, attempt, { podLogRoot, clusterDNS, clusterDomain, resolvConf });
  }

  async runPodSandbox(pod: KubeObject, attempt = 0): Promise<SandboxResult> {
    await this.opts.podConfig.preparePod(pod);
    const config = this.sandboxConfigFor(pod, attempt);
    await mkdir(config.log_directory, { recursive: true, mode: 0o755 });
    const sandboxId = await this.cri.runPodSandbox(config);
    let podIP: string | undefined;
    if (!isHostNetwork(pod)) podIP = (await this.cri.podSandboxStatus(sandboxId)).status?.network?.ip || undefined;
    this.sandboxes.set(sandboxId, { config, ...(podIP ? { podIP } : {}) });
    return { sandboxId, ...(podIP ? { podIP } : {}) };
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    try {
      await this.cri.stopPodSandbox(sandboxId);
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
    }
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    let uid: string | undefined;
    let logDir: string | undefined;
    try {
      const st = (await this.cri.podSandboxStatus(sandboxId)).status;
      const md = st?.metadata;
      uid = md?.uid || st?.labels[podUidLabel];
      if (md) logDir = join(this.opts.podLogRoot, `${md.namespace}_${md.name}_${md.uid}`);
      await this.cri.removePodSandbox(sandboxId);
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
    }
    this.sandboxes.delete(sandboxId);
    if (!uid) return;
    // Another sandbox of the same pod (a re-created one) still needs the pod's files.
    const others = await this.cri.listPodSandbox({ label_selector: { [podUidLabel]: uid } });
    if (others.some((s) => s.id !== sandboxId)) return;
    await this.opts.podConfig.cleanupPod(uid);
    await removePodCgroups(uid);
    if (logDir) await rm(logDir, { recursive: true, force: true });
  }

  /** ImageStatus: the digest reference (repo@sha256:…) when the runtime knows one, else the image ID. */
  async imageStatus(image: string): Promise<string | undefined> {
    const img = await this.cri.imageStatus(image);
    if (!img) return undefined;
    return img.repo_digests[0] ?? img.id;
  }

  private async pullSecrets(pod: KubeObject): Promise<KubeObject[]> {
    const client = this.opts.client;
    const names = recs(rec(pod.spec)?.imagePullSecrets)
      .map((r) => str(r.name))
      .filter((n): n is string => !!n);
    if (!client || names.length === 0) return [];
    const out: KubeObject[] = [];
    for (const name of names) {
      try {
        out.push(await client.get(secretsGVR, name, { namespace: pod.metadata.namespace }));
      } catch (e) {
        // The kubelet warns and pulls without it.
        this.log(`Unable to retrieve some image pull secrets (${name}); attempting to pull the image may not succeed: ${errText(e)}`);
      }
    }
    return out;
  }

  /** PullImage with each matching pull secret in turn, then anonymously; errors read as the kubelet's (`rpc error: code = … desc = …`). */
  async pullImage(image: string, pod: KubeObject): Promise<string> {
    const auths: Array<AuthConfig | undefined> = [...credentialsFor(parseImageName(image).repository, await this.pullSecrets(pod)), this.opts.registryAuth?.(image)];
    if (auths.at(-1) !== undefined) auths.push(undefined);
    let first: unknown;
    for (const auth of auths) {
      try {
        await this.cri.pullImage(image, auth);
        return (await this.imageStatus(image)) ?? image;
      } catch (e) {
        first ??= e;
      }
    }
    throw first instanceof CriError ? new Error(first.goText) : first;
  }

  private async sandboxFor(sandboxId: string, pod: KubeObject): Promise<{ config: PodSandboxConfig; podIP?: string }> {
    const known = this.sandboxes.get(sandboxId);
    if (known) return known;
    // Adopted after a restart: rebuild the (deterministic) config, ask the runtime for the IP.
    const st = (await this.cri.podSandboxStatus(sandboxId)).status;
    const podIP = st?.network?.ip || undefined;
    const entry = { config: this.sandboxConfigFor(pod, st?.metadata?.attempt ?? 0), ...(podIP ? { podIP } : {}) };
    this.sandboxes.set(sandboxId, entry);
    return entry;
  }

  async createContainer(sandboxId: string, pod: KubeObject, container: Record<string, unknown>, attempt: number): Promise<string> {
    const image = str(container.image) ?? '';
    const img = await this.cri.imageStatus(image);
    if (!img) throw new Error(`image "${image}" is not present on the node`);
    const violation = runAsNonRootViolation(pod, container, { uid: img.uid ? Number(img.uid.value) : undefined, username: img.username || undefined });
    if (violation) throw new ContainerConfigError(violation);
    const sandbox = await this.sandboxFor(sandboxId, pod);
    // ContainerConfigError from here propagates unchanged (CreateContainerConfigError).
    const resolved = await this.opts.podConfig.containerConfig(pod, container, isHostNetwork(pod) ? undefined : sandbox.podIP);
    const config = containerConfig({ pod, container, attempt, imageRef: img.id, resolved, memoryCapacity: totalmem() });
    await mkdir(join(sandbox.config.log_directory, config.metadata.name), { recursive: true, mode: 0o755 });
    return this.cri.createContainer(sandboxId, config, sandbox.config);
  }

  async startContainer(containerId: string): Promise<void> {
    await this.cri.startContainer(containerId);
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.cri.stopContainer(containerId, Math.max(0, Math.floor(timeoutSeconds)));
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
    }
  }

  /** RemoveContainer, then its log file (kuberuntime removeContainerLog). */
  async removeContainer(containerId: string): Promise<void> {
    let logPath: string | undefined;
    try {
      logPath = (await this.cri.containerStatus(containerId)).status?.log_path || undefined;
      await this.cri.removeContainer(containerId);
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
      return;
    }
    if (logPath) await unlink(logPath).catch(() => undefined);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    let s: CriContainerStatus | null;
    try {
      s = (await this.cri.containerStatus(containerId)).status;
    } catch (e) {
      if (isCriNotFound(e)) return undefined;
      throw e;
    }
    if (!s) return undefined;
    const out = containerStatusOf(s);
    if (out.state === 'exited') {
      const tMessage = await this.terminationMessage(s);
      if (tMessage) out.message = out.message ? `${out.message}: ${tMessage}` : tMessage;
    }
    return out;
  }

  /** getTerminationMessage: the termination-log file, or the log's tail under FallbackToLogsOnError after a failure. */
  private async terminationMessage(s: CriContainerStatus): Promise<string> {
    const path = s.annotations['io.kubernetes.container.terminationMessagePath'] ?? '';
    const fallback = s.annotations['io.kubernetes.container.terminationMessagePolicy'] === 'FallbackToLogsOnError' && s.exit_code !== 0;
    let message = '';
    let checkLogs = fallback;
    const mount = path ? s.mounts.find((m) => m.container_path === path) : undefined;
    if (mount) {
      try {
        message = (await readTail(mount.host_path, maxTerminationMessageBytes)) ?? '';
        checkLogs = fallback && message.length === 0;
      } catch (e) {
        return `Error on reading termination log ${mount.host_path}: ${errText(e)}`;
      }
    }
    if (checkLogs && s.log_path) message = await this.lastLogText(s.log_path);
    return message;
  }

  private async lastLogText(logPath: string): Promise<string> {
    const chunks: Buffer[] = [];
    try {
      const ac = new AbortController();
      for await (const b of readContainerLog(logPath, { follow: false, timestamps: false, tailLines: maxTerminationLogLines, limitBytes: maxTerminationLogBytes, signal: ac.signal })) chunks.push(b);
    } catch {
      return '';
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async listPodSandboxes(): Promise<SandboxInfo[]> {
    const items = await this.cri.listPodSandbox();
    return Promise.all(
      items.map(async (p) => {
        const info = sandboxInfoOf(p);
        if (info.state !== 'ready') return info;
        try {
          const ip = (await this.cri.podSandboxStatus(p.id)).status?.network?.ip;
          if (ip) info.podIP = ip;
        } catch (e) {
          if (!isCriNotFound(e)) throw e;
        }
        return info;
      }),
    );
  }

  async listContainers(filter?: { sandboxId?: string }): Promise<ContainerInfo[]> {
    const list = await this.cri.listContainers(filter?.sandboxId ? { pod_sandbox_id: filter.sandboxId } : undefined);
    return list.map(containerInfoOf);
  }

  /** ExecSync; a command outrunning its timeout (DeadlineExceeded) is reported, not thrown, as the kubelet's probes expect. */
  private async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult> {
    try {
      const r = await this.cri.execSync(containerId, cmd, Math.max(0, Math.ceil(timeoutSeconds)));
      return { exitCode: r.exit_code, stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.stderr), timedOut: false };
    } catch (e) {
      if (isCriDeadlineExceeded(e)) return { exitCode: -1, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: true };
      throw e;
    }
  }
}

/** Where a pod's container logs live (for callers without a runtime at hand). */
export function containerLogPath(podLogRoot: string, pod: KubeObject, containerName: string, attempt: number): string {
  return join(podLogDirectory(podLogRoot, pod), containerName, `${attempt}.log`);
}
