// Recreate (upstream recreate.go): scale every old ReplicaSet to zero, wait until none of
// their pods is left running, then create / scale up the new ReplicaSet.
import type { KubeObject } from '../../machinery/types.js';
import { statusOf } from '../shared/meta.js';
import { podPhase } from '../shared/pods.js';
import type { DeploymentSync } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './newReplicaSet.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment } from './sync.js';
import { actualReplicaSum, deploymentComplete, filterActive, replicasOf } from './util.js';

/** oldPodsRunning: old ReplicaSets still report replicas, or own a pod not yet terminal. */
export function oldPodsRunning(newRS: KubeObject | undefined, oldRSs: readonly KubeObject[], podMap: ReadonlyMap<string, readonly KubeObject[]>): boolean {
  if (actualReplicaSum(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    // Unknown (and any other non-terminal phase) may still be running.
    if (pods.some((p) => podPhase(p) !== 'Failed' && podPhase(p) !== 'Succeeded')) return true;
  }
  return false;
}

export function rolloutRecreate(ctx: DeploymentSync): void {
  let sets = getAllReplicaSetsAndSyncRevision(ctx, false);
  if (!sets) return;
  let scaledDown = false;
  for (const rs of filterActive(sets.oldRSs)) if (ctx.scaleAndRecord(rs, 0)) scaledDown = true;
  if (scaledDown || oldPodsRunning(sets.newRS, sets.oldRSs, ctx.podMap)) return syncRolloutStatus(ctx, sets.oldRSs, sets.newRS);
  if (!sets.newRS) {
    sets = getAllReplicaSetsAndSyncRevision(ctx, true);
    if (!sets?.newRS) return;
  }
  const newRS = sets.newRS;
  if (!newRS) return;
  ctx.scaleAndRecord(newRS, replicasOf(ctx.d));
  if (deploymentComplete(ctx.d, statusOf(ctx.d))) cleanupDeployment(ctx, sets.oldRSs);
  syncRolloutStatus(ctx, sets.oldRSs, newRS);
}
