// The node lifecycle controller's decision for one node (upstream monitorNodeHealth for the
// node, its tainting passes, MarkPodsNotReady, and the taint-eviction controller for the
// pods bound to it). Action order: the node's status (conditions gone Unknown) with a
// NodeNotReady Event, the taint patch, pods marked not Ready, then NoExecute evictions; and a
// requeue for the next moment something can change by itself (the Lease going stale, a
// rate-limited taint, a toleration running out, the monitor period while not Ready).
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type Gvk, eventFor, refOf } from '../shared/actions.js';
import { type Obj, clone, metaTime, parseTime, rec, recs } from '../shared/meta.js';
import { planEvictions } from './eviction.js';
import { defaults, evaluateHealth, type NodeLifecycleOptions, type ZoneSummary } from './health.js';
import { planTaints } from './taints.js';

export const NODE: Gvk = { apiVersion: 'v1', kind: 'Node' };

export interface NodeLifecycleObserved {
  node: KubeObject;
  /** The node's Lease (kube-node-lease/<node>), if any. */
  lease?: KubeObject;
  /** Pods bound to the node (spec.nodeName). */
  pods: readonly KubeObject[];
  /** The node's zone from summarizeZones over all nodes this pass (default: a Normal zone). */
  zone?: ZoneSummary;
  /** When the wiring first saw the node's current NoExecute taints (default: their oldest timeAdded). */
  taintedSince?: number;
}

/**
 * MarkPodsNotReady: a pod still Ready on a node that is not is set Ready=False (with a
 * NodeNotReady Event). Pods that turned Ready after the node did not (a kubelet that is
 * alive says so) are left alone, which stands in for upstream's "on the transition".
 */
function markPodsNotReady(pods: readonly KubeObject[], nodeNotReadySince: number | undefined, now: number): Action[] {
  const actions: Action[] = [];
  for (const pod of pods) {
    const status = rec(pod.status) ?? {};
    const conditions = recs(status.conditions);
    const ready = conditions.find((c) => c.type === 'Ready');
    if (!ready || ready.status !== 'True') continue;
    const since = parseTime(ready.lastTransitionTime);
    if (nodeNotReadySince !== undefined && since !== undefined && since > nodeNotReadySince) continue;
    const next: Obj = { ...clone(status), conditions: conditions.map((c) => (c.type === 'Ready' ? { ...clone(c), status: 'False', lastTransitionTime: metaTime(now) } : clone(c))) };
    actions.push({
      kind: 'updateStatus',
      object: { ...clone(pod), apiVersion: 'v1', kind: 'Pod', status: next },
      tolerate: ['NotFound', 'Conflict'],
      onSuccess: [{ type: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready', involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' } }],
    });
  }
  return actions;
}

export function decideNodeLifecycle(observed: NodeLifecycleObserved, now: number, opts: NodeLifecycleOptions = {}): Action[] {
  const { node, lease, pods, zone } = observed;
  const actions: Action[] = [];
  const health = evaluateHealth(node, lease, now, opts);

  if (health.changed) {
    const status = { ...clone(rec(node.status) ?? {}), conditions: health.conditions };
    const onSuccess = health.readyBefore === 'True' ? [eventFor(node, NODE, 'Normal', 'NodeNotReady', `Node ${node.metadata.name ?? ''} status is now: NodeNotReady`)] : [];
    actions.push({ kind: 'updateStatus', object: { ...clone(node), apiVersion: 'v1', kind: 'Node', status }, onSuccess });
  }

  const taints = planTaints(node, health.conditions, health.ready, zone, now, opts);
  if (taints.changed) {
    actions.push({ kind: 'patch', ref: refOf(node, NODE), patchType: 'merge', patch: { spec: { taints: taints.taints.length > 0 ? taints.taints : null } } });
  }

  if (health.ready !== 'True') {
    const readyCond = health.conditions.find((c) => c.type === 'Ready');
    actions.push(...markPodsNotReady(pods, parseTime(readyCond?.lastTransitionTime), now));
  }

  // Evictions follow the NoExecute taints the node has and keeps: ones being added act once
  // the patch is seen (as the separate taint-eviction controller would), ones being removed
  // no longer do.
  const kept = recs(rec(node.spec)?.taints).filter((t) => taints.taints.some((k) => k.key === t.key && k.effect === t.effect));
  const evictions = planEvictions({ ...node, spec: { ...rec(node.spec), taints: kept } }, pods, now, observed.taintedSince);
  actions.push(...evictions.actions);

  const waits: number[] = [];
  if (health.staleAt !== undefined) waits.push(health.staleAt - now);
  if (taints.retryInMs !== undefined) waits.push(taints.retryInMs);
  if (evictions.nextInMs !== undefined) waits.push(evictions.nextInMs);
  if (health.ready !== 'True') waits.push(opts.nodeMonitorPeriodMs ?? defaults.nodeMonitorPeriodMs);
  const wait = waits.filter((w) => w > 0);
  if (wait.length > 0) actions.push({ kind: 'requeueAfter', ms: Math.min(...wait) });
  return actions;
}
