// The garbage collector's decisions for one queued node (upstream garbagecollector.go
// attemptToDeleteItem / classifyReferences / processDeletingDependentsItem and
// attemptToOrphanWorker). Pure: the caller fetches `latest` (the object itself, by a live GET
// of the node's identity) and the owners its latest ownerReferences name (live GETs at the
// reference's coordinates in the dependent's namespace, or none for cluster-scoped kinds),
// then executes the actions, queues `enqueue`, and, when `absent` is set, feeds
// `graph.virtualDelete(node.identity)` back into the graph. Informer caches are not enough for
// these lookups: an owner created a moment ago and not yet cached would look gone, and its
// new dependents would be deleted — the reason upstream reads through the API here.
import type { OwnerReference } from '../../machinery/types.js';
import type { CollectionAction } from '../shared/collectionActions.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type GraphNode, type GraphObject, type ObjectIdentity } from './graph.js';
import { deleteOwnerRefsPatch, deleteWithPolicy, removeFinalizerPatch, unblockOwnerRefsPatch } from './patches.js';

/** What a live GET found at an owner reference's coordinates, keyed by the reference's uid; missing = NotFound. */
export type OwnerLookup = ReadonlyMap<string, GraphObject | undefined>;

export interface GcDecision {
  actions: CollectionAction[];
  /** Node uids to add to the attemptToDelete queue. */
  enqueue: string[];
  /** The object is gone (or replaced): call graph.virtualDelete(node.identity); do not retry. */
  absent?: boolean;
  /** Retry with back-off even without an error (the node is still virtual). */
  requeue?: boolean;
  /** Owners verified missing: record them with graph.markAbsent (lookups may then be skipped). */
  absentOwners: ObjectIdentity[];
}

const empty = (): GcDecision => ({ actions: [], enqueue: [], absentOwners: [] });

const hasFinalizer = (o: GraphObject, f: string): boolean => (o.finalizers ?? []).includes(f);

interface Classified {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waiting: OwnerReference[];
  absentOwners: ObjectIdentity[];
}

/**
 * classifyReferences: solid (owner exists and is not waiting), dangling (owner missing, or the
 * name now holds an object with another uid), waitingForDependentsDeletion (owner exists, is
 * being deleted and has the foregroundDeletion finalizer).
 */
export function classifyReferences(latest: GraphObject, owners: OwnerLookup): Classified {
  const out: Classified = { solid: [], dangling: [], waiting: [], absentOwners: [] };
  for (const ref of latest.owners) {
    const found = owners.get(ref.uid);
    if (!found || found.ref.uid !== ref.uid) {
      out.dangling.push(ref);
      const id: ObjectIdentity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
      if (latest.ref.namespace) id.namespace = latest.ref.namespace;
      out.absentOwners.push(id);
      continue;
    }
    if (found.deletionTimestamp && hasFinalizer(found, FINALIZER_FOREGROUND)) out.waiting.push(ref);
    else out.solid.push(ref);
  }
  return out;
}

/** blockingDependents: dependents whose reference to `node` has blockOwnerDeletion true. */
export function blockingDependents(node: GraphNode): GraphNode[] {
  return [...node.dependents].filter((d) => d.owners.some((r) => r.uid === node.identity.uid && r.blockOwnerDeletion === true));
}

/**
 * processDeletingDependentsItem (Foreground): once no blocking dependent is left, drop the
 * owner's foregroundDeletion finalizer; until then, queue the blocking dependents that are not
 * themselves waiting for theirs.
 */
export function processDeletingDependents(node: GraphNode, latest: GraphObject): GcDecision {
  const d = empty();
  const blocking = blockingDependents(node);
  if (blocking.length === 0) {
    const p = removeFinalizerPatch(latest, FINALIZER_FOREGROUND);
    if (p) d.actions.push(p);
    return d;
  }
  for (const dep of blocking) if (!dep.deletingDependents) d.enqueue.push(dep.identity.uid);
  return d;
}

/** attemptToDeleteItem. */
export function attemptToDelete(node: GraphNode, latest: GraphObject | undefined, owners: OwnerLookup): GcDecision {
  // "Being deleted" is a one-way trip; its dependents are handled once it is gone.
  if (node.beingDeleted && !node.deletingDependents) return empty();
  if (!latest || latest.ref.uid !== node.identity.uid) return { ...empty(), absent: true };

  let d: GcDecision;
  if (node.deletingDependents) d = processDeletingDependents(node, latest);
  else d = decideForOwners(node, latest, owners);
  // An item that exists but was never observed by an informer is retried until it is.
  if (node.virtual) d.requeue = true;
  return d;
}

function decideForOwners(node: GraphNode, latest: GraphObject, owners: OwnerLookup): GcDecision {
  const d = empty();
  if (latest.owners.length === 0) return d;
  const c = classifyReferences(latest, owners);
  d.absentOwners = c.absentOwners;

  if (c.solid.length > 0) {
    // At least one owner is alive: keep the item, drop the references that are dangling or
    // waiting (a waiting owner would otherwise wait forever on this item).
    if (c.dangling.length === 0 && c.waiting.length === 0) return d;
    d.actions.push(deleteOwnerRefsPatch(latest, [...c.dangling, ...c.waiting].map((r) => r.uid)));
    return d;
  }

  if (c.waiting.length > 0 && node.dependents.size > 0) {
    // An owner waits for its dependents and this item has dependents of its own: delete it in
    // the foreground too, first un-blocking its references when a dependent is also waiting
    // (a possible cycle).
    if ([...node.dependents].some((dep) => dep.deletingDependents)) d.actions.push(unblockOwnerRefsPatch(latest));
    d.actions.push(deleteWithPolicy(latest.ref, 'Foreground'));
    return d;
  }

  // No owner left alive: collect it, honouring a propagation finalizer it already carries.
  const policy = hasFinalizer(latest, FINALIZER_ORPHAN) ? 'Orphan' : hasFinalizer(latest, FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
  d.actions.push(deleteWithPolicy(latest.ref, policy));
  return d;
}

/**
 * attemptToOrphanWorker (Orphan): remove the owner's reference from every dependent, then the
 * owner's `orphan` finalizer (the API server then deletes the owner).
 */
export function attemptToOrphan(node: GraphNode, latest: GraphObject | undefined): GcDecision {
  const d = empty();
  const dependents = [...node.dependents].sort((a, b) => `${a.identity.namespace ?? ''}/${a.identity.name}`.localeCompare(`${b.identity.namespace ?? ''}/${b.identity.name}`));
  for (const dep of dependents) {
    d.actions.push(deleteOwnerRefsPatch({ ref: dep.identity, owners: dep.owners }, [node.identity.uid]));
  }
  if (latest && latest.ref.uid === node.identity.uid) {
    const p = removeFinalizerPatch(latest, FINALIZER_ORPHAN);
    if (p) d.actions.push(p);
  }
  return d;
}
