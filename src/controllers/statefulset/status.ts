// StatefulSet status (upstream stateful_set_control.go computeReplicaStatus / updateStatus and
// stateful_set_utils.go completeRollingUpdate / inconsistentStatus).
import type { KubeObject } from '../../machinery/types.js';
import { int, num, specOf, statusOf, str } from '../shared/meta.js';
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating, podRevision, replicasOf } from './identity.js';

export interface StatefulSetStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
  availableReplicas: number;
}

/** updateStatus over pod lists: created, ready, available, and per-revision counts. */
export function countReplicas(
  status: StatefulSetStatus,
  minReadySeconds: number,
  now: number,
  ...podLists: readonly (readonly KubeObject[])[]
): void {
  status.replicas = 0;
  status.readyReplicas = 0;
  status.availableReplicas = 0;
  status.currentReplicas = 0;
  status.updatedReplicas = 0;
  for (const pods of podLists) {
    for (const pod of pods) {
      if (isCreated(pod)) status.replicas++;
      if (isRunningAndReady(pod)) {
        status.readyReplicas++;
        if (isRunningAndAvailable(pod, minReadySeconds, now)) status.availableReplicas++;
      }
      if (isCreated(pod) && !isTerminating(pod)) {
        const rev = podRevision(pod);
        if (rev === status.currentRevision) status.currentReplicas++;
        if (rev === status.updateRevision) status.updatedReplicas++;
      }
    }
  }
}

/**
 * completeRollingUpdate: once every replica is updated and ready, the update revision
 * becomes the current one.
 */
export function completeRollingUpdate(set: KubeObject, status: StatefulSetStatus): void {
  const replicas = replicasOf(set);
  const type = str((specOf(set).updateStrategy as Record<string, unknown> | undefined)?.type);
  if (type === 'RollingUpdate' && status.updatedReplicas === replicas && status.readyReplicas === replicas && status.replicas === replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** inconsistentStatus: whether the stored status needs this update (collisionCount alone does not). */
export function inconsistentStatus(set: KubeObject, status: StatefulSetStatus): boolean {
  const s = statusOf(set);
  return status.observedGeneration > int(s, 'observedGeneration') ||
    status.replicas !== int(s, 'replicas') ||
    status.currentReplicas !== int(s, 'currentReplicas') ||
    status.readyReplicas !== int(s, 'readyReplicas') ||
    status.updatedReplicas !== int(s, 'updatedReplicas') ||
    status.currentRevision !== (str(s.currentRevision) ?? '') ||
    status.availableReplicas !== int(s, 'availableReplicas') ||
    status.updateRevision !== (str(s.updateRevision) ?? '');
}

/**
 * The status as upstream writes it: the whole status is replaced (conditions are not kept),
 * and the `omitempty` fields are left out when zero; replicas, availableReplicas and
 * collisionCount are always written.
 */
export function statusObject(status: StatefulSetStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  out.replicas = status.replicas;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
  if (status.updatedReplicas) out.updatedReplicas = status.updatedReplicas;
  if (status.currentRevision) out.currentRevision = status.currentRevision;
  if (status.updateRevision) out.updateRevision = status.updateRevision;
  out.collisionCount = status.collisionCount;
  out.availableReplicas = status.availableReplicas;
  return out;
}

export function generationOf(set: KubeObject): number {
  return num(set.metadata.generation) ?? 0;
}
