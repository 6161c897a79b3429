// The namespace controller as the lead's wiring reads it (upstream
// pkg/controller/namespace/namespace_controller.go): Namespaces are the keys (the name); only
// namespaces with a deletionTimestamp have work. Its input is unusual:
//   - `resources`: ServerPreferredNamespacedResources from discovery (GVR + verbs + kind), with
//     each one's objects in the namespace from a LIVE list (not an informer cache, or an object
//     created just before the namespace was deleted could be missed and stranded);
//   - partial discovery failures as `discoveryError` (see discoveryFailureMessage).
// A change to any object in a Terminating namespace may wake it early; the decision also
// requeues itself (estimate/2 + 1 s) while content remains.
// Its actions use the extended shapes of ../shared/collectionActions.ts: `deleteCollection`,
// `update` with `subresource: 'finalize'`, and `delete` with `propagationPolicy`.
import type { KubeObject } from '../../machinery/types.js';

export { decideNamespace, FINALIZER_ESTIMATE_SECONDS, FINALIZER_KUBERNETES, type NamespacedResourceContent, type NamespaceObserved } from './decide.js';
export { discoveryFailureMessage, NAMESPACE_CONDITION_TYPES, type NamespaceCondition } from './conditions.js';

/** Any namespaced object's change wakes its namespace (the sync ignores ones not being deleted). */
export function namespaceKeysForContent(obj: KubeObject): string[] {
  return obj.metadata.namespace ? [obj.metadata.namespace] : [];
}

export const namespaceWatches = {
  name: 'namespace',
  primary: { group: '', version: 'v1', resource: 'namespaces' },
  secondary: 'every namespaced resource discovery lists, listed live per sync; object events map to their namespace (namespaceKeysForContent)',
} as const;
