// The pod status the kubelet would report for what the runtime shows (kubelet_pods.go
// generateAPIPodStatus / convertToAPIContainerStatuses / getPhase and status/generate.go),
// as a pure function of the pod, the observation and the time:
// - container statuses: default waiting ContainerCreating (PodInitializing when the pod has
//   init containers), running/terminated from the runtime, a waiting reason from the last
//   failed (re)start (CrashLoopBackOff…) moving the terminated state to lastState;
//   regular statuses sorted by name, init statuses in spec order;
// - phase from the container states and restartPolicy, never leaving a terminal phase;
// - conditions: other writers' conditions kept, then PodReadyToStartContainers,
//   Initialized, Ready, ContainersReady, PodScheduled (the kubelet's order), each keeping
//   its lastTransitionTime while its status is unchanged.
import type { KubeObject } from '../machinery/types.js';
import { podQOSClass } from '../resources/core/podDefaults.js';
import { type Obj, num, rec, recs, str } from '../resources/shared/access.js';
import type { ContainerStatus } from './runtime.js';
import { rfc3339 } from '../machinery/time.js';

/** The last exit of a container instance, as lastState/state.terminated carry it. */
export interface Termination {
  containerId: string;
  exitCode: number;
  reason?: string;
  message?: string;
  startedAt?: number;
  finishedAt?: number;
}

export interface ObservedContainer {
  /** The latest instance, as the runtime reports it. */
  current?: ContainerStatus;
  /** The exit of the instance before it (lastState). */
  previous?: Termination;
  restartCount: number;
  /** Why the container is waiting to be (re)started: the kubelet's reasonCache entry. */
  waiting?: { reason: string; message?: string };
  /** From the prober, for a running instance. */
  started?: boolean;
  ready?: boolean;
}

export interface PodObservation {
  /** A sandbox with networking exists (PodReadyToStartContainers). */
  sandboxReady: boolean;
  podIP?: string;
  hostIP: string;
  /** By container name (init and regular containers share one namespace of names). */
  containers: ReadonlyMap<string, ObservedContainer>;
  /** The pod is being (or has been) killed: its containers will not be restarted. */
  terminal: boolean;
  /** Prefix of containerID, e.g. `containerd` or `sim`. */
  runtimeName: string;
}

export const ContainerCreating = 'ContainerCreating';
export const PodInitializing = 'PodInitializing';
const kubeletConditions = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']);

/** metav1.Time: RFC 3339 in whole seconds, UTC. */
let lastSecond = NaN;
let lastText = '';
export function metaTime(ms: number): string {
  const sec = Math.floor(ms / 1000);
  // Statuses format the same second many times over; remember the last one.
  if (sec !== lastSecond) {
    lastSecond = sec;
    lastText = rfc3339(sec * 1000);
  }
  return lastText;
}

const optTime = (ms: number | undefined): string | null => (ms === undefined ? null : metaTime(ms));

export function isRestartableInit(c: Obj): boolean {
  return c.restartPolicy === 'Always';
}

export function restartPolicyOf(pod: KubeObject): string {
  return str(rec(pod.spec)?.restartPolicy) ?? 'Always';
}

function terminatedState(t: Termination, runtimeName: string): Obj {
  const out: Obj = { exitCode: t.exitCode };
  if (t.reason) out.reason = t.reason;
  if (t.message) out.message = t.message;
  out.startedAt = optTime(t.startedAt);
  out.finishedAt = optTime(t.finishedAt);
  out.containerID = `${runtimeName}://${t.containerId}`;
  return out;
}

export function terminationOf(cs: ContainerStatus): Termination {
  const t: Termination = { containerId: cs.id, exitCode: cs.exitCode ?? 0 };
  if (cs.reason) t.reason = cs.reason;
  if (cs.message) t.message = cs.message;
  if (cs.startedAt !== undefined) t.startedAt = cs.startedAt;
  if (cs.finishedAt !== undefined) t.finishedAt = cs.finishedAt;
  return t;
}

function volumeMountStatuses(spec: Obj): Obj[] | undefined {
  const mounts = recs(spec.volumeMounts);
  if (mounts.length === 0) return undefined;
  return mounts.map((m) => {
    const v: Obj = { name: m.name, mountPath: m.mountPath };
    if (m.readOnly === true) {
      v.readOnly = true;
      v.recursiveReadOnly = 'Disabled';
    }
    return v;
  });
}

function containerStatus(spec: Obj, obs: ObservedContainer | undefined, hasInit: boolean, isInit: boolean, runtimeName: string): Obj {
  const name = str(spec.name) ?? '';
  let state: Obj = { waiting: { reason: hasInit ? PodInitializing : ContainerCreating } };
  let lastState: Obj = obs?.previous ? { terminated: terminatedState(obs.previous, runtimeName) } : {};
  let image = str(spec.image) ?? '';
  let imageID = '';
  let containerID: string | undefined;
  let ready = false;
  let started = false;
  const cur = obs?.current;
  if (cur) {
    containerID = `${runtimeName}://${cur.id}`;
    if (cur.image) image = cur.image;
    if (cur.imageRef) imageID = cur.imageRef;
    switch (cur.state) {
      case 'running':
        state = { running: { startedAt: optTime(cur.startedAt) } };
        started = obs?.started ?? true;
        // A regular init container is only "ready" once it completed (prober UpdatePodStatus).
        ready = isInit && !isRestartableInit(spec) ? false : started && (obs?.ready ?? true);
        break;
      case 'exited':
        state = { terminated: terminatedState(terminationOf(cur), runtimeName) };
        // Init containers are "ready" once they completed (prober UpdatePodStatus).
        if (isInit && !isRestartableInit(spec) && (cur.exitCode ?? 0) === 0) ready = true;
        break;
      default:
        state = { waiting: {} };
    }
  }
  const completedInit = isInit && cur?.state === 'exited' && (cur.exitCode ?? 0) === 0;
  if (obs?.waiting && !completedInit) {
    if (state.terminated) lastState = { terminated: state.terminated };
    const w: Obj = { reason: obs.waiting.reason };
    if (obs.waiting.message) w.message = obs.waiting.message;
    state = { waiting: w };
    ready = false;
    started = false;
  }
  const out: Obj = { name, state, lastState, ready, restartCount: obs?.restartCount ?? 0, image, imageID };
  if (containerID) out.containerID = containerID;
  out.started = started;
  out.resources = rec(spec.resources) ?? {};
  const mounts = volumeMountStatuses(spec);
  if (mounts) out.volumeMounts = mounts;
  return out;
}

const stateOf = (s: Obj): Obj => rec(s.state) ?? {};
const hasLastTermination = (s: Obj): boolean => !!rec(rec(s.lastState)?.terminated);

/** kubelet getPhase (without the alpha ContainerRestartRules). */
export function podPhase(pod: KubeObject, statuses: readonly Obj[], podIsTerminal: boolean): string {
  const spec = rec(pod.spec) ?? {};
  const byName = new Map(statuses.map((s) => [str(s.name) ?? '', s]));
  const policy = restartPolicyOf(pod);
  let pendingInit = 0;
  let pendingSidecars = 0;
  let failedInit = 0;
  for (const c of recs(spec.initContainers)) {
    if (isRestartableInit(c)) continue;
    const s = byName.get(str(c.name) ?? '');
    const st = s ? stateOf(s) : undefined;
    if (!s || !st) pendingInit++;
    else if (rec(st.running)) pendingInit++;
    else if (rec(st.terminated)) {
      if ((num(rec(st.terminated)?.exitCode) ?? 0) !== 0) failedInit++;
    } else if (rec(st.waiting)) {
      const last = rec(rec(s.lastState)?.terminated);
      if (last) {
        if ((num(last.exitCode) ?? 0) !== 0) failedInit++;
      } else pendingInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of recs(spec.initContainers)) {
    if (!isRestartableInit(c)) continue;
    const s = byName.get(str(c.name) ?? '');
    if (!s) {
      unknown++;
      continue;
    }
    const st = stateOf(s);
    if (rec(st.running)) {
      if (s.started !== true) pendingSidecars++;
      running++;
    } else if (rec(st.terminated)) {
      // terminated sidecars do not count towards the phase
    } else if (rec(st.waiting)) {
      if (!hasLastTermination(s)) {
        pendingSidecars++;
        waiting++;
      }
    } else {
      pendingSidecars++;
      unknown++;
    }
  }
  let regularStarted = false;
  for (const c of recs(spec.containers)) {
    const s = byName.get(str(c.name) ?? '');
    if (!s) {
      unknown++;
      continue;
    }
    const st = stateOf(s);
    if (rec(st.running)) {
      running++;
      regularStarted = true;
    } else if (rec(st.terminated)) {
      stopped++;
      regularStarted = true;
      if ((num(rec(st.terminated)?.exitCode) ?? 0) === 0) succeeded++;
    } else if (rec(st.waiting)) {
      if (hasLastTermination(s)) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || (pendingSidecars > 0 && !regularStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

interface Cond {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

const list = (names: string[]): string => `[${names.join(' ')}]`;

function containersReady(spec: Obj, byName: Map<string, Obj>, phase: string): Cond {
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (c: Obj): void => {
    const name = str(c.name) ?? '';
    const s = byName.get(name);
    if (!s) unknown.push(name);
    else if (s.ready !== true) unready.push(name);
  };
  for (const c of recs(spec.initContainers)) if (isRestartableInit(c)) check(c);
  for (const c of recs(spec.containers)) check(c);
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: 'ContainersReady', status: 'False', reason: 'PodFailed' };
  const msgs: string[] = [];
  if (unknown.length > 0) msgs.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length > 0) msgs.push(`containers with unready status: ${list(unready)}`);
  if (msgs.length > 0) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: msgs.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

function podReady(spec: Obj, cr: Cond, conditions: readonly Obj[]): Cond {
  if (cr.status !== 'True') {
    const c: Cond = { type: 'Ready', status: cr.status };
    if (cr.reason) c.reason = cr.reason;
    if (cr.message) c.message = cr.message;
    return c;
  }
  const msgs: string[] = [];
  for (const g of recs(spec.readinessGates)) {
    const t = str(g.conditionType) ?? '';
    const c = conditions.find((x) => x.type === t);
    if (!c) msgs.push(`corresponding condition of pod readiness gate "${t}" does not exist.`);
    else if (c.status !== 'True') msgs.push(`the status of pod readiness gate "${t}" is not "True", but ${str(c.status) ?? ''}`);
  }
  if (msgs.length > 0) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: msgs.join(', ') };
  return { type: 'Ready', status: 'True' };
}

function initialized(spec: Obj, byName: Map<string, Obj>, phase: string, regularStarted: boolean): Cond {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of recs(spec.initContainers)) {
    const name = str(c.name) ?? '';
    const s = byName.get(name);
    if (!s) unknown.push(name);
    else if (isRestartableInit(c) ? s.started !== true : s.ready !== true) incomplete.push(name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  if (regularStarted) return { type: 'Initialized', status: 'True' };
  const msgs: string[] = [];
  if (unknown.length > 0) msgs.push(`containers with unknown status: ${list(unknown)}`);
  if (incomplete.length > 0) msgs.push(`containers with incomplete status: ${list(incomplete)}`);
  if (msgs.length > 0) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: msgs.join(', ') };
  return { type: 'Initialized', status: 'True' };
}

const unknownTermination = (): Obj => ({
  terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' },
});

/**
 * status manager TerminatePod: once a pod is done, no container is reported as still waiting
 * or running — one without a known exit is reported failed (137, ContainerStatusUnknown).
 * Regular containers of a pod that never got past its init containers keep waiting.
 */
function terminateStatuses(statuses: Obj[], initStatuses: Obj[]): void {
  const initialized = initStatuses.every((s) => rec(stateOf(s).terminated) && (num(rec(stateOf(s).terminated)?.exitCode) ?? 0) === 0);
  for (const s of initStatuses) if (!rec(stateOf(s).terminated)) s.state = unknownTermination();
  if (!initialized) return;
  for (const s of statuses) {
    if (rec(stateOf(s).terminated)) continue;
    s.state = unknownTermination();
    s.ready = false;
    s.started = false;
  }
}

/** Builds the status to report; `pod.status` is the previous one (kept fields and times). */
export function buildPodStatus(pod: KubeObject, obs: PodObservation, now: number): Obj {
  const spec = rec(pod.spec) ?? {};
  const old = rec(pod.status) ?? {};
  const initSpecs = recs(spec.initContainers);
  const hasInit = initSpecs.length > 0;
  const initStatuses = initSpecs.map((c) => containerStatus(c, obs.containers.get(str(c.name) ?? ''), hasInit, true, obs.runtimeName));
  const statuses = recs(spec.containers)
    .map((c) => containerStatus(c, obs.containers.get(str(c.name) ?? ''), hasInit, false, obs.runtimeName))
    .sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : (a.name as string) > (b.name as string) ? 1 : 0));
  if (obs.terminal) terminateStatuses(statuses, initStatuses);
  const all = [...statuses, ...initStatuses];
  let phase = podPhase(pod, all, obs.terminal);
  // TerminatePod: a pod whose containers are all gone ends in a terminal phase.
  if (obs.terminal && (phase === 'Pending' || phase === 'Running')) phase = 'Failed';
  const oldPhase = str(old.phase) ?? '';
  // Pods never leave a terminal phase.
  if (oldPhase === 'Succeeded' || oldPhase === 'Failed') phase = oldPhase;

  const byName = new Map(all.map((s) => [str(s.name) ?? '', s]));
  const regularStarted = statuses.some((s) => rec(stateOf(s).running) || rec(stateOf(s).terminated) || hasLastTermination(s));
  const oldConditions = recs(old.conditions);
  const kept = oldConditions.filter((c) => !kubeletConditions.has(str(c.type) ?? ''));
  const cr = containersReady(spec, byName, phase);
  const generated: Cond[] = [
    { type: 'PodReadyToStartContainers', status: obs.sandboxReady ? 'True' : 'False' },
    initialized(spec, byName, phase, regularStarted),
    podReady(spec, cr, [...kept, ...oldConditions]),
    cr,
    { type: 'PodScheduled', status: 'True' },
  ];
  const conditions: Obj[] = [...kept];
  for (const g of generated) {
    const prev = oldConditions.find((c) => c.type === g.type);
    const c: Obj = { type: g.type, status: g.status, lastProbeTime: null };
    c.lastTransitionTime = prev && prev.status === g.status && prev.lastTransitionTime ? prev.lastTransitionTime : metaTime(now);
    if (g.reason) c.reason = g.reason;
    if (g.message) c.message = g.message;
    conditions.push(c);
  }

  const status: Obj = { phase, conditions, hostIP: obs.hostIP, hostIPs: [{ ip: obs.hostIP }] };
  if (obs.podIP) {
    status.podIP = obs.podIP;
    status.podIPs = [{ ip: obs.podIP }];
  }
  status.startTime = str(old.startTime) ?? metaTime(now);
  if (hasInit) status.initContainerStatuses = initStatuses;
  status.containerStatuses = statuses;
  status.qosClass = str(old.qosClass) ?? podQOSClass(spec);
  return status;
}
