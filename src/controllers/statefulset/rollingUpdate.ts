// RollingUpdate of a StatefulSet (upstream updateStatefulSet's tail and
// updateStatefulSetAfterInvariantEstablished): pods at ordinals ≥ partition that are not at
// the update revision are deleted from the highest ordinal down and recreated at the update
// revision by a later sync.
//   - Without maxUnavailable: one at a time — the highest outdated pod is deleted unless a
//     higher one is still unavailable.
//   - With maxUnavailable (the MaxUnavailableStatefulSet gate; our API keeps the field only
//     when already stored, so its presence stands for the gate): up to maxUnavailable minus
//     the replicas already unavailable (rounded down, at least 1).
import { scaledValueFromIntOrPercent } from '../../machinery/intstr.js';
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { int, rec, specOf } from '../shared/meta.js';
import { isTerminating, isUnavailable, podRevision, replicasOf } from './identity.js';
import { deleteStatefulPod } from './podControl.js';
import type { StatefulSetStatus } from './status.js';

/** getStatefulSetMaxUnavailable. */
export function maxUnavailableOf(value: unknown, replicas: number): number {
  const v = typeof value === 'number' || typeof value === 'string' ? value : 1;
  let n: number;
  try {
    n = scaledValueFromIntOrPercent(v, replicas, false);
  } catch {
    n = 1;
  }
  return Math.max(1, n);
}

export function rollingUpdateActions(
  set: KubeObject,
  replicas: readonly KubeObject[],
  updateRevision: string,
  status: StatefulSetStatus,
  minReadySeconds: number,
  now: number,
): Action[] {
  const ru = rec(rec(specOf(set).updateStrategy)?.rollingUpdate);
  const updateMin = ru ? int(ru, 'partition') : 0;
  const outdated = (p: KubeObject): boolean => podRevision(p) !== updateRevision && !isTerminating(p);

  if (ru && ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
    const maxUnavailable = maxUnavailableOf(ru.maxUnavailable, replicasOf(set));
    const unavailable = replicas.filter((p) => isUnavailable(p, minReadySeconds, now)).length;
    if (unavailable > maxUnavailable) return [];
    const actions: Action[] = [];
    for (let target = replicas.length - 1; target >= updateMin && actions.length < maxUnavailable - unavailable; target--) {
      if (!outdated(replicas[target])) continue;
      actions.push(deleteStatefulPod(set, replicas[target], true));
      status.currentReplicas--;
    }
    return actions;
  }

  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const pod = replicas[target];
    if (outdated(pod)) {
      status.currentReplicas--;
      return [deleteStatefulPod(set, pod, true)];
    }
    if (isUnavailable(pod, minReadySeconds, now)) return [];
  }
  return [];
}
