// The pod garbage collector (upstream pkg/controller/podgc/gc_controller.go), one pass every
// 20 s over all pods and nodes:
//   - terminated pods (phase not Pending/Running/Unknown) beyond terminated-pod-gc-threshold
//     (default 12500), evicted ones first, then oldest first;
//   - terminating pods on a NotReady node tainted node.kubernetes.io/out-of-service;
//   - orphaned pods, bound to a node that has been missing for the 40 s quarantine — marked
//     with a DisruptionTarget condition (DeletionByPodGC);
//   - terminating pods never scheduled to a node.
// Each goes through markFailedAndDeletePod: a pod not yet terminal is first set to phase Failed
// (status update), then deleted with grace period 0.
//
// Upstream keeps the quarantine in a delaying queue; here trackMissingNodes carries "missing
// since" between passes and the decision stays pure.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, POD } from '../shared/actions.js';
import { deleteWithOptions } from '../shared/deleteOptions.js';
import { type Obj, clone, compareByCreation, metaTime, rec, recs, specOf, statusOf, str } from '../shared/meta.js';

export const DEFAULT_TERMINATED_POD_GC_THRESHOLD = 12500;
export const GC_CHECK_PERIOD_MS = 20_000;
export const QUARANTINE_MS = 40_000;
export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

export interface PodGCObserved {
  pods: readonly KubeObject[];
  nodes: readonly KubeObject[];
  /** When each node that pods are bound to was first seen missing (see trackMissingNodes). */
  missingNodesSince?: ReadonlyMap<string, number>;
}

export interface PodGCOptions {
  /** --terminated-pod-gc-threshold; 0 or less disables the terminated-pod pass. */
  terminatedPodThreshold?: number;
  quarantineMs?: number;
  gcCheckPeriodMs?: number;
}

const nodeNameOf = (pod: KubeObject): string => str(specOf(pod).nodeName) ?? '';
const phaseOf = (pod: KubeObject): string => str(statusOf(pod).phase) ?? '';

function isPodTerminated(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

const isEvicted = (pod: KubeObject): boolean => phaseOf(pod) === 'Failed' && statusOf(pod).reason === 'Evicted';

/** byEvictionAndCreationTimestamp. */
function gcOrder(a: KubeObject, b: KubeObject): number {
  const ea = isEvicted(a);
  const eb = isEvicted(b);
  if (ea !== eb) return ea ? -1 : 1;
  return compareByCreation(a, b);
}

function isNodeReady(node: KubeObject): boolean {
  return recs(statusOf(node).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** "Missing since" for every node pods are bound to that is not in `nodes`; the rest dropped. */
export function trackMissingNodes(prev: ReadonlyMap<string, number>, pods: readonly KubeObject[], nodes: readonly KubeObject[], now: number): Map<string, number> {
  const existing = new Set(nodes.map((n) => n.metadata.name ?? ''));
  const out = new Map<string, number>();
  for (const pod of pods) {
    const name = nodeNameOf(pod);
    if (name === '' || existing.has(name) || out.has(name)) continue;
    out.set(name, prev.get(name) ?? now);
  }
  return out;
}

/** apipod.UpdatePodCondition: replace by type; the transition time moves only with the status. */
function withCondition(status: Obj, condition: Obj, now: number): void {
  const conditions = recs(status.conditions).map((c) => ({ ...c }));
  const i = conditions.findIndex((c) => c.type === condition.type);
  const next: Obj = { ...condition, lastTransitionTime: metaTime(now) };
  if (i >= 0) {
    if (conditions[i].status === condition.status) next.lastTransitionTime = conditions[i].lastTransitionTime;
    conditions[i] = { ...conditions[i], ...next };
  } else {
    conditions.push(next);
  }
  status.conditions = conditions;
}

function markFailedAndDelete(pod: KubeObject, now: number, condition?: Obj): Action[] {
  const actions: Action[] = [];
  const phase = phaseOf(pod);
  if (phase !== 'Succeeded' && phase !== 'Failed') {
    // A pod on a vanished node would otherwise stay Running forever: no kubelet will end it.
    const status = clone(statusOf(pod));
    status.phase = 'Failed';
    if (condition) withCondition(status, condition, now);
    actions.push({ kind: 'updateStatus', object: { ...clone(pod), apiVersion: 'v1', kind: 'Pod', status }, tolerate: ['NotFound'] });
  }
  actions.push(deleteWithOptions(pod, POD, { gracePeriodSeconds: 0 }));
  return actions;
}

export function decidePodGC(observed: PodGCObserved, now: number, opts: PodGCOptions = {}): Action[] {
  const threshold = opts.terminatedPodThreshold ?? DEFAULT_TERMINATED_POD_GC_THRESHOLD;
  const quarantine = opts.quarantineMs ?? QUARANTINE_MS;
  const nodes = new Map(observed.nodes.map((n) => [n.metadata.name ?? '', n]));
  const handled = new Set<KubeObject>();
  const actions: Action[] = [];
  const gc = (pod: KubeObject, condition?: Obj): void => {
    if (handled.has(pod)) return;
    handled.add(pod);
    actions.push(...markFailedAndDelete(pod, now, condition));
  };

  if (threshold > 0) {
    const terminated = observed.pods.filter(isPodTerminated);
    const excess = terminated.length - threshold;
    if (excess > 0) for (const pod of [...terminated].sort(gcOrder).slice(0, excess)) gc(pod);
  }

  const outOfService = observed.pods.filter((pod) => {
    if (!pod.metadata.deletionTimestamp) return false;
    const node = nodes.get(nodeNameOf(pod));
    return node !== undefined && !isNodeReady(node) && recs(rec(node.spec)?.taints).some((t) => t.key === OUT_OF_SERVICE_TAINT);
  });
  for (const pod of outOfService.sort(gcOrder)) gc(pod);

  const missing = observed.missingNodesSince ?? trackMissingNodes(new Map(), observed.pods, observed.nodes, now);
  for (const pod of observed.pods) {
    const name = nodeNameOf(pod);
    const since = name === '' || nodes.has(name) ? undefined : missing.get(name);
    if (since === undefined || now - since < quarantine) continue;
    gc(pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
  }

  for (const pod of observed.pods) if (pod.metadata.deletionTimestamp && nodeNameOf(pod) === '') gc(pod);

  actions.push({ kind: 'requeueAfter', ms: opts.gcCheckPeriodMs ?? GC_CHECK_PERIOD_MS });
  return actions;
}
