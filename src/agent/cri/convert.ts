// CRI messages → the agent's runtime types (src/agent/runtime.ts): states lower-cased,
// nanosecond timestamps (int64 strings) to epoch milliseconds, pod identity from the
// sandbox metadata and the kubelet's labels.
import type { ContainerInfo, ContainerState, ContainerStatus, SandboxInfo } from '../runtime.js';
import type { Container, ContainerStateName, ContainerStatus as CriContainerStatus, PodSandbox } from './api.js';
import { podUidLabel } from './sandboxConfig.js';

/** int64 nanoseconds (as proto-loader's decimal string) → ms; 0 / unset → undefined. */
export function nsToMs(ns: string | number | undefined | null): number | undefined {
  if (ns === undefined || ns === null || ns === '' || ns === '0' || ns === 0) return undefined;
  return Number(BigInt(ns) / 1_000_000n);
}

export function containerStateOf(s: ContainerStateName | string): ContainerState {
  switch (s) {
    case 'CONTAINER_CREATED':
      return 'created';
    case 'CONTAINER_RUNNING':
      return 'running';
    case 'CONTAINER_EXITED':
      return 'exited';
    default:
      return 'unknown';
  }
}

export function sandboxInfoOf(p: PodSandbox): SandboxInfo {
  return {
    id: p.id,
    podUid: p.metadata?.uid ?? p.labels[podUidLabel] ?? '',
    podName: p.metadata?.name ?? '',
    podNamespace: p.metadata?.namespace ?? '',
    attempt: p.metadata?.attempt ?? 0,
    state: p.state === 'SANDBOX_READY' ? 'ready' : 'notready',
    createdAt: nsToMs(p.created_at) ?? 0,
  };
}

export function containerInfoOf(c: Container): ContainerInfo {
  return {
    id: c.id,
    sandboxId: c.pod_sandbox_id,
    podUid: c.labels[podUidLabel] ?? '',
    name: c.metadata?.name ?? '',
    attempt: c.metadata?.attempt ?? 0,
    state: containerStateOf(c.state),
    createdAt: nsToMs(c.created_at) ?? 0,
  };
}

/** ContainerStatus without the termination message (criRuntime adds it from the termination log). */
export function containerStatusOf(s: CriContainerStatus): ContainerStatus {
  const state = containerStateOf(s.state);
  const out: ContainerStatus = { id: s.id, state };
  const createdAt = nsToMs(s.created_at);
  const startedAt = nsToMs(s.started_at);
  const finishedAt = nsToMs(s.finished_at);
  if (createdAt !== undefined) out.createdAt = createdAt;
  if (startedAt !== undefined) out.startedAt = startedAt;
  if (finishedAt !== undefined) out.finishedAt = finishedAt;
  if (state === 'exited') {
    out.exitCode = s.exit_code;
    // containerd always says Completed/Error/OOMKilled; the fallback mirrors it.
    out.reason = s.reason || (s.exit_code === 0 ? 'Completed' : 'Error');
  } else if (s.reason) {
    out.reason = s.reason;
  }
  if (s.message) out.message = s.message;
  out.restartCount = s.metadata?.attempt ?? 0;
  if (s.image?.image) out.image = s.image.image;
  if (s.image_ref) out.imageRef = s.image_ref;
  return out;
}
