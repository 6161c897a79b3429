// The claim half of the PersistentVolume binder (upstream pv_controller.go syncClaim /
// syncUnboundClaim / syncBoundClaim, plus the pvc-protection controller and the scheduler's
// selected-node annotation, which skiff does here): pure, one write per object per sync —
// the write's watch event brings the next step (status follows spec in a later sync).
import type { KubeObject } from '../../machinery/types.js';
import { type Action, eventFor } from '../shared/actions.js';
import { clone, rec, semanticEqual, specOf, statusOf, str, strMap } from '../shared/meta.js';
import { findBestMatch, isPreBoundTo } from './matching.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  NO_PROVISIONER,
  PV,
  PVC,
  PVC_PROTECTION_FINALIZER,
  claimNamesOfPod,
  claimRefOf,
  classOf,
  defaultClass,
  isWaitForFirstConsumer,
  phaseOf,
  podHoldsClaims,
  provisionerOf,
} from './volumeMeta.js';

export interface ClaimObserved {
  claim: KubeObject;
  /** Every PersistentVolume. */
  volumes: readonly KubeObject[];
  /** Every StorageClass. */
  classes: readonly KubeObject[];
  /** The pods of the claim's namespace. */
  pods: readonly KubeObject[];
  /** Nodes (for the selected node's labels); the hostname label is assumed when absent. */
  nodes?: readonly KubeObject[];
}

export const WAIT_FOR_FIRST_CONSUMER_MESSAGE = 'waiting for first consumer to be created before binding';

export function externalProvisioningMessage(provisioner: string): string {
  return `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
}

/** The pods that keep the claim in use (not finished), sorted by name. */
export function podsUsingClaim(claim: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  return pods
    .filter((p) => p.metadata.namespace === claim.metadata.namespace && podHoldsClaims(p) && claimNamesOfPod(p).includes(claim.metadata.name ?? ''))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

function nodeLabels(name: string, nodes: readonly KubeObject[] | undefined): Record<string, string> {
  const node = nodes?.find((n) => n.metadata.name === name);
  return { 'kubernetes.io/hostname': name, ...(node?.metadata.labels ?? {}) };
}

function setAnnotation(obj: KubeObject, key: string, value: string): boolean {
  const ann = (obj.metadata.annotations ??= {});
  if (ann[key] === value) return false;
  ann[key] = value;
  return true;
}

/** bindVolumeToClaim: the volume's full claimRef (and bound-by-controller when we set it). */
function volumeBoundTo(pv: KubeObject, claim: KubeObject): KubeObject | undefined {
  const ref = claimRefOf(pv);
  if (ref && ref.uid === claim.metadata.uid && ref.name === claim.metadata.name && ref.namespace === claim.metadata.namespace) return undefined;
  const next = clone(pv);
  const spec = (next.spec ??= {}) as Record<string, unknown>;
  spec.claimRef = {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata.namespace,
    name: claim.metadata.name,
    uid: claim.metadata.uid,
    apiVersion: 'v1',
    resourceVersion: claim.metadata.resourceVersion,
  };
  if (!ref) setAnnotation(next, ANN_BOUND_BY_CONTROLLER, 'yes');
  next.apiVersion = PV.apiVersion;
  next.kind = PV.kind;
  return next;
}

/** What the claim's status should be once bound to `pv` (upstream updateClaimStatus). */
function boundStatus(claim: KubeObject, pv: KubeObject): Record<string, unknown> {
  const status = clone(statusOf(claim));
  status.phase = 'Bound';
  const pvSpec = specOf(pv);
  if (Array.isArray(pvSpec.accessModes)) status.accessModes = clone(pvSpec.accessModes);
  if (rec(pvSpec.capacity)) status.capacity = clone(pvSpec.capacity);
  return status;
}

export function decideClaim(o: ClaimObserved, _now: number): Action[] {
  const { claim } = o;
  const actions: Action[] = [];
  const users = podsUsingClaim(claim, o.pods);
  const finalizers = claim.metadata.finalizers ?? [];

  // pvc-protection: a deleted claim goes once no pod uses it.
  if (claim.metadata.deletionTimestamp) {
    if (finalizers.includes(PVC_PROTECTION_FINALIZER) && users.length === 0) {
      const next = clone(claim);
      next.metadata.finalizers = finalizers.filter((f) => f !== PVC_PROTECTION_FINALIZER);
      actions.push({ kind: 'update', object: { ...next, apiVersion: PVC.apiVersion, kind: PVC.kind }, tolerate: ['NotFound'] });
    }
    return actions;
  }

  const next = clone(claim);
  next.apiVersion = PVC.apiVersion;
  next.kind = PVC.kind;
  let changed = false;
  // Upstream's StorageObjectInUseProtection admission adds the finalizer at creation.
  if (!finalizers.includes(PVC_PROTECTION_FINALIZER)) {
    next.metadata.finalizers = [...finalizers, PVC_PROTECTION_FINALIZER];
    changed = true;
  }
  const spec = specOf(claim);
  // Retroactive default class assignment (a claim created with no class at all, not "").
  if ((spec.storageClassName === undefined || spec.storageClassName === null) && claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] === undefined && !str(spec.volumeName)) {
    const def = defaultClass(o.classes);
    if (def) {
      (next.spec as Record<string, unknown>).storageClassName = def.metadata.name;
      changed = true;
    }
  }
  const className = classOf(next);
  const sc = className ? o.classes.find((c) => c.metadata.name === className) : undefined;
  const volumeName = str(spec.volumeName) ?? '';
  const write = (): Action[] => (changed ? [...actions, { kind: 'update', object: next }] : actions);

  if (volumeName === '') {
    // syncUnboundClaim
    const delay = isWaitForFirstConsumer(sc);
    let node = strMap(claim.metadata.annotations)[ANN_SELECTED_NODE];
    if (delay && !node) {
      // The scheduler's part (skiff's simplification): the first scheduled pod picks the node.
      const scheduled = users.find((p) => str(specOf(p).nodeName));
      if (scheduled) {
        node = str(specOf(scheduled).nodeName) ?? '';
        changed = setAnnotation(next, ANN_SELECTED_NODE, node) || changed;
      }
    }
    const match = findBestMatch(claim, o.volumes, { delayBinding: delay, nodeLabels: node ? nodeLabels(node, o.nodes) : undefined });
    if (match) {
      // bind(): the volume first, then the claim (its status follows in the next sync).
      const pvNext = volumeBoundTo(match, claim);
      if (pvNext) actions.push({ kind: 'update', object: pvNext });
      (next.spec as Record<string, unknown>).volumeName = match.metadata.name;
      setAnnotation(next, ANN_BOUND_BY_CONTROLLER, 'yes');
      setAnnotation(next, ANN_BIND_COMPLETED, 'yes');
      changed = true;
      return write();
    }
    if (delay && !node) {
      actions.push({ kind: 'event', event: eventFor(claim, PVC, 'Normal', 'WaitForFirstConsumer', WAIT_FOR_FIRST_CONSUMER_MESSAGE) });
      return write();
    }
    if (className === '') {
      actions.push({ kind: 'event', event: eventFor(claim, PVC, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set') });
      return write();
    }
    if (!sc) {
      actions.push({ kind: 'event', event: eventFor(claim, PVC, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`) });
      return write();
    }
    const provisioner = provisionerOf(sc);
    if (provisioner === NO_PROVISIONER) {
      actions.push({ kind: 'event', event: eventFor(claim, PVC, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set') });
      return write();
    }
    // provisionClaim for an out-of-tree provisioner: name it on the claim and wait.
    changed = setAnnotation(next, ANN_STORAGE_PROVISIONER, provisioner) || changed;
    changed = setAnnotation(next, ANN_BETA_STORAGE_PROVISIONER, provisioner) || changed;
    actions.push({ kind: 'event', event: eventFor(claim, PVC, 'Normal', 'ExternalProvisioning', externalProvisioningMessage(provisioner)) });
    return write();
  }

  // syncBoundClaim: the claim names its volume.
  const pv = o.volumes.find((v) => v.metadata.name === volumeName);
  if (!pv) {
    if (phaseOf(claim) === 'Bound' || phaseOf(claim) === 'Lost') {
      if (changed) return write();
      if (phaseOf(claim) === 'Lost') return actions;
      return [
        { kind: 'updateStatus', object: { ...clone(next), status: { ...statusOf(claim), phase: 'Lost' } } },
        { kind: 'event', event: eventFor(claim, PVC, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!') },
      ];
    }
    // A claim pre-bound by the user to a volume that does not exist (yet) stays Pending.
    return write();
  }
  const ref = claimRefOf(pv);
  if (!ref || isPreBoundTo(pv, claim)) {
    const pvNext = volumeBoundTo(pv, claim);
    if (pvNext) actions.push({ kind: 'update', object: pvNext });
    changed = setAnnotation(next, ANN_BIND_COMPLETED, 'yes') || changed;
    if (changed || pvNext) return write();
    const status = boundStatus(claim, pv);
    if (!semanticEqual(status, statusOf(claim))) actions.push({ kind: 'updateStatus', object: { ...next, status } });
    return actions;
  }
  // The volume belongs to another claim.
  if (strMap(claim.metadata.annotations)[ANN_BOUND_BY_CONTROLLER] === 'yes') {
    actions.push({ kind: 'event', event: eventFor(claim, PVC, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly') });
    if (!changed && phaseOf(claim) !== 'Lost') actions.push({ kind: 'updateStatus', object: { ...next, status: { ...statusOf(claim), phase: 'Lost' } } });
    return write();
  }
  actions.push({ kind: 'event', event: eventFor(claim, PVC, 'Normal', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`) });
  return write();
}
