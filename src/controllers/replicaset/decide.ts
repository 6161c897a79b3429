// The ReplicaSet controller's decision (upstream pkg/controller/replicaset/replica_set.go
// syncReplicaSet / claimPods / manageReplicas, without expectations: the observed state is
// assumed fresh). Output order: claim patches, the status update, pod creates or deletes,
// and a requeue for the next pod to become available.
//
// The status update comes before the creates/deletes (upstream writes it after): a create
// that fails stops the action list, and the failure reaches the next sync as `lastFailure`,
// whose status then carries the ReplicaFailure condition — written first, so a create that
// keeps failing (quota) still gets its condition recorded.
import type { KubeObject } from '../../machinery/types.js';
import {
  type Action, type CreateAction, type DeleteAction, type LastFailure, POD, REPLICA_SET, eventFor, failedWriteOf, refOf,
} from '../shared/actions.js';
import { clone, int, specOf } from '../shared/meta.js';
import { claimObjects, getControllerOf, newControllerRef } from '../shared/ownerRefs.js';
import { podsToDelete } from '../shared/podDeletionOrder.js';
import { filterActivePods, msUntilAvailable } from '../shared/pods.js';
import { selectorOf } from '../shared/selectors.js';
import { podFromTemplate, slowStartBatches, templateOf } from './podTemplate.js';
import { type ManageReplicasError, calculateReplicaSetStatus, replicaSetStatusUnchanged } from './status.js';

/** kube-controller-manager's --replicaset burst: creates or deletes per sync. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetObserved {
  replicaSet: KubeObject;
  /** Every pod in the ReplicaSet's namespace (owned pods that stopped matching get released). */
  pods: readonly KubeObject[];
  /**
   * Every ReplicaSet in the namespace (optional). Pods of ReplicaSets under the same controller
   * rank scale-down choices: a pod sharing its node with more of them is deleted first.
   */
  replicaSets?: readonly KubeObject[];
  /** The previous sync's failed action, as the reconcile loop reports it. */
  lastFailure?: LastFailure;
}

/** The error manageReplicas would have returned for the previous sync's failure, if any. */
function manageError(f: LastFailure | undefined): ManageReplicasError | undefined {
  if (!f) return undefined;
  if (failedWriteOf(f, 'create', 'Pod')) return { message: f.message };
  if (failedWriteOf(f, 'delete', 'Pod')) return { message: `unable to delete pods: ${f.message}` };
  return undefined;
}

/** getIndirectlyRelatedPods: pods selected by any ReplicaSet with the same controller. */
function relatedPods(rs: KubeObject, observed: ReplicaSetObserved): KubeObject[] {
  const ref = getControllerOf(rs);
  if (!ref) return [];
  const siblings = (observed.replicaSets ?? []).filter((o) => getControllerOf(o)?.uid === ref.uid && o.metadata.uid !== rs.metadata.uid);
  const seen = new Set<string>();
  const out: KubeObject[] = [];
  for (const owner of [rs, ...siblings]) {
    const sel = selectorOf(specOf(owner).selector);
    if (!sel) continue;
    for (const pod of observed.pods) {
      const key = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (pod.metadata.namespace !== owner.metadata.namespace || seen.has(key) || !sel.matches(pod.metadata.labels ?? {})) continue;
      seen.add(key);
      out.push(pod);
    }
  }
  return out;
}

function createActions(rs: KubeObject, count: number): CreateAction[] {
  const ref = newControllerRef(rs, REPLICA_SET);
  const template = templateOf(rs);
  const actions: CreateAction[] = [];
  slowStartBatches(count).forEach((size, batch) => {
    for (let i = 0; i < size; i++) {
      actions.push({
        kind: 'create',
        object: podFromTemplate(rs, template, ref),
        batch,
        onSuccess: [eventFor(rs, REPLICA_SET, 'Normal', 'SuccessfulCreate', 'Created pod: {{name}}')],
        onFailure: [eventFor(rs, REPLICA_SET, 'Warning', 'FailedCreate', 'Error creating: {{error}}')],
      });
    }
  });
  return actions;
}

function deleteActions(rs: KubeObject, pods: readonly KubeObject[]): DeleteAction[] {
  return pods.map((pod) => {
    const a: DeleteAction = {
      kind: 'delete',
      ref: refOf(pod, POD),
      onSuccess: [eventFor(rs, REPLICA_SET, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`)],
      onFailure: [eventFor(rs, REPLICA_SET, 'Warning', 'FailedDelete', 'Error deleting: {{error}}')],
      tolerate: ['NotFound'],
    };
    if (pod.metadata.uid) a.preconditions = { uid: pod.metadata.uid };
    return a;
  });
}

export function decideReplicaSet(observed: ReplicaSetObserved, now: number): Action[] {
  const rs = observed.replicaSet;
  const spec = specOf(rs);
  const selector = selectorOf(spec.selector);
  if (!selector) return [];
  const ns = rs.metadata.namespace;
  const active = filterActivePods(observed.pods.filter((p) => p.metadata.namespace === ns));
  const claim = claimObjects(rs, REPLICA_SET, active, POD, (p) => selector.matches(p.metadata.labels ?? {}));
  const actions: Action[] = [...claim.patches];
  const pods = claim.claimed;

  const error = manageError(observed.lastFailure);
  const status = calculateReplicaSetStatus(rs, pods, error, now);
  if (!replicaSetStatusUnchanged(rs, status)) actions.push({ kind: 'updateStatus', object: { ...clone(rs), apiVersion: REPLICA_SET.apiVersion, kind: REPLICA_SET.kind, status } });

  if (!rs.metadata.deletionTimestamp) {
    const diff = pods.length - int(spec, 'replicas');
    if (diff < 0) actions.push(...createActions(rs, Math.min(-diff, BURST_REPLICAS)));
    else if (diff > 0) actions.push(...deleteActions(rs, podsToDelete(pods, relatedPods(rs, observed), Math.min(diff, BURST_REPLICAS), now)));
  }

  // Upstream requeues after minReadySeconds once all pods are ready, and after
  // minReadySeconds + 1 s when a pod turns ready; waking for the next pod due covers both.
  const minReadySeconds = int(spec, 'minReadySeconds');
  const waits = pods.map((p) => msUntilAvailable(p, minReadySeconds, now)).filter((ms): ms is number => ms !== undefined);
  if (waits.length) actions.push({ kind: 'requeueAfter', ms: Math.min(...waits) + 1000 });
  return actions;
}
