// The writes of upstream StatefulPodControl (stateful_pod_control.go) as Actions:
// CreateStatefulPod (claims first, then the pod, then the claims' retention references),
// UpdateStatefulPod (identity, storage and retention fixes) and DeleteStatefulPod, each
// with its "<verb> Pod <pod> in StatefulSet <set> successful / failed error: …" Event.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type DeleteAction, refOf } from '../shared/actions.js';
import { clone } from '../shared/meta.js';
import { type ClaimIndex, claimRetentionActions, claimsMatchRetentionPolicy, createClaimActions, podEvent } from './claims.js';
import { POD, identityMatches, storageMatches, updateIdentity, updateStorage } from './identity.js';

/** A step's writes, and whether the step failed the way upstream returns an error. */
export interface PodStep {
  actions: Action[];
  error?: boolean;
}

function blocked(set: KubeObject, verb: string, pod: string, claim: string): Action[] {
  // Upstream returns the error and is retried with back-off; the requeue stands in for that.
  return [
    { kind: 'event', event: podEvent(set, verb, pod, `pvc ${claim} is being deleted`) },
    { kind: 'requeueAfter', ms: 1000 },
  ];
}

export function createStatefulPod(set: KubeObject, pod: KubeObject, claims: ClaimIndex): PodStep {
  const name = pod.metadata.name ?? '';
  const created = createClaimActions(set, pod, claims, 'create');
  if (created.blockedBy) return { actions: [...created.actions, ...blocked(set, 'create', name, created.blockedBy)], error: true };
  const actions: Action[] = [...created.actions];
  actions.push({
    kind: 'create',
    object: pod,
    onSuccess: [podEvent(set, 'create', name)],
    onFailure: [podEvent(set, 'create', name, '{{error}}')],
    // Upstream sinks AlreadyExists without an Event (the cache was behind).
    tolerate: ['AlreadyExists'],
  });
  actions.push(...claimRetentionActions(set, pod, claims));
  return { actions };
}

/** createMissingPersistentVolumeClaims, for a Pending pod whose claims went missing. */
export function createMissingClaims(set: KubeObject, pod: KubeObject, claims: ClaimIndex): PodStep {
  const created = createClaimActions(set, pod, claims, undefined);
  if (created.blockedBy) return { actions: [...created.actions, { kind: 'requeueAfter', ms: 1000 }], error: true };
  return { actions: [...created.actions, ...claimRetentionActions(set, pod, claims)] };
}

/** UpdateStatefulPod: no-op when identity, storage and claim references already conform. */
export function updateStatefulPod(set: KubeObject, observedPod: KubeObject, claims: ClaimIndex): PodStep {
  const pod = clone(observedPod);
  pod.apiVersion = POD.apiVersion;
  pod.kind = POD.kind;
  const name = pod.metadata.name ?? '';
  const actions: Action[] = [];
  let consistent = true;
  if (!identityMatches(set, pod)) {
    updateIdentity(set, pod);
    consistent = false;
  }
  if (!storageMatches(set, pod)) {
    updateStorage(set, pod);
    consistent = false;
    const created = createClaimActions(set, pod, claims, 'update');
    actions.push(...created.actions);
    if (created.blockedBy) return { actions: [...actions, ...blocked(set, 'update', name, created.blockedBy)], error: true };
  }
  if (!claimsMatchRetentionPolicy(set, pod, claims)) {
    actions.push(...claimRetentionActions(set, pod, claims));
    consistent = false;
  }
  if (consistent) return { actions: [] };
  actions.push({
    kind: 'update',
    object: pod,
    onSuccess: [podEvent(set, 'update', name)],
    onFailure: [podEvent(set, 'update', name, '{{error}}')],
  });
  return { actions };
}

export function deleteStatefulPod(set: KubeObject, pod: KubeObject, tolerateNotFound = false): DeleteAction {
  const name = pod.metadata.name ?? '';
  const a: DeleteAction = {
    kind: 'delete',
    ref: refOf(pod, POD),
    onSuccess: [podEvent(set, 'delete', name)],
    onFailure: [podEvent(set, 'delete', name, '{{error}}')],
  };
  if (tolerateNotFound) a.tolerate = ['NotFound'];
  return a;
}
