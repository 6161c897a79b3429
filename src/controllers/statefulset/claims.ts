// PersistentVolumeClaims of StatefulSet pods (upstream stateful_pod_control.go and the
// retention-policy half of stateful_set_utils.go): creating the missing claims with the
// upstream Events, and keeping each claim's ownerReferences in line with
// persistentVolumeClaimRetentionPolicy:
//   Retain/Retain   → no reference to the set or the pod
//   whenDeleted=Delete, whenScaled=Retain → the set controls the claim
//   whenScaled=Delete, whenDeleted=Retain → the pod controls it once condemned (scaled away)
//   Delete/Delete   → the set while the pod is in range, the pod once condemned
import type { KubeObject, OwnerReference } from '../../machinery/types.js';
import { type Action, type CreateAction, type EventDescriptor, type UpdateAction, eventFor } from '../shared/actions.js';
import { clone, rec, specOf, str } from '../shared/meta.js';
import { newControllerRef } from '../shared/ownerRefs.js';
import { POD, PVC, STATEFUL_SET, claimName, claimTemplates, claimsForOrdinal, ordinalOf, podInOrdinalRange } from './identity.js';

export interface RetentionPolicy {
  whenDeleted: string;
  whenScaled: string;
}

/** getPersistentVolumeClaimRetentionPolicy: Retain/Retain unless set. */
export function retentionPolicy(set: KubeObject): RetentionPolicy {
  const p = rec(specOf(set).persistentVolumeClaimRetentionPolicy);
  return { whenDeleted: str(p?.whenDeleted) || 'Retain', whenScaled: str(p?.whenScaled) || 'Retain' };
}

/** Claims in the set's namespace by name. */
export type ClaimIndex = ReadonlyMap<string, KubeObject>;

export function indexClaims(set: KubeObject, claims: readonly KubeObject[]): ClaimIndex {
  return new Map(claims.filter((c) => c.metadata.namespace === set.metadata.namespace).map((c) => [c.metadata.name ?? '', c]));
}

// --- Events (recordPodEvent / recordClaimEvent) ---

export function podEvent(set: KubeObject, verb: string, pod: string, error?: string): EventDescriptor {
  const title = verb[0].toUpperCase() + verb.slice(1);
  return error === undefined
    ? eventFor(set, STATEFUL_SET, 'Normal', `Successful${title}`, `${verb} Pod ${pod} in StatefulSet ${set.metadata.name ?? ''} successful`)
    : eventFor(set, STATEFUL_SET, 'Warning', `Failed${title}`, `${verb} Pod ${pod} in StatefulSet ${set.metadata.name ?? ''} failed error: ${error}`);
}

function claimEvent(set: KubeObject, claim: string, pod: string, error?: string): EventDescriptor {
  return error === undefined
    ? eventFor(set, STATEFUL_SET, 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${pod} in StatefulSet ${set.metadata.name ?? ''} success`)
    : eventFor(set, STATEFUL_SET, 'Warning', 'FailedCreate', `create Claim ${claim} for Pod ${pod} in StatefulSet ${set.metadata.name ?? ''} failed error: ${error}`);
}

// --- ownerReference checks ---

function matchesRef(ref: OwnerReference, obj: KubeObject, apiVersion: string, kind: string): boolean {
  return ref.apiVersion === apiVersion && ref.kind === kind && ref.name === obj.metadata.name;
}

const refsOf = (claim: KubeObject): OwnerReference[] => claim.metadata.ownerReferences ?? [];

function hasOwnerRef(claim: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata.uid ?? '';
  return refsOf(claim).some((r) => r.uid === uid);
}

/** hasStaleOwnerRef: a reference to an object of this name and kind, but another uid. */
function hasStaleOwnerRef(claim: KubeObject, obj: KubeObject, apiVersion: string, kind: string): boolean {
  const ref = refsOf(claim).find((r) => matchesRef(r, obj, apiVersion, kind));
  return ref !== undefined && ref.uid !== (obj.metadata.uid ?? '');
}

/** hasUnexpectedController: with a non-Retain policy, a controller other than set or pod. */
function hasUnexpectedController(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  const p = retentionPolicy(set);
  if (p.whenScaled === 'Retain' && p.whenDeleted === 'Retain') return false;
  for (const ref of refsOf(claim)) {
    if (matchesRef(ref, set, STATEFUL_SET.apiVersion, STATEFUL_SET.kind)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, POD.apiVersion, POD.kind)) {
      if (ref.uid !== (pod.metadata.uid ?? '')) return true;
      continue;
    }
    if (ref.controller === true) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  return refsOf(claim).some((r) => (r.uid === set.metadata.uid || r.uid === (pod.metadata.uid ?? '')) && r.controller !== true);
}

/** isClaimOwnerUpToDate. */
export function isClaimOwnerUpToDate(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  if (hasStaleOwnerRef(claim, set, STATEFUL_SET.apiVersion, STATEFUL_SET.kind) || hasStaleOwnerRef(claim, pod, POD.apiVersion, POD.kind)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const p = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  const setRef = hasOwnerRef(claim, set);
  const podRef = hasOwnerRef(claim, pod);
  if (p.whenScaled === 'Delete' && p.whenDeleted === 'Delete') return scaledDown !== setRef && scaledDown === podRef;
  if (p.whenScaled === 'Delete') return !setRef && scaledDown === podRef;
  if (p.whenDeleted === 'Delete') return setRef && !podRef;
  return !setRef && !podRef;
}

/** updateClaimOwnerRefForSetAndPod: the claim's references as the policy wants them. */
export function claimOwnerRefsForPolicy(claim: KubeObject, set: KubeObject, pod: KubeObject): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = refsOf(claim).filter((r) => !matchesRef(r, set, STATEFUL_SET.apiVersion, STATEFUL_SET.kind) && !matchesRef(r, pod, POD.apiVersion, POD.kind));
  if (unexpected) return refs;
  const add = (owner: KubeObject, gvk: typeof POD): void => {
    if (!refs.some((r) => r.uid === owner.metadata.uid)) refs = [...refs, newControllerRef(owner, gvk)];
  };
  const p = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  if (p.whenScaled === 'Delete') {
    if (scaledDown) add(pod, POD);
    else if (p.whenDeleted === 'Delete') add(set, STATEFUL_SET);
  } else if (p.whenDeleted === 'Delete') {
    add(set, STATEFUL_SET);
  }
  return refs;
}

/** ClaimsMatchRetentionPolicy: every existing claim of the pod is up to date. */
export function claimsMatchRetentionPolicy(set: KubeObject, pod: KubeObject, claims: ClaimIndex): boolean {
  const ordinal = ordinalOf(pod);
  return claimTemplates(set).every((t) => {
    const claim = claims.get(claimName(set, t, ordinal));
    return claim === undefined || isClaimOwnerUpToDate(claim, set, pod);
  });
}

/**
 * UpdatePodClaimForRetentionPolicy: an update of each existing claim whose references are
 * off (a ConflictingController warning first when another controller owns it). A failure is
 * reported as the pod's FailedUpdate, as upstream's caller does.
 */
export function claimRetentionActions(set: KubeObject, pod: KubeObject, claims: ClaimIndex): Action[] {
  const ordinal = ordinalOf(pod);
  const actions: Action[] = [];
  for (const t of claimTemplates(set)) {
    const name = claimName(set, t, ordinal);
    const claim = claims.get(name);
    if (!claim) continue;
    if (hasUnexpectedController(claim, set, pod)) {
      actions.push({
        kind: 'event',
        event: eventFor(set, STATEFUL_SET, 'Warning', 'ConflictingController',
          `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`),
      });
    }
    if (isClaimOwnerUpToDate(claim, set, pod)) continue;
    const updated = clone(claim);
    updated.apiVersion = PVC.apiVersion;
    updated.kind = PVC.kind;
    updated.metadata.ownerReferences = claimOwnerRefsForPolicy(claim, set, pod);
    const action: UpdateAction = {
      kind: 'update',
      object: updated,
      onFailure: [podEvent(set, 'update', pod.metadata.name ?? '', `could not update claim ${name} for delete policy ownerRefs: {{error}}`)],
    };
    actions.push(action);
  }
  return actions;
}

/** PodClaimIsStale: with whenScaled=Delete, a claim still referencing an earlier pod of this name. */
export function podClaimIsStale(set: KubeObject, pod: KubeObject, claims: ClaimIndex): boolean {
  if (retentionPolicy(set).whenScaled === 'Retain') return false;
  return claimsForOrdinal(set, ordinalOf(pod)).some(({ claim }) => {
    const existing = claims.get(claim.metadata.name ?? '');
    return existing !== undefined && hasStaleOwnerRef(existing, pod, POD.apiVersion, POD.kind);
  });
}

export interface ClaimCreation {
  actions: Action[];
  /** A claim is being deleted: upstream's "pvc <name> is being deleted" error. */
  blockedBy?: string;
}

/**
 * createPersistentVolumeClaims: a create for each missing claim, with the claim Events; a
 * failure also fails the pod operation (`podVerb`), whose Event upstream records with the
 * aggregated "failed to create PVC …" error. A claim that exists but is being deleted blocks.
 * Upstream creates claims bare and sets the set's reference right after the pod; the
 * reference goes into the create here (same end state, one write less).
 */
export function createClaimActions(set: KubeObject, pod: KubeObject, claims: ClaimIndex, podVerb: string | undefined): ClaimCreation {
  const podName = pod.metadata.name ?? '';
  const actions: CreateAction[] = [];
  for (const { claim } of claimsForOrdinal(set, ordinalOf(pod))) {
    const name = claim.metadata.name ?? '';
    const existing = claims.get(name);
    if (existing) {
      if (existing.metadata.deletionTimestamp) return { actions, blockedBy: name };
      continue;
    }
    const refs = claimOwnerRefsForPolicy(claim, set, pod);
    if (refs.length) claim.metadata.ownerReferences = refs;
    const onFailure = [claimEvent(set, name, podName, '{{error}}')];
    if (podVerb) onFailure.push(podEvent(set, podVerb, podName, `failed to create PVC ${name}: {{error}}`));
    // AlreadyExists (a stale cache): upstream records no claim Event and retries; the claim is there.
    actions.push({ kind: 'create', object: claim, onSuccess: [claimEvent(set, name, podName)], onFailure, tolerate: ['AlreadyExists'] });
  }
  return { actions };
}
