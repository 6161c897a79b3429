// skiff's built-in local-path provisioner (rancher local-path-provisioner's behaviour, as k3s
// ships it): the default StorageClass `local-path`, and for each claim the binder handed to
// `rancher.io/local-path` with a selected node, a hostPath PersistentVolume pinned to that
// node and pre-bound to the claim (the binder completes the binding). Pure decisions.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, eventFor } from '../shared/actions.js';
import { clone, specOf, str, strMap } from '../shared/meta.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_DEFAULT_CLASS,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  PV,
  PVC,
  PV_PROTECTION_FINALIZER,
  STORAGE_CLASS,
  accessModesOf,
  classOf,
  provisionerOf,
  reclaimPolicyOf,
  requestedStorage,
} from '../pvbinder/volumeMeta.js';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_CLASS = 'local-path';
/** Where volumes live on a node (k3s uses /var/lib/rancher/k3s/storage). */
export const LOCAL_PATH_ROOT = '/var/lib/skiff/storage';

/** The StorageClass k3s installs as its default. */
export function localPathStorageClass(): KubeObject {
  return {
    apiVersion: STORAGE_CLASS.apiVersion,
    kind: STORAGE_CLASS.kind,
    metadata: { name: LOCAL_PATH_CLASS, annotations: { [ANN_DEFAULT_CLASS]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  };
}

/** Creates the `local-path` class when it is missing. */
export function decideDefaultClass(o: { classes: readonly KubeObject[] }): Action[] {
  if (o.classes.some((c) => c.metadata.name === LOCAL_PATH_CLASS)) return [];
  return [{ kind: 'create', object: localPathStorageClass(), tolerate: ['AlreadyExists'] }];
}

export interface ProvisionObserved {
  claim: KubeObject;
  classes: readonly KubeObject[];
  /** Every PersistentVolume (to see whether this claim's exists). */
  volumes: readonly KubeObject[];
}

export function volumeNameFor(claim: KubeObject): string {
  return `pvc-${claim.metadata.uid ?? ''}`;
}

/** The node directory of a claim's volume (rancher's `<root>/<pv>_<namespace>_<claim>`). */
export function volumePathFor(claim: KubeObject): string {
  return `${LOCAL_PATH_ROOT}/${volumeNameFor(claim)}_${claim.metadata.namespace ?? ''}_${claim.metadata.name ?? ''}`;
}

function wantsUs(claim: KubeObject): boolean {
  const ann = strMap(claim.metadata.annotations);
  return (ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER]) === LOCAL_PATH_PROVISIONER;
}

export function decideProvision(o: ProvisionObserved, _now: number): Action[] {
  const { claim } = o;
  if (claim.metadata.deletionTimestamp || !wantsUs(claim) || str(specOf(claim).volumeName)) return [];
  const name = volumeNameFor(claim);
  if (o.volumes.some((v) => v.metadata.name === name)) return [];
  const className = classOf(claim);
  const sc = o.classes.find((c) => c.metadata.name === className);
  if (!sc || provisionerOf(sc) !== LOCAL_PATH_PROVISIONER) return [];
  const node = strMap(claim.metadata.annotations)[ANN_SELECTED_NODE];
  if (!node) {
    // rancher's provisioner needs a node: it cannot serve Immediate classes.
    return [{ kind: 'event', event: eventFor(claim, PVC, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": configuration error, no node was specified`) }];
  }
  const storage = requestedStorage(claim);
  if (!storage) return [];
  const volumeMode = str(specOf(claim).volumeMode) ?? 'Filesystem';
  const pv: KubeObject = {
    apiVersion: PV.apiVersion,
    kind: PV.kind,
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER }, finalizers: [PV_PROTECTION_FINALIZER] },
    spec: {
      capacity: { storage },
      accessModes: accessModesOf(claim),
      hostPath: { path: volumePathFor(claim), type: 'DirectoryOrCreate' },
      claimRef: {
        kind: PVC.kind,
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
        apiVersion: PVC.apiVersion,
        resourceVersion: claim.metadata.resourceVersion,
      },
      persistentVolumeReclaimPolicy: reclaimPolicyOf(sc),
      storageClassName: className,
      volumeMode,
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
  const mountOptions = (sc as { mountOptions?: unknown }).mountOptions;
  if (Array.isArray(mountOptions) && mountOptions.length) (pv.spec as Record<string, unknown>).mountOptions = clone(mountOptions);
  return [
    { kind: 'event', event: eventFor(claim, PVC, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claim.metadata.namespace}/${claim.metadata.name}"`) },
    {
      kind: 'create',
      object: pv,
      tolerate: ['AlreadyExists'],
      onSuccess: [eventFor(claim, PVC, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`)],
      onFailure: [eventFor(claim, PVC, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": {{error}}`)],
    },
  ];
}
