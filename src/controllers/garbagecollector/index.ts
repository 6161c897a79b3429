// The garbage collector as the lead's wiring reads it (upstream
// pkg/controller/garbagecollector). Not a keyed reconcile of one resource:
//   1. one OwnershipGraph; every resource that supports list/watch/delete feeds it
//      (informer add/update → graph.observe, delete → graph.observeDeleted), as GraphObjects;
//   2. the returned GraphWork uids go to two queues, attemptToDelete and attemptToOrphan;
//   3. an attemptToDelete worker takes a uid, reads `graph.get(uid)` (skip if gone), GETs the
//      object at the node's identity (live) and, for each of its ownerReferences, the owner at
//      the reference's coordinates (live; in the dependent's namespace unless the kind is
//      cluster-scoped; graph.isKnownAbsent may skip the GET), calls attemptToDelete(), executes
//      the actions, records `absentOwners` (graph.markAbsent), queues `enqueue`, feeds
//      `graph.virtualDelete(node.identity)` back when `absent`, and retries with back-off on a
//      failed action or when `requeue` is set;
//   4. an attemptToOrphan worker does the same with attemptToOrphan(node, latest).
// Actions: strategic or merge `patch`, and `delete` with `propagationPolicy` and a uid
// precondition (../shared/collectionActions.ts).
import type { KubeObject } from '../../machinery/types.js';
import type { GraphObject } from './graph.js';

export { attemptToDelete, attemptToOrphan, blockingDependents, classifyReferences, processDeletingDependents, type GcDecision, type OwnerLookup } from './decide.js';
export {
  FINALIZER_FOREGROUND, FINALIZER_ORPHAN, OwnershipGraph, referencesDiffs, sameIdentity, type GraphNode, type GraphObject, type GraphWork,
  type ObjectIdentity,
} from './graph.js';
export { supportsStrategicMerge } from './patches.js';

/** A listed or watched object (whose list items may lack apiVersion/kind) as a GraphObject. */
export function graphObjectOf(obj: KubeObject, gvk: { apiVersion: string; kind: string }): GraphObject {
  const m = obj.metadata;
  const out: GraphObject = {
    ref: { apiVersion: obj.apiVersion ?? gvk.apiVersion, kind: obj.kind ?? gvk.kind, name: m.name ?? '', uid: m.uid ?? '' },
    owners: m.ownerReferences ?? [],
  };
  if (m.namespace) out.ref.namespace = m.namespace;
  if (m.deletionTimestamp) out.deletionTimestamp = m.deletionTimestamp;
  if (m.finalizers) out.finalizers = m.finalizers;
  if (m.resourceVersion) out.resourceVersion = m.resourceVersion;
  return out;
}
