// What the agent remembers about one pod (by UID) between syncs: its sandbox, the latest
// instance of each container and the exit before it, why a container waits, and where the
// pod is in its life on this node. The runtime stays the source of truth for container
// states; this is the bookkeeping the kubelet keeps in its pod workers and reason cache.
import type { KubeObject } from '../machinery/types.js';
import type { HookEnv } from './lifecycle/hooks.js';
import type { Termination } from './podStatus.js';
import type { Prober } from './prober.js';
import type { ContainerStatus, Runtime } from './runtime.js';

/** One node served by the pod workers. */
export interface NodeHandle {
  name: string;
  runtime: Runtime;
  prober: Prober;
  /** The node's InternalIP (status.hostIP). */
  hostIP: string;
  /** containerID prefix (`<runtimeName>://<id>`), from runtime.version(). */
  runtimeName: string;
  /** A disconnected (simulated) node does nothing until it reconnects. */
  paused: boolean;
  /** Where the node's kubelet Events go (none when unset). */
  recordEvent?: (pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  /** How lifecycle hooks wait and log (default: real time, no log). */
  hooks?: HookEnv;
}

export interface ContainerRecord {
  /** The latest instance. */
  id?: string;
  /** Its attempt: the container's restartCount. */
  attempt: number;
  /** The image it was created from (a changed spec image restarts it). */
  image?: string;
  /** The instance before it, kept for lastState (and `logs --previous`). */
  previousId?: string;
  previous?: Termination;
  /** The kubelet's reasonCache entry: why it waits to be (re)started. */
  waiting?: { reason: string; message?: string };
  /** After a failed pull/create/start: no new try before this time (ms). */
  retryAt?: number;
  /** Observed in the current sync. */
  status?: ContainerStatus;
}

/**
 * active      — starting and running containers;
 * terminating — deletion requested: containers are being stopped;
 * terminated  — terminal phase reached (or killed): nothing runs, status is final;
 * finished    — the final delete was sent (or the terminal pod is left alone).
 */
export type PodLifecycle = 'active' | 'terminating' | 'terminated' | 'finished';

export interface PodRecord {
  uid: string;
  /** namespace/name */
  key: string;
  node: NodeHandle;
  /** The pod as last seen from the API; undefined once it left the API. */
  pod?: KubeObject;
  /** The last pod seen (kept after removal, for grace period and names). */
  lastPod: KubeObject;
  lifecycle: PodLifecycle;
  sandboxId?: string;
  sandboxReady: boolean;
  podIP?: string;
  containers: Map<string, ContainerRecord>;
  /** Grace (s) of the kill in progress; a shorter one starts another, faster kill. */
  killGrace?: number;
  killing?: Promise<void>;
  killDone: boolean;
  finalDeleteSent: boolean;
  /** The pod as our last status write returned it. */
  lastWrittenPod?: KubeObject;
}

export function containerRecord(rec: PodRecord, name: string): ContainerRecord {
  let c = rec.containers.get(name);
  if (!c) rec.containers.set(name, (c = { attempt: 0 }));
  return c;
}

/** format.Pod: `name_namespace(uid)`, as kubelet messages name a pod. */
export function podDescription(pod: KubeObject): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}
