// The writes the garbage collector makes to dependents and owners (upstream
// garbagecollector/patch.go and garbagecollector.go removeFinalizer): strategic-merge patches
// for built-in kinds (the dependent's uid in the patch makes a replaced object fail), JSON
// merge patches with the resourceVersion for kinds without strategic merge (custom
// resources), deletes with a uid precondition and an explicit propagation policy.
import type { OwnerReference } from '../../machinery/types.js';
import type { ObjectRef, PatchAction } from '../shared/actions.js';
import type { PropagatingDeleteAction, PropagationPolicy } from '../shared/collectionActions.js';
import type { GraphObject, ObjectIdentity } from './graph.js';

export function objectRefOf(id: ObjectIdentity): ObjectRef {
  const ref: ObjectRef = { apiVersion: id.apiVersion, kind: id.kind, name: id.name, uid: id.uid };
  if (id.namespace) ref.namespace = id.namespace;
  return ref;
}

/**
 * Whether the API serves strategic merge patch for this apiVersion: the built-in groups (core,
 * undotted names such as `apps`, and `*.k8s.io`). CRDs need a dotted group outside `k8s.io`
 * (without the api-approved annotation) and only take JSON and merge patches.
 */
export function supportsStrategicMerge(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return true;
  const group = apiVersion.slice(0, slash);
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** Removes the references to `ownerUids` (GenerateDeleteOwnerRefStrategicMergeBytes / deleteOwnerRefJSONMergePatch). */
export function deleteOwnerRefsPatch(item: GraphObject, ownerUids: readonly string[]): PatchAction {
  const ref = objectRefOf(item.ref);
  if (supportsStrategicMerge(item.ref.apiVersion)) {
    return {
      kind: 'patch',
      ref,
      patchType: 'strategic',
      patch: { metadata: { ownerReferences: ownerUids.map((uid) => ({ $patch: 'delete', uid })), uid: item.ref.uid } },
      tolerate: ['NotFound'],
    };
  }
  const metadata: Record<string, unknown> = { ownerReferences: item.owners.filter((r) => !ownerUids.includes(r.uid)) };
  if (item.resourceVersion) metadata.resourceVersion = item.resourceVersion;
  return { kind: 'patch', ref, patchType: 'merge', patch: { metadata }, tolerate: ['NotFound'] };
}

/** unblockOwnerReferencesStrategicMergePatch: every blocking reference gets blockOwnerDeletion false. */
export function unblockOwnerRefsPatch(item: GraphObject): PatchAction {
  const ref = objectRefOf(item.ref);
  const unblock = (r: OwnerReference): OwnerReference => (r.blockOwnerDeletion === true ? { ...r, blockOwnerDeletion: false } : r);
  if (supportsStrategicMerge(item.ref.apiVersion)) {
    const blocking = item.owners.filter((r) => r.blockOwnerDeletion === true).map(unblock);
    return { kind: 'patch', ref, patchType: 'strategic', patch: { metadata: { ownerReferences: blocking, uid: item.ref.uid } } };
  }
  const metadata: Record<string, unknown> = { ownerReferences: item.owners.map(unblock) };
  if (item.resourceVersion) metadata.resourceVersion = item.resourceVersion;
  return { kind: 'patch', ref, patchType: 'merge', patch: { metadata } };
}

/** removeFinalizer: a merge patch of the remaining finalizers, guarded by resourceVersion. */
export function removeFinalizerPatch(owner: GraphObject, finalizer: string): PatchAction | undefined {
  const fs = owner.finalizers ?? [];
  if (!fs.includes(finalizer)) return undefined;
  const rest = fs.filter((f) => f !== finalizer);
  const metadata: Record<string, unknown> = {};
  if (owner.resourceVersion) metadata.resourceVersion = owner.resourceVersion;
  // A nil slice marshals as null: the merge patch then drops the field.
  metadata.finalizers = rest.length > 0 ? rest : null;
  return { kind: 'patch', ref: objectRefOf(owner.ref), patchType: 'merge', patch: { metadata }, tolerate: ['NotFound'] };
}

/** deleteObject: uid precondition and an explicit propagation policy. */
export function deleteWithPolicy(item: ObjectIdentity, policy: PropagationPolicy): PropagatingDeleteAction {
  return { kind: 'delete', ref: objectRefOf(item), preconditions: { uid: item.uid }, propagationPolicy: policy, tolerate: ['NotFound'] };
}
