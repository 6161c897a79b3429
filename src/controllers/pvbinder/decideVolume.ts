// The volume half of the PersistentVolume binder (upstream pv_controller.go syncVolume and
// reclaimVolume, plus the pv-protection controller): phases Available / Bound / Released /
// Failed, unbinding volumes the controller bound to a claim that went elsewhere, and the
// reclaim policy of released volumes (Retain keeps them, Delete deletes the PV object —
// for local-path volumes upstream's provisioner would also remove the directory).
import type { KubeObject } from '../../machinery/types.js';
import { type Action, eventFor, refOf } from '../shared/actions.js';
import { clone, specOf, statusOf, str, strMap } from '../shared/meta.js';
import { ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, PV, PV_PROTECTION_FINALIZER, claimRefOf, phaseOf } from './volumeMeta.js';

export interface VolumeObserved {
  volume: KubeObject;
  /** The claim the volume's claimRef names (by namespace/name), if it exists. */
  claim?: KubeObject;
}

function withPhase(pv: KubeObject, phase: string, message?: string): KubeObject {
  const next: KubeObject = { ...clone(pv), apiVersion: PV.apiVersion, kind: PV.kind };
  const status: Record<string, unknown> = { ...statusOf(pv), phase };
  if (message !== undefined) status.message = message;
  else delete status.message;
  delete status.reason;
  next.status = status;
  return next;
}

function setPhase(pv: KubeObject, phase: string, message?: string): Action[] {
  return phaseOf(pv) === phase ? [] : [{ kind: 'updateStatus', object: withPhase(pv, phase, message) }];
}

/** reclaimVolume for a Released volume. */
function reclaim(pv: KubeObject): Action[] {
  const policy = str(specOf(pv).persistentVolumeReclaimPolicy) ?? 'Retain';
  switch (policy) {
    case 'Retain':
      return [];
    case 'Delete':
      return [{ kind: 'delete', ref: refOf(pv, PV), preconditions: { uid: pv.metadata.uid }, tolerate: ['NotFound', 'Conflict'] }];
    default: {
      if (phaseOf(pv) === 'Failed') return [];
      const message = `No recycler plugin found for the volume!`;
      return [
        { kind: 'updateStatus', object: withPhase(pv, 'Failed', message) },
        { kind: 'event', event: eventFor(pv, PV, 'Warning', 'VolumeFailedRecycle', message) },
      ];
    }
  }
}

export function decideVolume(o: VolumeObserved, _now: number): Action[] {
  const pv = o.volume;
  const finalizers = pv.metadata.finalizers ?? [];
  const ref = claimRefOf(pv);
  const bound = ref !== undefined && phaseOf(pv) === 'Bound';

  // pv-protection: a deleted volume goes once it is not bound to a claim.
  if (pv.metadata.deletionTimestamp) {
    if (finalizers.includes(PV_PROTECTION_FINALIZER) && !bound) {
      const next: KubeObject = { ...clone(pv), apiVersion: PV.apiVersion, kind: PV.kind };
      next.metadata.finalizers = finalizers.filter((f) => f !== PV_PROTECTION_FINALIZER);
      return [{ kind: 'update', object: next, tolerate: ['NotFound'] }];
    }
    return [];
  }
  if (!finalizers.includes(PV_PROTECTION_FINALIZER)) {
    const next: KubeObject = { ...clone(pv), apiVersion: PV.apiVersion, kind: PV.kind };
    next.metadata.finalizers = [...finalizers, PV_PROTECTION_FINALIZER];
    return [{ kind: 'update', object: next }];
  }

  // Unbound, or pre-bound by name to a claim that does not exist yet: Available.
  // (A name-only claimRef is completed by the claim's sync.)
  if (!ref || ref.uid === '') return setPhase(pv, 'Available');
  const claim = o.claim && o.claim.metadata.uid === ref.uid ? o.claim : undefined;
  if (!claim) {
    // The claim is gone (or replaced by a namesake): Released, then the reclaim policy.
    if (phaseOf(pv) !== 'Released' && phaseOf(pv) !== 'Failed') return setPhase(pv, 'Released');
    return phaseOf(pv) === 'Released' ? reclaim(pv) : [];
  }
  const claimVolume = str(specOf(claim).volumeName) ?? '';
  // Half-bound: the claim's sync finishes it.
  if (claimVolume === '') return [];
  if (claimVolume === pv.metadata.name) return setPhase(pv, 'Bound');
  // The claim is bound to another volume.
  const ann = strMap(pv.metadata.annotations);
  if (ann[ANN_PROVISIONED_BY] && str(specOf(pv).persistentVolumeReclaimPolicy) === 'Delete') {
    if (phaseOf(pv) !== 'Released' && phaseOf(pv) !== 'Failed') return setPhase(pv, 'Released');
    return phaseOf(pv) === 'Released' ? reclaim(pv) : [];
  }
  if (ann[ANN_BOUND_BY_CONTROLLER] === 'yes') {
    // unbindVolume: we bound it; the claim went elsewhere.
    const next: KubeObject = { ...clone(pv), apiVersion: PV.apiVersion, kind: PV.kind };
    delete (next.spec as Record<string, unknown>).claimRef;
    if (next.metadata.annotations) delete next.metadata.annotations[ANN_BOUND_BY_CONTROLLER];
    return [{ kind: 'update', object: next }];
  }
  if (phaseOf(pv) === 'Failed') return [];
  return [...setPhase(pv, 'Failed', 'Volume is bound to a claim, but the claim is bound elsewhere'), { kind: 'event', event: eventFor(pv, PV, 'Warning', 'VolumeMisbound', 'Volume is bound to a claim, but the claim is bound elsewhere') }];
}
