// ReplicaSet status (upstream replica_set_utils.go calculateStatus and the skip test of
// updateReplicaSetStatus).
import { selectorFromSet } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Condition, conditionsOf, getCondition, removeCondition, setCondition } from '../shared/conditions.js';
import { clone, int, metaTime, rec, semanticEqual, specOf, statusOf, strMap } from '../shared/meta.js';
import { isPodAvailable, isPodReady } from '../shared/pods.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** The error manageReplicas returned: sets the ReplicaFailure condition. */
export interface ManageReplicasError {
  message: string;
}

function setCount(status: Record<string, unknown>, key: string, v: number, keepZero = false): void {
  if (v === 0 && !keepZero) delete status[key];
  else status[key] = v;
}

/**
 * The status for `pods` (the ReplicaSet's active, claimed pods): counts, and the
 * ReplicaFailure condition added (FailedCreate / FailedDelete) when manageReplicas failed or
 * removed when it did not. observedGeneration is the ReplicaSet's generation.
 */
export function calculateReplicaSetStatus(rs: KubeObject, pods: readonly KubeObject[], manageError: ManageReplicasError | undefined, now: number): Record<string, unknown> {
  const spec = specOf(rs);
  const status = clone(statusOf(rs));
  const template = selectorFromSet(strMap(rec(rec(spec.template)?.metadata)?.labels));
  const minReadySeconds = int(spec, 'minReadySeconds');
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (template.matches(pod.metadata.labels ?? {})) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  let conditions: Condition[] = conditionsOf(status);
  const failure = getCondition(conditions, REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - int(spec, 'replicas');
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: Condition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: metaTime(now), message: manageError.message };
    if (reason) cond.reason = reason;
    conditions = setCondition(conditions, cond);
  } else if (!manageError && failure) {
    conditions = removeCondition(conditions, REPLICA_FAILURE);
  }
  if (conditions.length) status.conditions = conditions;
  else delete status.conditions;
  setCount(status, 'replicas', pods.length, true);
  setCount(status, 'fullyLabeledReplicas', fullyLabeled);
  setCount(status, 'readyReplicas', ready);
  setCount(status, 'availableReplicas', available);
  setCount(status, 'observedGeneration', rs.metadata.generation ?? 0);
  return status;
}

/** updateReplicaSetStatus's steady-state test: nothing to write. */
export function replicaSetStatusUnchanged(rs: KubeObject, next: Record<string, unknown>): boolean {
  const cur = statusOf(rs);
  return (
    int(cur, 'replicas') === int(next, 'replicas') &&
    int(cur, 'fullyLabeledReplicas') === int(next, 'fullyLabeledReplicas') &&
    int(cur, 'readyReplicas') === int(next, 'readyReplicas') &&
    int(cur, 'availableReplicas') === int(next, 'availableReplicas') &&
    (rs.metadata.generation ?? 0) === int(cur, 'observedGeneration') &&
    semanticEqual(cur.conditions, next.conditions)
  );
}
