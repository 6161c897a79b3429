// RollingUpdate (upstream rolling.go): grow the new ReplicaSet within maxSurge, then shrink old
// ones within maxUnavailable — unhealthy old replicas first — one step per sync.
import type { KubeObject } from '../../machinery/types.js';
import { int, statusOf } from '../shared/meta.js';
import type { DeploymentSync } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './newReplicaSet.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment } from './sync.js';
import {
  availableReplicaSum, byCreation, deploymentComplete, filterActive, maxUnavailable, newRSNewReplicas, replicasOf, specReplicaSum,
} from './util.js';

const availableOf = (rs: KubeObject): number => int(statusOf(rs), 'availableReplicas');

/** reconcileNewReplicaSet: scale the new ReplicaSet toward the desired count. */
export function reconcileNewReplicaSet(ctx: DeploymentSync, allRSs: readonly KubeObject[], newRS: KubeObject): boolean {
  const desired = replicasOf(ctx.d);
  const current = replicasOf(newRS);
  if (current === desired) return false;
  if (current > desired) return ctx.scaleAndRecord(newRS, desired);
  return ctx.scaleAndRecord(newRS, newRSNewReplicas(ctx.d, allRSs, newRS));
}

/**
 * cleanupUnhealthyReplicas: scale old ReplicaSets down by their unavailable replicas, oldest
 * first, at most `maxCleanup` in all. Undefined when upstream errors out (an old ReplicaSet
 * reports more available replicas than it wants).
 */
export function cleanupUnhealthyReplicas(ctx: DeploymentSync, oldRSs: readonly KubeObject[], maxCleanup: number): number | undefined {
  let total = 0;
  for (const rs of byCreation(oldRSs)) {
    if (total >= maxCleanup) break;
    const replicas = replicasOf(rs);
    if (replicas === 0 || replicas === availableOf(rs)) continue;
    const count = Math.min(maxCleanup - total, replicas - availableOf(rs));
    const next = replicas - count;
    if (next > replicas) return undefined;
    ctx.scaleAndRecord(rs, next);
    total += count;
  }
  return total;
}

/** scaleDownOldReplicaSetsForRollingUpdate: remove available old replicas above minAvailable. */
export function scaleDownOldReplicaSetsForRollingUpdate(ctx: DeploymentSync, allRSs: readonly KubeObject[], oldRSs: readonly KubeObject[]): number {
  const minAvailable = replicasOf(ctx.d) - maxUnavailable(ctx.d);
  const available = availableReplicaSum(allRSs);
  if (available <= minAvailable) return 0;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of byCreation(oldRSs)) {
    if (total >= target) break;
    const replicas = replicasOf(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, target - total);
    ctx.scaleAndRecord(rs, replicas - count);
    total += count;
  }
  return total;
}

/**
 * reconcileOldReplicaSets: may scale old ReplicaSets down by
 * allPods - minAvailable - newRSUnavailable (so a failing new ReplicaSet cannot drain them).
 */
export function reconcileOldReplicaSets(ctx: DeploymentSync, allRSs: readonly KubeObject[], oldRSs: readonly KubeObject[], newRS: KubeObject): boolean {
  if (specReplicaSum(oldRSs) === 0) return false;
  const minAvailable = replicasOf(ctx.d) - maxUnavailable(ctx.d);
  const newRSUnavailable = replicasOf(newRS) - availableOf(newRS);
  const maxScaledDown = specReplicaSum(allRSs) - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(ctx, oldRSs, maxScaledDown);
  if (cleaned === undefined) return false;
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(ctx, [...oldRSs, newRS], oldRSs);
  return cleaned + scaledDown > 0;
}

export function rolloutRolling(ctx: DeploymentSync): void {
  const sets = getAllReplicaSetsAndSyncRevision(ctx, true);
  if (!sets?.newRS) return;
  const { newRS, oldRSs } = sets;
  const allRSs = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(ctx, allRSs, newRS)) return syncRolloutStatus(ctx, oldRSs, newRS);
  if (reconcileOldReplicaSets(ctx, allRSs, filterActive(oldRSs), newRS)) return syncRolloutStatus(ctx, oldRSs, newRS);
  if (deploymentComplete(ctx.d, statusOf(ctx.d))) cleanupDeployment(ctx, oldRSs);
  syncRolloutStatus(ctx, oldRSs, newRS);
}
