// Deployment status and conditions (upstream sync.go calculateStatus / syncDeploymentStatus /
// checkPausedConditions and progress.go syncRolloutStatus / requeueStuckDeployment).
import type { KubeObject } from '../../machinery/types.js';
import { type Condition, conditionsOf, getCondition, removeCondition, setCondition } from '../shared/conditions.js';
import { ensureRec, int, parseTime, semanticEqual, statusOf } from '../shared/meta.js';
import type { DeploymentSync } from './context.js';
import {
  Reason, actualReplicaSum, availableReplicaSum, deploymentComplete, deploymentProgressing, hasProgressDeadline, maxUnavailable,
  progressDeadlineMs, readyReplicaSum, replicasOf,
} from './util.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

/** NewDeploymentCondition: both times now. */
export function newCondition(type: string, status: Condition['status'], reason: string, message: string, nowTime: string): Condition {
  return { type, status, lastUpdateTime: nowTime, lastTransitionTime: nowTime, reason, message };
}

export function deploymentCondition(d: KubeObject, type: string): Condition | undefined {
  return getCondition(conditionsOf(statusOf(d)), type);
}

function writeConditions(status: Record<string, unknown>, conditions: Condition[]): void {
  if (conditions.length) status.conditions = conditions;
  else delete status.conditions;
}

/** SetDeploymentCondition on `status` (mutates it). */
export function setStatusCondition(status: Record<string, unknown>, cond: Condition): void {
  writeConditions(status, setCondition(conditionsOf(status), cond));
}

export function removeStatusCondition(status: Record<string, unknown>, type: string): void {
  writeConditions(status, removeCondition(conditionsOf(status), type));
}

/** SetDeploymentCondition on the working deployment's status. */
export function setDeploymentCondition(ctx: DeploymentSync, cond: Condition): void {
  setStatusCondition(ensureRec(ctx.d as Record<string, unknown>, 'status'), cond);
}

function put(status: Record<string, unknown>, key: string, v: number): void {
  if (v !== 0) status[key] = v;
}

/** calculateStatus: counts from the ReplicaSets, the Available condition, conditions carried over. */
export function calculateStatus(ctx: DeploymentSync, allRSs: readonly KubeObject[], newRS: KubeObject | undefined): Record<string, unknown> {
  const d = ctx.d;
  const available = availableReplicaSum(allRSs);
  const total = allRSs.reduce((n, rs) => n + ctx.statusReplicas(rs), 0);
  const status: Record<string, unknown> = {};
  put(status, 'observedGeneration', d.metadata.generation ?? 0);
  put(status, 'replicas', actualReplicaSum(allRSs));
  put(status, 'updatedReplicas', newRS ? actualReplicaSum([newRS]) : 0);
  put(status, 'readyReplicas', readyReplicaSum(allRSs));
  put(status, 'availableReplicas', available);
  put(status, 'unavailableReplicas', Math.max(0, total - available));
  const conditions = conditionsOf(statusOf(d));
  if (conditions.length) status.conditions = conditions;
  const collisionCount = statusOf(d).collisionCount;
  if (typeof collisionCount === 'number') status.collisionCount = collisionCount;
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setStatusCondition(status, newCondition(AVAILABLE, 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', ctx.nowTime));
  } else {
    setStatusCondition(status, newCondition(AVAILABLE, 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', ctx.nowTime));
  }
  return status;
}

const allOf = (oldRSs: readonly KubeObject[], newRS: KubeObject | undefined): KubeObject[] => (newRS ? [...oldRSs, newRS] : [...oldRSs]);

/** syncDeploymentStatus: used while paused, scaling, or being deleted (no progress estimate). */
export function syncDeploymentStatus(ctx: DeploymentSync, oldRSs: readonly KubeObject[], newRS: KubeObject | undefined): void {
  const status = calculateStatus(ctx, allOf(oldRSs, newRS), newRS);
  if (!semanticEqual(statusOf(ctx.d), status)) ctx.d.status = status;
}

/** DeploymentTimedOut: no progress reported for progressDeadlineSeconds. */
export function deploymentTimedOut(d: KubeObject, status: Record<string, unknown>, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(conditionsOf(status), PROGRESSING);
  if (!cond) return false;
  if (cond.reason === Reason.NewRSAvailable) return false;
  if (cond.reason === Reason.TimedOut) return true;
  const from = parseTime(cond.lastUpdateTime) ?? 0;
  return from + progressDeadlineMs(d) < now;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure conditions, else any old one's. */
function replicaFailures(allRSs: readonly KubeObject[], newRS: KubeObject | undefined): Condition[] {
  const toDeployment = (c: Condition): Condition => {
    const out: Condition = { type: c.type, status: c.status };
    if (c.lastTransitionTime !== undefined) {
      out.lastUpdateTime = c.lastTransitionTime;
      out.lastTransitionTime = c.lastTransitionTime;
    }
    if (c.reason !== undefined) out.reason = c.reason;
    if (c.message !== undefined) out.message = c.message;
    return out;
  };
  const failuresOf = (rs: KubeObject): Condition[] => conditionsOf(statusOf(rs)).filter((c) => c.type === REPLICA_FAILURE).map(toDeployment);
  if (newRS) {
    const own = failuresOf(newRS);
    if (own.length) return own;
  }
  return allRSs.flatMap(failuresOf);
}

/** syncRolloutStatus: status plus the Progressing estimate and mirrored ReplicaSet failures. */
export function syncRolloutStatus(ctx: DeploymentSync, oldRSs: readonly KubeObject[], newRS: KubeObject | undefined): void {
  const d = ctx.d;
  const allRSs = allOf(oldRSs, newRS);
  const status = calculateStatus(ctx, allRSs, newRS);
  if (!hasProgressDeadline(d)) removeStatusCondition(status, PROGRESSING);
  const current = deploymentCondition(d, PROGRESSING);
  const isComplete = int(status, 'replicas') === int(status, 'updatedReplicas') && current?.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const name = d.metadata.name ?? '';
    if (deploymentComplete(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}" has successfully progressed.` : `Deployment "${name}" has successfully progressed.`;
      setStatusCondition(status, newCondition(PROGRESSING, 'True', Reason.NewRSAvailable, msg, ctx.nowTime));
    } else if (deploymentProgressing(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}" is progressing.` : `Deployment "${name}" is progressing.`;
      const cond = newCondition(PROGRESSING, 'True', Reason.ReplicaSetUpdated, msg, ctx.nowTime);
      // Progress refreshes lastUpdateTime even when the reason stays the same.
      if (current) {
        if (current.status === 'True') {
          if (current.lastTransitionTime === undefined) delete cond.lastTransitionTime;
          else cond.lastTransitionTime = current.lastTransitionTime;
        }
        removeStatusCondition(status, PROGRESSING);
      }
      setStatusCondition(status, cond);
    } else if (deploymentTimedOut(d, status, ctx.now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}" has timed out progressing.` : `Deployment "${name}" has timed out progressing.`;
      setStatusCondition(status, newCondition(PROGRESSING, 'False', Reason.TimedOut, msg, ctx.nowTime));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setStatusCondition(status, failures[0]);
  else removeStatusCondition(status, REPLICA_FAILURE);

  if (semanticEqual(statusOf(d), status)) {
    requeueStuckDeployment(ctx, status);
    return;
  }
  d.status = status;
}

/**
 * requeueStuckDeployment: without progress, check again when the deadline passes. Upstream
 * requeues (rate-limited) at once when under a second remains; we wait one second past the
 * deadline instead, which reaches the same verdict without a busy loop.
 */
function requeueStuckDeployment(ctx: DeploymentSync, status: Record<string, unknown>): void {
  const d = ctx.d;
  const current = deploymentCondition(d, PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === Reason.TimedOut) return;
  const after = (parseTime(current.lastUpdateTime) ?? 0) + progressDeadlineMs(d) - ctx.now;
  ctx.requeueMs = Math.max(0, after) + 1000;
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
export function checkPausedConditions(ctx: DeploymentSync): void {
  const d = ctx.d;
  if (!hasProgressDeadline(d)) return;
  const cond = deploymentCondition(d, PROGRESSING);
  if (cond?.reason === Reason.TimedOut) return;
  const pausedCondExists = cond?.reason === Reason.PausedDeploy;
  const paused = (d.spec as Record<string, unknown> | undefined)?.paused === true;
  if (paused && !pausedCondExists) {
    setDeploymentCondition(ctx, newCondition(PROGRESSING, 'Unknown', Reason.PausedDeploy, 'Deployment is paused', ctx.nowTime));
  } else if (!paused && pausedCondExists) {
    setDeploymentCondition(ctx, newCondition(PROGRESSING, 'Unknown', Reason.ResumedDeploy, 'Deployment is resumed', ctx.nowTime));
  }
}
