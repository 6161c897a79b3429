// Names, annotations and small readers of PersistentVolumes, claims and StorageClasses shared
// by the binder and the local-path provisioner (upstream pkg/controller/volume/persistentvolume/util
// and component-helpers/storage/volume).
import type { KubeObject } from '../../machinery/types.js';
import type { Gvk } from '../shared/actions.js';
import { rec, specOf, str, statusOf } from '../shared/meta.js';

export const PV: Gvk = { apiVersion: 'v1', kind: 'PersistentVolume' };
export const PVC: Gvk = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
export const STORAGE_CLASS: Gvk = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' };

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
/** Classes whose volumes are created by hand only (upstream's NotSupportedProvisioner). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** GetPersistentVolumeClaimClass / GetPersistentVolumeClass: the beta annotation wins, "" = no class. */
export function classOf(obj: KubeObject): string {
  const beta = obj.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (beta !== undefined) return beta;
  return str(specOf(obj).storageClassName) ?? '';
}

export function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** The newest default StorageClass (upstream GetDefaultClass picks the most recently created). */
export function defaultClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return defaults[0];
}

export function isWaitForFirstConsumer(sc: KubeObject | undefined): boolean {
  return (sc as { volumeBindingMode?: unknown } | undefined)?.volumeBindingMode === 'WaitForFirstConsumer';
}

export function provisionerOf(sc: KubeObject | undefined): string {
  return str((sc as { provisioner?: unknown } | undefined)?.provisioner) ?? '';
}

export function reclaimPolicyOf(sc: KubeObject | undefined): string {
  return str((sc as { reclaimPolicy?: unknown } | undefined)?.reclaimPolicy) ?? 'Delete';
}

export function claimRefOf(pv: KubeObject): { namespace: string; name: string; uid: string } | undefined {
  const r = rec(specOf(pv).claimRef);
  if (!r) return undefined;
  return { namespace: str(r.namespace) ?? '', name: str(r.name) ?? '', uid: str(r.uid) ?? '' };
}

export function phaseOf(obj: KubeObject): string {
  return str(statusOf(obj).phase) ?? '';
}

export function accessModesOf(obj: KubeObject): string[] {
  const m = specOf(obj).accessModes;
  return Array.isArray(m) ? m.filter((x): x is string => typeof x === 'string') : [];
}

export function volumeModeOf(obj: KubeObject): string {
  return str(specOf(obj).volumeMode) ?? 'Filesystem';
}

export function requestedStorage(claim: KubeObject): string | undefined {
  const s = rec(rec(specOf(claim).resources)?.requests)?.storage;
  return typeof s === 'string' || typeof s === 'number' ? String(s) : undefined;
}

export function capacityOf(pv: KubeObject): string | undefined {
  const s = rec(specOf(pv).capacity)?.storage;
  return typeof s === 'string' || typeof s === 'number' ? String(s) : undefined;
}

/** Names of the claims a pod mounts (spec.volumes[].persistentVolumeClaim.claimName). */
export function claimNamesOfPod(pod: KubeObject): string[] {
  const vols = specOf(pod).volumes;
  if (!Array.isArray(vols)) return [];
  const out: string[] = [];
  for (const v of vols) {
    const name = str(rec(rec(v)?.persistentVolumeClaim)?.claimName);
    if (name) out.push(name);
  }
  return out;
}

/** A pod that is finished no longer holds its claims (upstream pvc-protection's podIsShutDown). */
export function podHoldsClaims(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase !== 'Succeeded' && phase !== 'Failed';
}
