// The StatefulSet controller's decision (upstream pkg/controller/statefulset: stateful_set.go
// sync, stateful_set_control.go UpdateStatefulSet / updateStatefulSet), without
// expectations: the observed state is assumed fresh.
//
// Output order: revision adoptions and the update revision's create/renumbering, pod
// adoptions/releases, the status update, the pod and claim writes, history truncation, a
// requeue. Upstream writes status after the pods; it goes first here so that a failing pod
// write (which stops the list) still leaves the status recorded, as upstream's "update the
// status even on error" does. The status is computed from the observed pods either way.
//
// OrderedReady ("monotonic"): replicas are visited in ordinal order and the first one that
// is missing (created now), terminating, not Running+Ready or not available stops the sync;
// scale-down deletes the highest condemned ordinal, one per sync, once every replica is
// healthy. Parallel: every missing replica is created and every condemned pod deleted.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type LastFailure, POD, type UpdateStatusAction } from '../shared/actions.js';
import { templateFromRevision } from '../shared/history.js';
import { clone, int, rec, specOf, statusOf, str } from '../shared/meta.js';
import { claimObjects } from '../shared/ownerRefs.js';
import { podPhase } from '../shared/pods.js';
import { selectorOf } from '../shared/selectors.js';
import { type ClaimIndex, claimRetentionActions, claimsMatchRetentionPolicy, indexClaims, podClaimIsStale } from './claims.js';
import {
  STATEFUL_SET, endOrdinal, identityMatches, isCreated, isMemberOf, isRunningAndAvailable, isRunningAndReady, isTerminating,
  isUnavailable, newStatefulSetPod, ordinalOf, podInOrdinalRange, replicasOf, startOrdinal, storageMatches,
} from './identity.js';
import { type PodStep, createMissingClaims, createStatefulPod, deleteStatefulPod, updateStatefulPod } from './podControl.js';
import { type SetRevisions, statefulSetRevisions, truncateHistoryActions } from './revisions.js';
import { rollingUpdateActions } from './rollingUpdate.js';
import { type StatefulSetStatus, completeRollingUpdate, countReplicas, generationOf, inconsistentStatus, statusObject } from './status.js';

export interface StatefulSetObserved {
  statefulSet: KubeObject;
  /** Every pod in the set's namespace (members are claimed by name and selector). */
  pods: readonly KubeObject[];
  /** Every ControllerRevision in the set's namespace. */
  revisions: readonly KubeObject[];
  /** Every PersistentVolumeClaim in the set's namespace. */
  claims: readonly KubeObject[];
  /** Reported by the loop; the StatefulSet controller keeps no state from it. */
  lastFailure?: LastFailure;
}

/** controller MaxBatchSize for Parallel creates. */
const MAX_BATCH_SIZE = 500;

interface Ctx {
  set: KubeObject;
  claims: ClaimIndex;
  minReadySeconds: number;
  monotonic: boolean;
  now: number;
}

/** A template-restored copy of the set (ApplyRevision). */
function withTemplate(set: KubeObject, revision: KubeObject): KubeObject {
  return { ...set, spec: { ...specOf(set), template: templateFromRevision(revision) } };
}

/**
 * newVersionedStatefulSetPod: below the partition (or, without rollingUpdate, below the
 * stored status.currentReplicas) a missing pod comes back at the current revision.
 */
function placeholder(set: KubeObject, r: SetRevisions, ordinal: number): KubeObject {
  const strategy = rec(specOf(set).updateStrategy) ?? {};
  const ru = rec(strategy.rollingUpdate);
  const start = startOrdinal(set);
  const useCurrent = (strategy.type === 'RollingUpdate' && !ru && ordinal < start + int(statusOf(set), 'currentReplicas')) ||
    (ru !== undefined && ordinal < start + int(ru, 'partition'));
  const rev = useCurrent ? r.current : r.update;
  return newStatefulSetPod(set, templateFromRevision(rev), ordinal, rev.metadata.name ?? '');
}

/** processReplica. `exit` stops the monotonic walk; `error` marks upstream's error returns. */
function processReplica(c: Ctx, updateSet: KubeObject, pod: KubeObject): PodStep & { exit: boolean } {
  const phase = podPhase(pod);
  if (phase === 'Failed' || phase === 'Succeeded') {
    // Recreated on a later sync, once the old pod is gone.
    return { actions: isTerminating(pod) ? [] : [deleteStatefulPod(c.set, pod)], exit: true };
  }
  const actions: Action[] = [];
  if (!isCreated(pod)) {
    if (podClaimIsStale(c.set, pod, c.claims)) return { actions: [], exit: true };
    const step = createStatefulPod(c.set, pod, c.claims);
    if (step.error || c.monotonic) return { ...step, exit: true };
    return { actions: step.actions, exit: false };
  }
  if (phase === 'Pending') {
    const step = createMissingClaims(c.set, pod, c.claims);
    if (step.error) return { ...step, exit: true };
    actions.push(...step.actions);
  }
  if (c.monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, c.minReadySeconds, c.now))) {
    return { actions, exit: true };
  }
  if (identityMatches(c.set, pod) && storageMatches(c.set, pod) && claimsMatchRetentionPolicy(updateSet, pod, c.claims)) {
    return { actions, exit: false };
  }
  const step = updateStatefulPod(updateSet, pod, c.claims);
  return { actions: [...actions, ...step.actions], error: step.error, exit: Boolean(step.error) };
}

/** processCondemned: in monotonic mode only the first unhealthy pod may go while others are unhealthy. */
function processCondemned(c: Ctx, pod: KubeObject, firstUnavailable: KubeObject | undefined): { actions: Action[]; exit: boolean } {
  if (isTerminating(pod)) return { actions: [], exit: c.monotonic };
  if (c.monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, c.minReadySeconds, c.now))) {
    return { actions: [], exit: true };
  }
  return { actions: [deleteStatefulPod(c.set, pod)], exit: true };
}

/**
 * Parallel mode runs every replica's step through slowStartBatch: claims first (the pods use
 * them), then the pod creates numbered in batches of 1, 2, 4, … up to MaxBatchSize.
 */
function burstOrder(actions: Action[]): Action[] {
  const isClaimCreate = (a: Action): boolean => a.kind === 'create' && a.object.kind === 'PersistentVolumeClaim';
  const out = [...actions.filter(isClaimCreate), ...actions.filter((a) => !isClaimCreate(a))];
  let batch = 0;
  let batchSize = 1;
  let inBatch = 0;
  for (const a of out) {
    if (a.kind !== 'create' || a.object.kind !== 'Pod') continue;
    if (inBatch === batchSize) {
      batch++;
      batchSize = Math.min(batchSize * 2, MAX_BATCH_SIZE);
      inBatch = 0;
    }
    a.batch = batch;
    inBatch++;
  }
  return out;
}

export function decideStatefulSet(observed: StatefulSetObserved, now: number): Action[] {
  const set = observed.statefulSet;
  const spec = specOf(set);
  const selector = selectorOf(spec.selector);
  // An unconvertible selector is a non-transient error upstream: not retried.
  if (!selector) return [];
  const ns = set.metadata.namespace;

  const revs = statefulSetRevisions(set, observed.revisions, selector);
  const actions: Action[] = [...revs.actions];
  const claim = claimObjects(set, STATEFUL_SET, observed.pods.filter((p) => p.metadata.namespace === ns), POD,
    (p) => selector.matches(p.metadata.labels ?? {}) && isMemberOf(set, p));
  actions.push(...claim.patches);
  const pods = claim.claimed;

  const minReadySeconds = int(spec, 'minReadySeconds');
  const status: StatefulSetStatus = {
    observedGeneration: generationOf(set),
    replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0,
    currentRevision: revs.current.metadata.name ?? '',
    updateRevision: revs.update.metadata.name ?? '',
    collisionCount: revs.collisionCount,
  };
  countReplicas(status, minReadySeconds, now, pods);

  const podActions: Action[] = [];
  if (!set.metadata.deletionTimestamp) podActions.push(...managePods(set, revs, pods, status, indexClaims(set, observed.claims), minReadySeconds, now));

  completeRollingUpdate(set, status);
  if (inconsistentStatus(set, status)) {
    const update: UpdateStatusAction = { kind: 'updateStatus', object: { ...clone(set), apiVersion: STATEFUL_SET.apiVersion, kind: STATEFUL_SET.kind, status: statusObject(status) } };
    actions.push(update);
  }
  actions.push(...podActions, ...truncateHistoryActions(set, pods, revs));
  if (minReadySeconds > 0 && status.availableReplicas !== replicasOf(set)) actions.push({ kind: 'requeueAfter', ms: minReadySeconds * 1000 });
  return actions;
}

/** updateStatefulSet from the partition of pods on: the pod writes; `status` is recounted and adjusted. */
function managePods(
  set: KubeObject, revs: SetRevisions, pods: readonly KubeObject[], status: StatefulSetStatus, claims: ClaimIndex, minReadySeconds: number, now: number,
): Action[] {
  const start = startOrdinal(set);
  const replicaCount = Math.max(0, endOrdinal(set) - start + 1);
  const slots: (KubeObject | undefined)[] = new Array<KubeObject | undefined>(replicaCount).fill(undefined);
  const condemned: KubeObject[] = [];
  for (const pod of pods) {
    if (podInOrdinalRange(pod, set)) slots[ordinalOf(pod) - start] = pod;
    else if (ordinalOf(pod) >= 0) condemned.push(pod);
  }
  const replicas = slots.map((p, i) => p ?? placeholder(set, revs, start + i));
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  countReplicas(status, minReadySeconds, now, replicas, condemned);

  let firstUnavailable = replicas.find((p) => isUnavailable(p, minReadySeconds, now));
  if (!firstUnavailable) {
    for (let i = condemned.length - 1; i >= 0; i--) {
      if (isUnavailable(condemned[i], minReadySeconds, now)) {
        firstUnavailable = condemned[i];
        break;
      }
    }
  }

  const monotonic = str(specOf(set).podManagementPolicy) !== 'Parallel';
  const c: Ctx = { set, claims, minReadySeconds, monotonic, now };
  const updateSet = withTemplate(set, revs.update);
  const out: Action[] = [];
  const finish = (): Action[] => (monotonic ? out : burstOrder(out));

  for (const pod of replicas) {
    const step = processReplica(c, updateSet, pod);
    out.push(...step.actions);
    if (monotonic && step.exit) return finish();
  }
  for (const pod of condemned) {
    if (claimsMatchRetentionPolicy(updateSet, pod, claims)) continue;
    out.push(...claimRetentionActions(updateSet, pod, claims));
  }
  for (const pod of condemned) {
    const step = processCondemned(c, pod, firstUnavailable);
    out.push(...step.actions);
    if (monotonic && step.exit) return finish();
  }
  if (str(rec(specOf(set).updateStrategy)?.type) === 'OnDelete') return finish();
  out.push(...rollingUpdateActions(set, replicas, revs.update.metadata.name ?? '', status, minReadySeconds, now));
  return finish();
}
