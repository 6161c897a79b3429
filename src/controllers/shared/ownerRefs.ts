// ControllerRef handling shared by controllers (upstream apimachinery metav1.GetControllerOf /
// NewControllerRef and pkg/controller/controller_ref_manager.go): who controls an object,
// the strategic-merge patches that adopt and release, and ClaimObject's decision table.
import type { KubeObject, OwnerReference } from '../../machinery/types.js';
import { type Gvk, type PatchAction, refOf } from './actions.js';

export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef: controller and blockOwnerDeletion both true. */
export function newControllerRef(owner: KubeObject, gvk: Gvk): OwnerReference {
  return {
    apiVersion: gvk.apiVersion,
    kind: gvk.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = getControllerOf(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

/**
 * ownerRefControllerPatch: adds the controllerRef; the dependent's uid in the patch makes the
 * server reject it if the object was replaced by another of the same name.
 */
export function adoptPatch(owner: KubeObject, ownerGvk: Gvk, dependent: KubeObject, dependentGvk: Gvk): PatchAction {
  return {
    kind: 'patch',
    ref: refOf(dependent, dependentGvk),
    patchType: 'strategic',
    patch: { metadata: { ownerReferences: [newControllerRef(owner, ownerGvk)], uid: dependent.metadata.uid ?? '' } },
    tolerate: ['NotFound'],
  };
}

/** deleteOwnerRefStrategicMergePatch: removes the owner's reference by uid. */
export function releasePatch(owner: KubeObject, dependent: KubeObject, dependentGvk: Gvk): PatchAction {
  return {
    kind: 'patch',
    ref: refOf(dependent, dependentGvk),
    patchType: 'strategic',
    patch: { metadata: { uid: dependent.metadata.uid ?? '', ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid ?? '' }] } },
    // Upstream ignores NotFound (gone) and Invalid (no such reference, or uid mismatch).
    tolerate: ['NotFound', 'Invalid'],
  };
}

export interface ClaimResult {
  /** Objects the owner controls after the claim (owned and matching, or just adopted). */
  claimed: KubeObject[];
  /** Adoption and release patches, in input order. */
  patches: PatchAction[];
  /** How many of the patches adopt (the rest release). */
  adopted: number;
}

/**
 * BaseControllerRefManager.ClaimObject over a list: keep what we own and still match,
 * release what we own but no longer match (unless the owner is being deleted), adopt matching
 * orphans that are not being deleted (unless the owner is), ignore what others own.
 */
export function claimObjects(
  owner: KubeObject,
  ownerGvk: Gvk,
  objects: readonly KubeObject[],
  dependentGvk: Gvk,
  match: (obj: KubeObject) => boolean,
): ClaimResult {
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  const result: ClaimResult = { claimed: [], patches: [], adopted: 0 };
  for (const obj of objects) {
    const ref = getControllerOf(obj);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (match(obj)) result.claimed.push(obj);
      else if (!ownerDeleting) result.patches.push(releasePatch(owner, obj, dependentGvk));
      continue;
    }
    if (ownerDeleting || !match(obj) || obj.metadata.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) continue;
    result.patches.push(adoptPatch(owner, ownerGvk, obj, dependentGvk));
    result.adopted++;
    result.claimed.push(obj);
  }
  return result;
}
