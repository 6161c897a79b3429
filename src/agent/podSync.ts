// The runtime half of one pod sync (kuberuntime_manager SyncPod / killPod): observe the
// containers, start what should run — the sandbox, init containers one at a time in order
// (each must exit 0; sidecars only need to be running), then every regular container —,
// restart exited containers as restartPolicy says, behind the crash-loop back-off, kill
// (and restart) running ones whose liveness or startup probe failed, and stop or remove
// everything when the pod goes away. Lifecycle hooks run around it (lifecycle/): postStart
// right after StartContainer (a failure kills the instance, which then restarts like any
// exited one), preStop before every StopContainer of a running instance, its time taken off
// the grace period. Status is computed elsewhere (podStatus.ts) from what this leaves in the
// records.
import type { KubeObject } from '../machinery/types.js';
import { num, rec as asRec, recs, str, type Obj } from '../resources/shared/access.js';
import { type CrashLoopBackoff, goDuration } from './backoff.js';
import type { HookTarget } from './lifecycle/handlers.js';
import { defaultHookEnv, lifecycleHandler, runPostStartHook, runPreStopHook } from './lifecycle/hooks.js';
import { type ContainerRecord, containerRecord, podDescription, type PodRecord } from './podRecord.js';
import type { ProbeInput, ProbeVerdict } from './prober.js';
import { isRestartableInit, type ObservedContainer, type PodObservation, restartPolicyOf, terminationOf } from './podStatus.js';

/** The kubelet never gives a container less than this to stop (minimumGracePeriodInSeconds). */
export const minimumGracePeriodSeconds = 2;

export interface StepResult {
  /** Something changed (runtime or waiting reasons): sync again at once to report it. */
  acted: boolean;
  /** Sync again after this long (back-off expiry). */
  wakeInMs?: number;
}

const errMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The `reason` an error carries (e.g. podConfig's ContainerConfigError), if a non-empty string. */
function errorReason(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('reason' in e)) return undefined;
  const r = (e as { reason: unknown }).reason;
  return typeof r === 'string' && r !== '' ? r : undefined;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Reads the runtime's view of every container instance the record knows. */
export async function observeContainers(rec: PodRecord): Promise<void> {
  const rt = rec.node.runtime;
  await Promise.all(
    [...rec.containers.values()].map(async (c) => {
      c.status = c.id ? await rt.containerStatus(c.id) : undefined;
      // An instance that stopped running is probed no more (a restart is a new instance).
      if (c.id && c.status?.state !== 'running' && c.status?.state !== 'created') rec.node.prober.forget?.(c.id);
    }),
  );
}

/** Where probes without a `host` connect: the pod's IP, the node's for hostNetwork pods. */
function probeIP(rec: PodRecord, pod: KubeObject): string | undefined {
  return rec.podIP ?? (asRec(pod.spec)?.hostNetwork === true ? rec.node.hostIP : undefined);
}

/** What a hook of this instance needs: where httpGet goes, how exec runs, where Events go. */
function hookTarget(rec: PodRecord, pod: KubeObject, cspec: Obj, id: string): HookTarget {
  const t: HookTarget = { pod, container: cspec, containerId: id };
  const ip = probeIP(rec, pod);
  if (ip) t.podIP = ip;
  const { streaming } = rec.node.runtime;
  if (streaming) t.streaming = streaming;
  if (rec.node.recordEvent) t.recordEvent = rec.node.recordEvent;
  return t;
}

/**
 * Hooks run only where containers are processes (a runtime that can exec): on simulated
 * nodes every hook counts as done at once, as every probe passes there.
 */
const runsHooks = (rec: PodRecord): boolean => rec.node.runtime.streaming !== undefined;

/**
 * kuberuntime killContainer: the Killing event, the preStop hook (running instances only,
 * when there is grace to spend), then StopContainer with the grace left — never under 2 s.
 */
async function killContainer(rec: PodRecord, pod: KubeObject, cspec: Obj | undefined, id: string, message: string, graceSeconds: number, running = true): Promise<void> {
  rec.node.recordEvent?.(pod, 'Normal', 'Killing', message);
  let grace = graceSeconds;
  if (running && grace > 0 && cspec && lifecycleHandler(cspec, 'preStop') && runsHooks(rec)) {
    grace -= await runPreStopHook(hookTarget(rec, pod, cspec, id), grace, rec.node.hooks ?? defaultHookEnv);
  }
  await rec.node.runtime.stopContainer(id, Math.max(minimumGracePeriodSeconds, grace));
}

/** The prober's verdict on a running instance. */
function probe(rec: PodRecord, pod: KubeObject, cspec: Record<string, unknown>, id: string, startedAt: number, now: number, sidecar: boolean): ProbeVerdict {
  const input: ProbeInput = { pod, container: cspec, containerId: id, startedAt, now, sidecar };
  const ip = probeIP(rec, pod);
  if (ip) input.podIP = ip;
  return rec.node.prober.check(input);
}

/** The observation podStatus.ts turns into a status, plus when the prober wants another look. */
export function observationOf(rec: PodRecord, pod: KubeObject, now: number, terminal: boolean): { obs: PodObservation; recheckInMs?: number } {
  const spec = asRec(pod.spec) ?? {};
  const sidecars = new Set(recs(spec.initContainers).filter(isRestartableInit).map((c) => str(c.name) ?? ''));
  const specs = new Map<string, Record<string, unknown>>();
  for (const c of [...recs(spec.initContainers), ...recs(spec.containers)]) specs.set(str(c.name) ?? '', c);
  const containers = new Map<string, ObservedContainer>();
  let recheckInMs: number | undefined;
  for (const [name, c] of rec.containers) {
    const o: ObservedContainer = { restartCount: c.attempt };
    if (c.status) o.current = c.status;
    if (c.previous) o.previous = c.previous;
    // A pod being torn down restarts nothing (ShouldContainerBeRestarted): no waiting reasons.
    if (c.waiting && !terminal) o.waiting = c.waiting;
    const cspec = specs.get(name);
    if (c.status?.state === 'running' && cspec && c.id) {
      const v = probe(rec, pod, cspec, c.id, c.status.startedAt ?? now, now, sidecars.has(name));
      o.started = v.started;
      o.ready = v.ready;
      recheckInMs = earliest(recheckInMs, v.recheckInMs);
    }
    containers.set(name, o);
  }
  const obs: PodObservation = { sandboxReady: rec.sandboxReady, hostIP: rec.node.hostIP, containers, terminal, runtimeName: rec.node.runtimeName };
  if (rec.podIP) obs.podIP = rec.podIP;
  return { obs, ...(recheckInMs !== undefined ? { recheckInMs } : {}) };
}

/** EnsureImageExists: imagePullPolicy decides between ImageStatus and PullImage. */
async function ensureImage(rec: PodRecord, pod: KubeObject, c: Record<string, unknown>, cr: ContainerRecord, backoff: CrashLoopBackoff, now: number): Promise<StepResult | undefined> {
  const rt = rec.node.runtime;
  const image = str(c.image) ?? '';
  const policy = str(c.imagePullPolicy) ?? (image.endsWith(':latest') || !/:[^/]+$/.test(image) ? 'Always' : 'IfNotPresent');
  const event = rec.node.recordEvent;
  try {
    const present = policy === 'Always' ? undefined : await rt.imageStatus(image);
    if (present) {
      event?.(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return undefined;
    }
    if (policy === 'Never') {
      cr.waiting = { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
      event?.(pod, 'Warning', 'ErrImageNeverPull', cr.waiting.message ?? '');
      return { acted: true };
    }
    event?.(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const began = performance.now();
    await rt.pullImage(image, pod);
    const took = goDuration(Math.round(performance.now() - began));
    event?.(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting)`);
    return undefined;
  } catch (e) {
    const key = `${rec.uid}/${str(c.name) ?? ''}/image`;
    backoff.next(key, now, now);
    cr.retryAt = now + backoff.get(key);
    cr.waiting = { reason: 'ErrImagePull', message: errMessage(e) };
    event?.(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${errMessage(e)}`);
    event?.(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
    return { acted: true, wakeInMs: backoff.get(key) };
  }
}

/** A create or start failure: wait out the container's back-off before the next try. */
function startFailed(rec: PodRecord, pod: KubeObject, cr: ContainerRecord, name: string, reason: string, e: unknown, backoff: CrashLoopBackoff, now: number): StepResult {
  const key = `${rec.uid}/${name}`;
  rec.node.recordEvent?.(pod, 'Warning', 'Failed', `Error: ${errMessage(e)}`);
  backoff.next(key, now, now);
  cr.retryAt = now + backoff.get(key);
  cr.waiting = { reason, message: errMessage(e) };
  return { acted: true, wakeInMs: backoff.get(key) };
}

/** Creates and starts attempt `attempt` of a container; failures become waiting reasons. */
async function runContainer(rec: PodRecord, pod: KubeObject, c: Record<string, unknown>, attempt: number, backoff: CrashLoopBackoff, now: number): Promise<StepResult> {
  const rt = rec.node.runtime;
  const name = str(c.name) ?? '';
  const cr = containerRecord(rec, name);
  if (cr.retryAt !== undefined && now < cr.retryAt) {
    const wakeInMs = cr.retryAt - now;
    if (cr.waiting?.reason === 'ErrImagePull') {
      cr.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${str(c.image) ?? ''}"` };
      return { acted: true, wakeInMs };
    }
    return { acted: false, wakeInMs };
  }
  cr.retryAt = undefined;
  const pulled = await ensureImage(rec, pod, c, cr, backoff, now);
  if (pulled) return pulled;
  let id: string;
  try {
    id = await rt.createContainer(rec.sandboxId ?? '', pod, c, attempt);
  } catch (e) {
    // A config error (a missing ConfigMap key, …) names its own reason: CreateContainerConfigError.
    return startFailed(rec, pod, cr, name, errorReason(e) ?? 'CreateContainerError', e, backoff, now);
  }
  rec.node.recordEvent?.(pod, 'Normal', 'Created', `Created container: ${name}`);
  try {
    await rt.startContainer(id);
  } catch (e) {
    await rt.removeContainer(id);
    return startFailed(rec, pod, cr, name, 'RunContainerError', e, backoff, now);
  }
  // The instance being replaced becomes lastState; the one before it can go.
  if (cr.id) {
    rec.node.prober.forget?.(cr.id);
    if (cr.previousId && cr.previousId !== cr.id) {
      rec.node.prober.forget?.(cr.previousId);
      await rt.removeContainer(cr.previousId);
    }
    if (cr.status?.state === 'exited') cr.previous = terminationOf(cr.status);
    cr.previousId = cr.id;
  }
  cr.id = id;
  cr.attempt = attempt;
  cr.image = str(c.image) ?? '';
  cr.status = undefined;
  cr.waiting = undefined;
  rec.node.recordEvent?.(pod, 'Normal', 'Started', `Started container ${name}`);
  if (lifecycleHandler(c, 'postStart') && runsHooks(rec)) await postStart(rec, pod, c, cr, id);
  return { acted: true };
}

/**
 * startContainer step 4: the postStart hook, the sync waiting for it. On failure: Warning
 * FailedPostStartHook (without the message, which may hold secrets), the instance killed
 * ("FailedPostStartHook"), and — if it is to be restarted — waiting PostStartHookError with
 * upstream's message until the next start (the crash-loop back-off applies as to any exit).
 */
async function postStart(rec: PodRecord, pod: KubeObject, c: Obj, cr: ContainerRecord, id: string): Promise<void> {
  const leaving = (): boolean => !rec.pod || !!rec.pod.metadata.deletionTimestamp;
  const failure = await runPostStartHook(hookTarget(rec, pod, c, id), rec.node.hooks ?? defaultHookEnv, leaving);
  if (failure === undefined) return;
  rec.node.recordEvent?.(pod, 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
  await killContainer(rec, pod, c, id, 'FailedPostStartHook', terminationGraceSeconds(pod, c));
  rec.node.prober.forget?.(id);
  cr.status = await rec.node.runtime.containerStatus(id);
  const st = cr.status;
  if (isRestartableInit(c) || (st?.state === 'exited' && shouldRestart(restartPolicyOf(pod), st.exitCode ?? 0))) cr.waiting = { reason: 'PostStartHookError', message: failure };
}

/**
 * doBackOff + restart: in back-off, record CrashLoopBackOff; otherwise start the next attempt.
 * The back-off counts from `finishedAt`, the end of the latest exited instance.
 */
async function restart(rec: PodRecord, pod: KubeObject, c: Record<string, unknown>, cr: ContainerRecord, backoff: CrashLoopBackoff, now: number, finishedAt = cr.status?.finishedAt ?? now): Promise<StepResult> {
  const name = str(c.name) ?? '';
  const key = `${rec.uid}/${name}`;
  if (backoff.isInBackOffSince(key, finishedAt, now)) {
    const waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(backoff.get(key))} restarting failed container=${name} pod=${podDescription(pod)}` };
    const changed = cr.waiting?.reason !== waiting.reason || cr.waiting.message !== waiting.message;
    cr.waiting = waiting;
    if (changed) rec.node.recordEvent?.(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${podDescription(pod)}`);
    return { acted: changed, wakeInMs: backoff.remaining(key, finishedAt, now) };
  }
  backoff.next(key, finishedAt, now);
  return runContainer(rec, pod, c, cr.attempt + 1, backoff, now);
}

/**
 * setTerminationGracePeriod: the pod's deletion grace if it is being deleted, else (for a
 * failed liveness/startup probe) the probe's own terminationGracePeriodSeconds, else the
 * pod's, else the 2 s minimum. The preStop hook may spend it; the stop gets at least 2 s.
 */
function terminationGraceSeconds(pod: KubeObject, c: Obj, failed?: 'liveness' | 'startup'): number {
  const deletion = pod.metadata.deletionGracePeriodSeconds;
  if (typeof deletion === 'number') return deletion;
  const podGrace = num(asRec(pod.spec)?.terminationGracePeriodSeconds);
  if (podGrace === undefined) return minimumGracePeriodSeconds;
  const probeGrace = failed ? num(asRec(c[failed === 'liveness' ? 'livenessProbe' : 'startupProbe'])?.terminationGracePeriodSeconds) : undefined;
  return probeGrace ?? podGrace;
}

/** The grace period of a kill for a failed liveness/startup probe, never under the 2 s minimum. */
export function probeKillGraceSeconds(pod: KubeObject, c: Record<string, unknown>, failed: 'liveness' | 'startup'): number {
  return Math.max(minimumGracePeriodSeconds, terminationGraceSeconds(pod, c, failed));
}

/**
 * computePodActions for a running instance whose liveness (or startup) probe failed: kill it
 * ("Container c failed liveness probe, will be restarted"), then restart it in the same sync
 * unless restartPolicy is Never (sidecars always restart). As in SyncPod, that start checks
 * the crash-loop back-off against the instance exited *before* the killed one (the status
 * was read before the kill): the first kill restarts without touching the back-off, later
 * ones at once while the back-off is shorter than the time between kills, then
 * CrashLoopBackOff — after which the killed instance is restarted like any exited one.
 */
async function killForProbe(rec: PodRecord, pod: KubeObject, c: Record<string, unknown>, cr: ContainerRecord, failed: 'liveness' | 'startup', sidecar: boolean, backoff: CrashLoopBackoff, now: number): Promise<StepResult> {
  const rt = rec.node.runtime;
  const name = str(c.name) ?? '';
  const id = cr.id ?? '';
  const restartIt = sidecar || restartPolicyOf(pod) !== 'Never';
  await killContainer(rec, pod, c, id, `Container ${name} failed ${failed} probe${restartIt ? ', will be restarted' : ''}`, terminationGraceSeconds(pod, c, failed));
  rec.node.prober.forget?.(id);
  cr.status = await rt.containerStatus(id);
  if (!restartIt || cr.status?.state !== 'exited') return { acted: true };
  const before = cr.previous?.finishedAt;
  const r = before === undefined ? await runContainer(rec, pod, c, cr.attempt + 1, backoff, now) : await restart(rec, pod, c, cr, backoff, now, before);
  return { acted: true, ...(r.wakeInMs !== undefined ? { wakeInMs: r.wakeInMs } : {}) };
}

function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** Every regular container exited and will not be restarted. */
function regularDone(rec: PodRecord, pod: KubeObject): boolean {
  const policy = restartPolicyOf(pod);
  const regular = recs(asRec(pod.spec)?.containers).map((c) => rec.containers.get(str(c.name) ?? '')?.status);
  return policy !== 'Always' && regular.length > 0 && regular.every((st) => st?.state === 'exited' && !shouldRestart(policy, st.exitCode ?? 0));
}

/** One pass of SyncPod for an active pod (containers already observed). */
export async function startPod(rec: PodRecord, pod: KubeObject, backoff: CrashLoopBackoff, now: number): Promise<StepResult> {
  const rt = rec.node.runtime;
  const spec = asRec(pod.spec) ?? {};
  const policy = restartPolicyOf(pod);
  let acted = false;
  let wakeInMs: number | undefined;
  const merge = (r: StepResult): void => {
    acted ||= r.acted;
    wakeInMs = earliest(wakeInMs, r.wakeInMs);
  };
  if (!rec.sandboxId) {
    const sb = await rt.runPodSandbox(pod);
    rec.sandboxId = sb.sandboxId;
    rec.sandboxReady = true;
    if (sb.podIP) rec.podIP = sb.podIP;
    acted = true;
  }
  for (const c of recs(spec.initContainers)) {
    const name = str(c.name) ?? '';
    const sidecar = isRestartableInit(c);
    const cr = containerRecord(rec, name);
    const st = cr.status;
    if (!cr.id) {
      merge(await runContainer(rec, pod, c, cr.attempt, backoff, now));
      if (!sidecar) return { acted, ...(wakeInMs !== undefined ? { wakeInMs } : {}) };
      continue;
    }
    if (st?.state === 'exited') {
      const code = st.exitCode ?? 0;
      if (!sidecar && code === 0) continue;
      // A failed init container fails the pod under Never (getPhase); otherwise it restarts.
      if (!sidecar && policy === 'Never') return { acted };
      if (sidecar && regularDone(rec, pod)) continue; // stopped on purpose
      merge(await restart(rec, pod, c, cr, backoff, now));
      if (!sidecar) return { acted, ...(wakeInMs !== undefined ? { wakeInMs } : {}) };
      continue;
    }
    if (sidecar && st?.state === 'running') {
      const failed = probe(rec, pod, c, cr.id, st.startedAt ?? now, now, true).probeFailed;
      if (failed) merge(await killForProbe(rec, pod, c, cr, failed, true, backoff, now));
      continue;
    }
    // running (or not yet visible): wait for it to finish
    return { acted, ...(wakeInMs !== undefined ? { wakeInMs } : {}) };
  }
  for (const c of recs(spec.containers)) {
    const name = str(c.name) ?? '';
    const cr = containerRecord(rec, name);
    const st = cr.status;
    if (!cr.id) {
      merge(await runContainer(rec, pod, c, cr.attempt, backoff, now));
      continue;
    }
    if (st?.state === 'exited' && shouldRestart(policy, st.exitCode ?? 0)) {
      merge(await restart(rec, pod, c, cr, backoff, now));
      continue;
    }
    const failed = st?.state === 'running' ? probe(rec, pod, c, cr.id, st.startedAt ?? now, now, false).probeFailed : undefined;
    if (failed) {
      merge(await killForProbe(rec, pod, c, cr, failed, false, backoff, now));
      continue;
    }
    if (st?.state === 'running' && cr.image !== undefined && cr.image !== (str(c.image) ?? '')) {
      // A spec image update (computePodActions: "Container c definition changed, will be restarted").
      await killContainer(rec, pod, c, cr.id, `Container ${name} definition changed, will be restarted`, num(spec.terminationGracePeriodSeconds) ?? 30);
      cr.status = await rt.containerStatus(cr.id);
      merge(await runContainer(rec, pod, c, cr.attempt + 1, backoff, now));
    }
  }
  // Sidecars (restartable init containers) stop once every regular container is done for
  // good, last started first, so that a Never/OnFailure pod can complete.
  if (regularDone(rec, pod)) {
    for (const c of [...recs(spec.initContainers)].reverse()) {
      const cr = rec.containers.get(str(c.name) ?? '');
      if (!isRestartableInit(c) || !cr?.id || cr.status?.state !== 'running') continue;
      await killContainer(rec, pod, c, cr.id, `Stopping container ${str(c.name) ?? ''}`, num(spec.terminationGracePeriodSeconds) ?? 30);
      acted = true;
    }
  }
  return { acted, ...(wakeInMs !== undefined ? { wakeInMs } : {}) };
}

/**
 * killPod: stops every running container (grace in seconds, each running its preStop hook
 * first), then the sandbox (releasing its IP).
 */
export async function killPod(rec: PodRecord, graceSeconds: number): Promise<void> {
  const rt = rec.node.runtime;
  const pod = rec.lastPod;
  const spec = asRec(pod.spec) ?? {};
  const specs = new Map<string, Obj>();
  // Only hooks need the specs (preStop); simulated nodes skip the lookup.
  if (runsHooks(rec)) for (const c of [...recs(spec.initContainers), ...recs(spec.containers)]) specs.set(str(c.name) ?? '', c);
  await Promise.all(
    [...rec.containers.entries()].map(async ([name, c]) => {
      if (!c.id) return;
      const st = await rt.containerStatus(c.id);
      if (!st || (st.state !== 'running' && st.state !== 'created')) return;
      await killContainer(rec, pod, specs.get(name), c.id, `Stopping container ${name}`, graceSeconds, st.state === 'running');
    }),
  );
  if (rec.sandboxId && rec.sandboxReady) await rt.stopPodSandbox(rec.sandboxId);
  rec.sandboxReady = false;
}

/** Removes everything the pod left in the runtime. */
export async function removePod(rec: PodRecord): Promise<void> {
  const rt = rec.node.runtime;
  for (const c of rec.containers.values()) {
    for (const id of [c.id, c.previousId]) {
      if (!id) continue;
      rec.node.prober.forget?.(id);
      await rt.removeContainer(id);
    }
  }
  if (rec.sandboxId) await rt.removePodSandbox(rec.sandboxId);
  rec.sandboxId = undefined;
  rec.sandboxReady = false;
}

/** The grace period of a deletion: the pod's deletionGracePeriodSeconds, else its spec's, else 30. */
export function deletionGraceSeconds(pod: KubeObject): number {
  const g = pod.metadata.deletionGracePeriodSeconds;
  if (typeof g === 'number') return g;
  return num(asRec(pod.spec)?.terminationGracePeriodSeconds) ?? 30;
}
