// ContainerConfig from a pod's container, as the kubelet builds it (kuberuntime_container.go
// generateContainerConfig, kuberuntime_container_linux.go, security_context.go, labels.go,
// qos/policy.go): resources from requests/limits, the OOM score for the pod's QoS class, the
// effective security context (pod-level merged under the container's), labels/annotations.
// Env, command, args and mounts come resolved from the pod config source (H4).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { KubeObject } from '../../machinery/types.js';
import { parseQuantity } from '../../machinery/quantity.js';
import { arr, num, rec, str, type Obj } from '../../resources/shared/access.js';
import type { ContainerConfig, CriMount, LinuxContainerResources, LinuxContainerSecurityContext, SecurityProfile } from './api.js';
import { containerNameLabel, namespaceOptions, podNameLabel, podNamespaceLabel, podSupplementalGroups, podUidLabel, qosClassOf } from './sandboxConfig.js';

/** What the pod config source resolved for the container (H4's ContainerRuntimeConfig). */
export interface ResolvedContainer {
  env: Array<{ key: string; value: string }>;
  command: string[];
  args: string[];
  mounts: Array<{ containerPath: string; hostPath: string; readonly: boolean; propagation?: 'private' | 'hostToContainer' | 'bidirectional' }>;
}

// pkg/securitycontext/util.go defaultMaskedPaths / defaultReadonlyPaths (procMount Default).
export const defaultMaskedPaths = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const defaultReadonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The kubelet's --seccomp-profile-root default (Localhost profiles are relative to it). */
const seccompProfileRoot = '/var/lib/kubelet/seccomp';

// cm/helpers_linux.go and kuberuntime constants.
const minShares = 2;
const maxShares = 262144;
const quotaPeriod = 100000;
const minQuotaPeriod = 1000;

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return minShares;
  const shares = Math.floor((milliCPU * 1024) / 1000);
  return Math.min(maxShares, Math.max(minShares, shares));
}

export function milliCPUToQuota(milliCPU: number, period: number): number {
  if (milliCPU === 0) return 0;
  return Math.max(minQuotaPeriod, Math.floor((milliCPU * period) / 1000));
}

function quantity(list: unknown, name: string): { milli: number; value: number } | undefined {
  const v = rec(list)?.[name];
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    const q = parseQuantity(String(v));
    return { milli: q.milli, value: q.intValue };
  } catch {
    return undefined;
  }
}

// qos/policy.go.
const guaranteedOOMScoreAdj = -997;
const besteffortOOMScoreAdj = 1000;

/** GetContainerOOMScoreAdjust: node-critical and Guaranteed pods last, BestEffort first, Burstable by memory request share. */
export function containerOOMScoreAdj(pod: KubeObject, container: Obj, memoryCapacity: number): number {
  const spec = rec(pod.spec) ?? {};
  if (str(spec.priorityClassName) === 'system-node-critical') return guaranteedOOMScoreAdj;
  const qos = qosClassOf(pod);
  if (qos === 'Guaranteed') return guaranteedOOMScoreAdj;
  if (qos === 'BestEffort') return besteffortOOMScoreAdj;
  const memoryRequest = quantity(rec(container.resources)?.requests, 'memory')?.value ?? 0;
  const adj = 1000 - Math.trunc((1000 * memoryRequest) / memoryCapacity);
  // Burstable stays above Guaranteed and below BestEffort.
  if (adj < 1000 + guaranteedOOMScoreAdj) return 1000 + guaranteedOOMScoreAdj;
  if (adj === besteffortOOMScoreAdj) return adj - 1;
  return adj;
}

let memswAvailable: boolean | undefined;

/** generateLinuxContainerResources. */
export function containerResources(pod: KubeObject, container: Obj, memoryCapacity: number): LinuxContainerResources {
  const res = rec(container.resources) ?? {};
  const cpuRequest = quantity(res.requests, 'cpu')?.milli ?? 0;
  const cpuLimit = quantity(res.limits, 'cpu')?.milli ?? 0;
  const memoryLimit = quantity(res.limits, 'memory')?.value ?? 0;
  // A limit without a request means request = limit (the API server defaults it too).
  const shares = milliCPUToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest);
  const out: LinuxContainerResources = {
    cpu_shares: shares,
    oom_score_adj: containerOOMScoreAdj(pod, container, memoryCapacity),
    cpu_period: quotaPeriod,
    cpu_quota: milliCPUToQuota(cpuLimit, quotaPeriod),
  };
  if (memoryLimit !== 0) {
    out.memory_limit_in_bytes = memoryLimit;
    // cgroup v1 without NodeSwap (ConfigureNoSwap): memory+swap = memory, i.e. no swap beyond the limit.
    memswAvailable ??= existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');
    if (memswAvailable) out.memory_swap_limit_in_bytes = memoryLimit;
  }
  return out;
}

/** DetermineEffectiveSecurityContext: the pod's securityContext with the container's fields on top. */
export function effectiveSecurityContext(pod: KubeObject, container: Obj): Obj {
  const podSc = rec(rec(pod.spec)?.securityContext) ?? {};
  const sc: Obj = {};
  for (const k of ['seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'seccompProfile', 'appArmorProfile']) if (podSc[k] !== undefined) sc[k] = podSc[k];
  for (const [k, v] of Object.entries(rec(container.securityContext) ?? {})) if (v !== undefined && v !== null) sc[k] = v;
  return sc;
}

/** The capability names the runtime expects: containerd prefixes CAP_ itself, so a spec's CAP_X would become CAP_CAP_X. */
function capabilityNames(v: unknown): string[] {
  return arr(v)
    .filter((c): c is string => typeof c === 'string')
    .map((c) => c.replace(/^CAP_/i, ''));
}

/** getSeccompProfile: container over pod; without one, Unconfined (the kubelet's SeccompDefault is off). */
function seccompProfile(sc: Obj): SecurityProfile {
  const p = rec(sc.seccompProfile);
  switch (str(p?.type)) {
    case 'RuntimeDefault':
      return { profile_type: 'RuntimeDefault' };
    case 'Localhost':
      return { profile_type: 'Localhost', localhost_ref: `${seccompProfileRoot}/${str(p?.localhostProfile) ?? ''}` };
    default:
      return { profile_type: 'Unconfined' };
  }
}

/** determineEffectiveSecurityContext → LinuxContainerSecurityContext. */
export function containerSecurityContext(pod: KubeObject, container: Obj): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const privileged = sc.privileged === true;
  const caps = rec(sc.capabilities);
  const unmasked = str(sc.procMount) === 'Unmasked';
  const out: LinuxContainerSecurityContext = {
    namespace_options: namespaceOptions(pod),
    privileged,
    readonly_rootfs: sc.readOnlyRootFilesystem === true,
    no_new_privs: sc.allowPrivilegeEscalation === false,
    // Privileged containers see everything (the runtime would ignore the lists anyway).
    masked_paths: privileged || unmasked ? [] : [...defaultMaskedPaths],
    readonly_paths: privileged || unmasked ? [] : [...defaultReadonlyPaths],
    seccomp: seccompProfile(sc),
  };
  if (caps) out.capabilities = { add_capabilities: capabilityNames(caps.add), drop_capabilities: capabilityNames(caps.drop) };
  const uid = num(sc.runAsUser);
  const gid = num(sc.runAsGroup);
  if (uid !== undefined) out.run_as_user = { value: uid };
  if (gid !== undefined) out.run_as_group = { value: gid };
  const groups = podSupplementalGroups(pod);
  if (groups.length) out.supplemental_groups = groups;
  const se = rec(sc.seLinuxOptions);
  if (se) out.selinux_options = { user: str(se.user), role: str(se.role), type: str(se.type), level: str(se.level) };
  return out;
}

/**
 * verifyRunAsNonRoot against the image's user (ImageStatus uid/username; none means root).
 * Returns the kubelet's error text, or undefined when the container may run.
 */
export function runAsNonRootViolation(pod: KubeObject, container: Obj, image: { uid?: number; username?: string }): string | undefined {
  const sc = effectiveSecurityContext(pod, container);
  if (sc.runAsNonRoot !== true) return undefined;
  const who = `pod: "${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})", container: ${str(container.name) ?? ''}`;
  const uid = num(sc.runAsUser);
  if (uid !== undefined) return uid === 0 ? `container's runAsUser breaks non-root policy (${who})` : undefined;
  if (image.uid === undefined && image.username) return `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root (${who})`;
  if ((image.uid ?? 0) === 0) return `container has runAsNonRoot and image will run as root (${who})`;
  return undefined;
}

const propagationOf = { private: 'PROPAGATION_PRIVATE', hostToContainer: 'PROPAGATION_HOST_TO_CONTAINER', bidirectional: 'PROPAGATION_BIDIRECTIONAL' } as const;

function criMounts(mounts: ResolvedContainer['mounts']): CriMount[] {
  return mounts.map((m) => ({ container_path: m.containerPath, host_path: m.hostPath, readonly: m.readonly, propagation: propagationOf[m.propagation ?? 'private'] }));
}

/** kubecontainer.HashContainer's role: a stable hash of the container spec, in hex. */
function containerHash(container: Obj): string {
  return createHash('sha256').update(JSON.stringify(container)).digest('hex').slice(0, 8);
}

/** newContainerAnnotations. */
export function containerAnnotations(pod: KubeObject, container: Obj, attempt: number): Record<string, string> {
  const a: Record<string, string> = {
    'io.kubernetes.container.hash': containerHash(container),
    'io.kubernetes.container.restartCount': String(attempt),
    'io.kubernetes.container.terminationMessagePath': str(container.terminationMessagePath) ?? '',
    'io.kubernetes.container.terminationMessagePolicy': str(container.terminationMessagePolicy) ?? '',
  };
  const deletionGrace = num(pod.metadata.deletionGracePeriodSeconds);
  if (deletionGrace !== undefined) a['io.kubernetes.pod.deletionGracePeriod'] = String(deletionGrace);
  const terminationGrace = num(rec(pod.spec)?.terminationGracePeriodSeconds);
  if (terminationGrace !== undefined) a['io.kubernetes.pod.terminationGracePeriod'] = String(terminationGrace);
  const preStop = rec(rec(container.lifecycle)?.preStop);
  if (preStop) a['io.kubernetes.container.preStopHandler'] = JSON.stringify(preStop);
  const ports = arr(container.ports);
  if (ports.length) a['io.kubernetes.container.ports'] = JSON.stringify(ports);
  return a;
}

export interface ContainerConfigInput {
  pod: KubeObject;
  container: Obj;
  attempt: number;
  /** The image as ImageStatus resolved it (its ID): what CreateContainer runs. */
  imageRef: string;
  resolved: ResolvedContainer;
  memoryCapacity: number;
}

/** generateContainerConfig. */
export function containerConfig(input: ContainerConfigInput): ContainerConfig {
  const { pod, container, attempt, resolved } = input;
  const name = str(container.name) ?? '';
  const m = pod.metadata;
  const workingDir = str(container.workingDir);
  return {
    metadata: { name, attempt },
    image: { image: input.imageRef, user_specified_image: str(container.image) ?? '' },
    command: resolved.command,
    args: resolved.args,
    ...(workingDir ? { working_dir: workingDir } : {}),
    envs: resolved.env,
    mounts: criMounts(resolved.mounts),
    labels: { [containerNameLabel]: name, [podNameLabel]: m.name ?? '', [podNamespaceLabel]: m.namespace ?? '', [podUidLabel]: m.uid ?? '' },
    annotations: containerAnnotations(pod, container, attempt),
    log_path: `${name}/${attempt}.log`,
    stdin: container.stdin === true,
    stdin_once: container.stdinOnce === true,
    tty: container.tty === true,
    linux: { resources: containerResources(pod, container, input.memoryCapacity), security_context: containerSecurityContext(pod, container) },
  };
}
