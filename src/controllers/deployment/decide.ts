// The Deployment controller's decision (upstream deployment_controller.go syncDeployment):
// claim ReplicaSets, then — unless being deleted — record paused/resumed, and either scale
// (paused, or the replica count changed) or roll out with the strategy.
//
// Differences from upstream forced by the pure form (same end states, fewer round trips):
//   - upstream's several status writes per sync (paused condition, revision, new-ReplicaSet
//     condition, rollout status) become one `updateStatus` at the end; the deployment's
//     revision annotation travels with it (the status subresource keeps annotations);
//   - several writes to one ReplicaSet become one `update` carrying all their Events;
//   - when ReplicaSets were adopted, only the adoption patches are returned (upstream goes on
//     with stale copies and meets a conflict); the patches' watch events bring the next sync;
//   - a failed ReplicaSet create is reported by the loop as `lastFailure`; the next sync then
//     writes the Progressing=False ReplicaSetCreateError condition first (see DeploymentSync).
//   - `spec.rollbackTo` (extensions/v1beta1 only) is not supported: `kubectl rollout undo`
//     edits the template, and the matching old ReplicaSet simply gets the next revision.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, DEPLOYMENT, type LastFailure, REPLICA_SET, eventFor, failedWriteOf } from '../shared/actions.js';
import { clone, ensureRec, int, specOf, statusOf } from '../shared/meta.js';
import { claimObjects, getControllerOf } from '../shared/ownerRefs.js';
import { isEmptyLabelSelector, selectorOf } from '../shared/selectors.js';
import { DeploymentSync } from './context.js';
import { PROGRESSING, checkPausedConditions, newCondition, setDeploymentCondition } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { isScalingEvent, syncScale, syncStatusOnly } from './sync.js';
import { Reason, hasProgressDeadline, isRecreate, isRollingUpdate } from './util.js';

export interface DeploymentObserved {
  deployment: KubeObject;
  /** Every ReplicaSet in the deployment's namespace. */
  replicaSets: readonly KubeObject[];
  /** Every pod in the namespace (Recreate waits for the old ones to be gone). */
  pods: readonly KubeObject[];
  /** The previous sync's failed action, as the reconcile loop reports it. */
  lastFailure?: LastFailure;
}

function selectingAll(d: KubeObject): Action[] {
  const actions: Action[] = [{
    kind: 'event',
    event: eventFor(d, DEPLOYMENT, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.'),
  }];
  const generation = d.metadata.generation ?? 0;
  if (int(statusOf(d), 'observedGeneration') < generation) {
    const object = { ...clone(d), apiVersion: DEPLOYMENT.apiVersion, kind: DEPLOYMENT.kind };
    ensureRec(object as Record<string, unknown>, 'status').observedGeneration = generation;
    actions.push({ kind: 'updateStatus', object });
  }
  return actions;
}

/** The failure condition of the previous sync's ReplicaSet create, written first this time. */
function reportCreateFailure(ctx: DeploymentSync, f: LastFailure | undefined): void {
  if (!f || !failedWriteOf(f, 'create', 'ReplicaSet') || f.action.kind !== 'create' || !hasProgressDeadline(ctx.d)) return;
  const msg = `Failed to create new replica set "${f.action.object.metadata.name ?? ''}": ${f.message}`;
  setDeploymentCondition(ctx, newCondition(PROGRESSING, 'False', Reason.FailedRSCreate, msg, ctx.nowTime));
  ctx.earlyStatus = clone(ctx.d);
}

export function decideDeployment(observed: DeploymentObserved, now: number): Action[] {
  const d = observed.deployment;
  const spec = specOf(d);
  if (isEmptyLabelSelector(spec.selector)) return selectingAll(d);
  const selector = selectorOf(spec.selector);
  if (!selector) return [];
  const ns = d.metadata.namespace;
  const inNamespace = observed.replicaSets.filter((rs) => rs.metadata.namespace === ns);
  const claim = claimObjects(d, DEPLOYMENT, inNamespace, REPLICA_SET, (rs) => selector.matches(rs.metadata.labels ?? {}));
  if (claim.adopted > 0) return claim.patches;

  // getPodMapForDeployment: pods the deployment selects, by owning ReplicaSet (inactive too).
  const podMap = new Map<string, KubeObject[]>(claim.claimed.map((rs) => [rs.metadata.uid ?? '', []]));
  for (const pod of observed.pods) {
    if (pod.metadata.namespace !== ns || !selector.matches(pod.metadata.labels ?? {})) continue;
    podMap.get(getControllerOf(pod)?.uid ?? '\0')?.push(pod);
  }

  const ctx = new DeploymentSync(d, claim.claimed, inNamespace, podMap, now, claim.patches);
  if (d.metadata.deletionTimestamp) {
    syncStatusOnly(ctx);
    return ctx.actions();
  }
  checkPausedConditions(ctx);
  reportCreateFailure(ctx, observed.lastFailure);
  if (spec.paused === true || isScalingEvent(ctx)) syncScale(ctx);
  else if (isRecreate(d)) rolloutRecreate(ctx);
  else if (isRollingUpdate(d)) rolloutRolling(ctx);
  return ctx.actions();
}
