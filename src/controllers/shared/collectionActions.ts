// Write shapes the namespace and garbage-collector controllers need beyond ./actions.ts (which
// stays the contract every other controller uses): a DELETE of a whole collection, a PUT to a
// named subresource (namespaces/<name>/finalize), and a DELETE carrying a propagation policy.
// The extended members keep `kind` values the executor already dispatches on ('update',
// 'delete'), so an executor that ignores the new fields degrades to the plain write; the lead's
// executor must honour them (subresource → `UpdateOptions.subresource`, propagationPolicy →
// `DeleteOptions.propagationPolicy` as deleteOptions.ts proposes, deleteCollection →
// `Client.deleteCollection`).
import type { GroupVersionResource } from '../../machinery/types.js';
import type { Action, EventDescriptor, UpdateAction } from './actions.js';
import type { DeleteWithOptions, PropagationPolicy } from './deleteOptions.js';

export type { PropagationPolicy } from './deleteOptions.js';

/** DELETE /…/namespaces/<namespace>/<resource> (deletecollection), no selectors. */
export interface DeleteCollectionAction {
  kind: 'deleteCollection';
  gvr: GroupVersionResource;
  namespace: string;
  propagationPolicy?: PropagationPolicy;
  onSuccess?: EventDescriptor[];
  onFailure?: EventDescriptor[];
  /** Status reasons that count as done (e.g. 'NotFound', 'MethodNotAllowed'). */
  tolerate?: string[];
}

/** A full-object PUT to `<name>/<subresource>` (e.g. 'finalize' for namespaces). */
export interface SubresourceUpdateAction extends UpdateAction {
  subresource: string;
}

/** A DELETE with DeleteOptions.propagationPolicy (upstream's GC always sets one); see deleteOptions.ts. */
export type PropagatingDeleteAction = DeleteWithOptions & { propagationPolicy: PropagationPolicy };

/** Everything a namespace or GC decision may return. */
export type CollectionAction = Action | DeleteCollectionAction | SubresourceUpdateAction | PropagatingDeleteAction;

/** `gvr` as apimachinery's GroupVersionResource.String(): "apps/v1, Resource=deployments". */
export function gvrDisplay(gvr: GroupVersionResource): string {
  return `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;
}
