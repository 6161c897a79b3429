// `kubectl get pods` columns, computed as upstream's printPod (pkg/printers/internalversion):
// READY counts ready running containers (plus started sidecars), STATUS walks init then
// regular container states, RESTARTS shows "N (Xm ago)" from the last termination.
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, num, rec, recs, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import type { TableCell, TableSpec } from '../types.js';

function isRestartableInit(c: Obj | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function finishedAt(cs: Obj): string | undefined {
  const last = rec(rec(cs.lastState)?.terminated);
  return last ? str(last.finishedAt) : undefined;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function hasCondition(status: Obj, type: string): boolean {
  return recs(status.conditions).some((c) => c.type === type && c.status === 'True');
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS exactly as printPod derives them. */
export function podSummary(pod: KubeObject, now: number): PodSummary {
  const spec = rec(pod.spec) ?? {};
  const status = rec(pod.status) ?? {};
  const initSpecs = recs(spec.initContainers);
  let total = recs(spec.containers).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | undefined;
  let lastSidecarRestart: string | undefined;
  const phase = str(status.phase) ?? '';
  let reason = str(status.reason) || phase;
  for (const c of recs(status.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initByName = new Map<string, Obj>();
  for (const c of initSpecs) {
    initByName.set(str(c.name) ?? '', c);
    if (isRestartableInit(c)) total++;
  }
  let initializing = false;
  const initStatuses = recs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const count = num(cs.restartCount) ?? 0;
    restarts += count;
    lastRestart = later(lastRestart, finishedAt(cs));
    const sidecar = isRestartableInit(initByName.get(str(cs.name) ?? ''));
    if (sidecar) {
      sidecarRestarts += count;
      lastSidecarRestart = later(lastSidecarRestart, finishedAt(cs));
    }
    const state = rec(cs.state) ?? {};
    const terminated = rec(state.terminated);
    const waiting = rec(state.waiting);
    if (terminated && (num(terminated.exitCode) ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      const r = str(terminated.reason) ?? '';
      if (r === '') {
        const signal = num(terminated.signal) ?? 0;
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${num(terminated.exitCode) ?? 0}`;
      } else {
        reason = `Init:${r}`;
      }
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = recs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(cs.restartCount) ?? 0;
      lastRestart = later(lastRestart, finishedAt(cs));
      const state = rec(cs.state) ?? {};
      const waiting = rec(state.waiting);
      const terminated = rec(state.terminated);
      if (waiting && str(waiting.reason)) {
        reason = str(waiting.reason) ?? reason;
      } else if (terminated && str(terminated.reason)) {
        reason = str(terminated.reason) ?? reason;
      } else if (terminated) {
        const signal = num(terminated.signal) ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated.exitCode) ?? 0}`;
      } else if (cs.ready === true && rec(state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed while another still runs is not "Completed".
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }
  const deleting = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  const restartsText = restarts !== 0 && lastRestart ? `${restarts} (${age(lastRestart, now)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function readinessGates(spec: Obj, status: Obj): string {
  const gates = recs(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = recs(status.conditions);
  let trueCount = 0;
  for (const g of gates) {
    const c = conditions.find((x) => x.type === g.conditionType);
    if (c?.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podTable: TableSpec = {
  columns: [
    nameColumn,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    col('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col('Node', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename', 1),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.', 1),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates', 1),
  ],
  row(obj: KubeObject, now: number): TableCell[] {
    const spec = rec(obj.spec) ?? {};
    const status = rec(obj.status) ?? {};
    const s = podSummary(obj, now);
    const podIPs = recs(status.podIPs);
    const ip = str(podIPs[0]?.ip) || '<none>';
    return [
      obj.metadata.name ?? '',
      s.ready,
      s.status,
      s.restarts,
      age(obj.metadata.creationTimestamp, now),
      ip,
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates(spec, status),
    ];
  },
};
