// Scaling without a rollout and history clean-up (upstream sync.go sync / scale /
// cleanupDeployment / isScalingEvent / syncStatusOnly).
import type { KubeObject } from '../../machinery/types.js';
import { int, num, specOf, statusOf } from '../shared/meta.js';
import type { DeploymentSync } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './newReplicaSet.js';
import { syncDeploymentStatus } from './progress.js';
import {
  byRevision, bySizeNewer, bySizeOlder, desiredReplicasAnnotation, filterActive, findActiveOrLatest, hasRevisionHistoryLimit,
  isRollingUpdate, isSaturated, maxSurge, replicaSetProportion, replicasOf, specReplicaSum,
} from './util.js';

/**
 * scale: one active ReplicaSet (or none) takes the whole count; a saturated new ReplicaSet
 * retires the old ones; otherwise, for RollingUpdate, the change (bounded by maxSurge) is
 * spread over the active ReplicaSets in proportion to their size, the rounding leftover going
 * to the first (largest; newest when scaling up, oldest when scaling down).
 */
export function scale(ctx: DeploymentSync, newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): void {
  const d = ctx.d;
  const desired = replicasOf(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) !== desired) ctx.scaleAndRecord(activeOrLatest, desired);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) ctx.scaleAndRecord(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  let all = filterActive(newRS ? [...oldRSs, newRS] : oldRSs);
  const allowedSize = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowedSize - specReplicaSum(all);
  if (toAdd > 0) all = bySizeNewer(all);
  else if (toAdd < 0) all = bySizeOlder(all);
  let added = 0;
  const sizes = new Map<KubeObject, number>();
  for (const rs of all) {
    if (toAdd === 0) {
      sizes.set(rs, replicasOf(rs));
      continue;
    }
    const proportion = replicaSetProportion(rs, d, toAdd, added);
    sizes.set(rs, replicasOf(rs) + proportion);
    added += proportion;
  }
  all.forEach((rs, i) => {
    let size = sizes.get(rs) ?? replicasOf(rs);
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    ctx.scaleReplicaSet(rs, size);
  });
}

/**
 * cleanupDeployment: beyond revisionHistoryLimit, delete the oldest old ReplicaSets that are
 * fully scaled down, observed, and not already being deleted.
 */
export function cleanupDeployment(ctx: DeploymentSync, oldRSs: readonly KubeObject[]): void {
  const d = ctx.d;
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - (num(specOf(d).revisionHistoryLimit) ?? 0);
  if (diff <= 0) return;
  const sorted = byRevision(cleanable);
  for (let i = 0; i < diff; i++) {
    const rs = sorted[i];
    const st = statusOf(rs);
    if (int(st, 'replicas') !== 0 || ctx.statusReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > int(st, 'observedGeneration')) continue;
    ctx.deleteReplicaSet(rs);
  }
}

/** isScalingEvent: an active ReplicaSet was sized for a different deployment replica count. */
export function isScalingEvent(ctx: DeploymentSync): boolean {
  const sets = getAllReplicaSetsAndSyncRevision(ctx, false);
  if (!sets) return false;
  const all = sets.newRS ? [...sets.oldRSs, sets.newRS] : sets.oldRSs;
  const desired = replicasOf(ctx.d);
  return filterActive(all).some((rs) => {
    const annotated = desiredReplicasAnnotation(rs);
    return annotated !== undefined && annotated !== desired;
  });
}

/** sync: scale (and, while paused, clean up) without rolling anything out. */
export function syncScale(ctx: DeploymentSync): void {
  const sets = getAllReplicaSetsAndSyncRevision(ctx, false);
  if (!sets) return;
  scale(ctx, sets.newRS, sets.oldRSs);
  if ((specOf(ctx.d).paused ?? false) === true) cleanupDeployment(ctx, sets.oldRSs);
  syncDeploymentStatus(ctx, sets.oldRSs, sets.newRS);
}

/** syncStatusOnly: a deployment being deleted only reports status. */
export function syncStatusOnly(ctx: DeploymentSync): void {
  const sets = getAllReplicaSetsAndSyncRevision(ctx, false);
  if (!sets) return;
  syncDeploymentStatus(ctx, sets.oldRSs, sets.newRS);
}
