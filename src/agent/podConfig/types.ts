// The contract between pod config (this folder) and the CRI runtime that consumes it
// (fixed by the Issue 4 brief; additions are optional members only).
import type { Clock } from '../../client/clock.js';
import type { Client } from '../../client/types.js';
import type { KubeObject } from '../../machinery/types.js';

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  propagation?: 'private' | 'hostToContainer' | 'bidirectional';
}

export interface ContainerRuntimeConfig {
  /** Resolved, in order, $(VAR) expanded. */
  env: Array<{ key: string; value: string }>;
  /** $(VAR) expanded; [] when unset (image default). */
  command: string[];
  args: string[];
  /** volumeMounts (+subPath), /etc/hosts, /dev/termination-log, SA token (projected volumes). */
  mounts: Mount[];
}

export interface PodConfigSource {
  /** Before the sandbox: create the pod's volumes on the host (emptyDir, configMap, secret, downwardAPI, projected, hostPath checks, PVC dirs). Throws VolumeSetupError. */
  preparePod(pod: KubeObject): Promise<void>;
  /** Env, command/args, mounts for one container; throws ContainerConfigError with upstream messages (e.g. `configmap "x" not found`, `couldn't find key k in ConfigMap ns/x`). */
  containerConfig(pod: KubeObject, container: Record<string, unknown>, podIP: string | undefined): Promise<ContainerRuntimeConfig>;
  /** Where the pod's files live on the host (<root>/pods/<uid>). */
  podDir(podUid: string): string;
  /** After the sandbox is removed: unmount tmpfs, delete the pod's dir (never PV data). */
  cleanupPod(podUid: string): Promise<void>;
  /** Stop background refreshes. */
  close(): void;
}

export interface PodConfigSourceOptions {
  client: Client;
  /** The agent's directory; pods live under <root>/pods/<uid>. */
  root: string;
  nodeName: string;
  clusterDomain: string;
  log?: (msg: string) => void;
  /** How often volumes of prepared pods are re-projected from their sources (default 10 s; upstream: sync period ≈ 60 s + cache TTL). */
  resyncMs?: number;
  clock?: Clock;
  /** Back memory-medium volumes (emptyDir Memory, secret, projected, downwardAPI) with tmpfs (default: when running as root). */
  tmpfs?: boolean;
  /** Events the kubelet would record about a pod (e.g. Warning InvalidEnvironmentVariableNames); default: logged. */
  recordEvent?: (pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  /** The node's hosts file, copied for hostNetwork pods (default /etc/hosts). */
  nodeHostsFile?: string;
}
