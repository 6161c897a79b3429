// The garbage collector's ownership graph (upstream pkg/controller/garbagecollector
// graph.go + graph_builder.go processGraphChanges): one node per object uid, edges from each
// owner to its dependents taken from ownerReferences, and "virtual" nodes for owners that are
// referenced but not yet observed. A pure data structure: the caller feeds it informer events
// (and the virtual deletes attemptToDelete asks for) and gets back the uids to queue for
// attemptToDelete / attemptToOrphan, exactly where upstream's graph builder queues them.
import type { OwnerReference } from '../../machinery/types.js';

/** An object's coordinates (upstream objectReference: owner-reference coordinates + namespace). */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** Empty or absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
  uid: string;
}

/** What the graph needs of an object (from any resource's informer event or a live GET). */
export interface GraphObject {
  ref: ObjectIdentity;
  owners: readonly OwnerReference[];
  deletionTimestamp?: string;
  finalizers?: readonly string[];
  /** Needed only for JSON merge patches (kinds without strategic merge). */
  resourceVersion?: string;
}

export interface GraphNode {
  readonly identity: ObjectIdentity;
  readonly owners: readonly OwnerReference[];
  readonly dependents: ReadonlySet<GraphNode>;
  /** Referenced as an owner but not (yet) seen by an informer. */
  readonly virtual: boolean;
  readonly beingDeleted: boolean;
  /** Being deleted with the foregroundDeletion finalizer: waits for blocking dependents. */
  readonly deletingDependents: boolean;
}

/** The queue work an event produced (uids, in the order upstream would add them). */
export interface GraphWork {
  attemptToDelete: string[];
  attemptToOrphan: string[];
}

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** Upstream's absentOwnerCache is an LRU of this size. */
const ABSENT_CACHE_SIZE = 500;

class Node implements GraphNode {
  dependents = new Set<Node>();
  owners: OwnerReference[] = [];
  virtual = false;
  beingDeleted = false;
  deletingDependents = false;
  finalizers: readonly string[] = [];
  constructor(public identity: ObjectIdentity) {}
}

const ns = (id: { namespace?: string }): string => id.namespace ?? '';

function normalize(id: ObjectIdentity): ObjectIdentity {
  const out: ObjectIdentity = { apiVersion: id.apiVersion, kind: id.kind, name: id.name, uid: id.uid };
  if (id.namespace) out.namespace = id.namespace;
  return out;
}

export function sameIdentity(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion && ns(a) === ns(b);
}

function refMatchesCoordinates(ref: OwnerReference, id: ObjectIdentity): boolean {
  return ref.uid === id.uid && ref.name === id.name && ref.kind === id.kind && ref.apiVersion === id.apiVersion;
}

function identityKey(id: ObjectIdentity): string {
  return JSON.stringify([id.uid, id.apiVersion, id.kind, id.name, ns(id)]);
}

const hasFinalizer = (fs: readonly string[] | undefined, f: string): boolean => (fs ?? []).includes(f);

/** deletionStartsWithFinalizer: the object just started being deleted with `f`, or just got `f`. */
function deletionStartsWithFinalizer(old: { beingDeleted: boolean; finalizers: readonly string[] } | undefined, obj: GraphObject, f: string): boolean {
  if (!obj.deletionTimestamp || !hasFinalizer(obj.finalizers, f)) return false;
  if (!old) return true;
  return !old.beingDeleted || !hasFinalizer(old.finalizers, f);
}

/** partitionDependents: dependents whose reference to the owner matches `owner` exactly, and those that do not. */
function partitionDependents(dependents: Iterable<Node>, owner: ObjectIdentity): { matching: Node[]; nonmatching: Node[] } {
  const matching: Node[] = [];
  const nonmatching: Node[] = [];
  const ownerNamespaced = ns(owner) !== '';
  for (const dep of dependents) {
    let match = false;
    let mismatch = false;
    if (ownerNamespaced && ns(owner) !== ns(dep.identity)) mismatch = true;
    else {
      for (const r of dep.owners) {
        if (r.uid !== owner.uid) continue;
        if (refMatchesCoordinates(r, owner)) match = true;
        else mismatch = true;
      }
    }
    if (match) matching.push(dep);
    if (mismatch) nonmatching.push(dep);
  }
  return { matching, nonmatching };
}

class Work {
  attemptToDelete: string[] = [];
  attemptToOrphan: string[] = [];
  result(): GraphWork {
    return { attemptToDelete: this.attemptToDelete, attemptToOrphan: this.attemptToOrphan };
  }
  del(n: Node): void {
    if (!this.attemptToDelete.includes(n.identity.uid)) this.attemptToDelete.push(n.identity.uid);
  }
  orphan(n: Node): void {
    if (!this.attemptToOrphan.includes(n.identity.uid)) this.attemptToOrphan.push(n.identity.uid);
  }
}

export class OwnershipGraph {
  private readonly nodes = new Map<string, Node>();
  private readonly absent = new Map<string, true>();

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** The nodes that list `uid` among their owners. */
  dependentsOf(uid: string): GraphNode[] {
    return [...(this.nodes.get(uid)?.dependents ?? [])];
  }

  /** Upstream's absentOwnerCache: owners verified absent, so lookups can be skipped. */
  isKnownAbsent(ref: OwnerReference, dependentNamespace: string | undefined): boolean {
    const base = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
    return this.absent.has(identityKey(base)) || this.absent.has(identityKey({ ...base, namespace: dependentNamespace }));
  }

  markAbsent(id: ObjectIdentity): void {
    const k = identityKey(id);
    this.absent.delete(k);
    this.absent.set(k, true);
    if (this.absent.size > ABSENT_CACHE_SIZE) this.absent.delete(this.absent.keys().next().value as string);
  }

  /** An informer add or update of any object. */
  observe(obj: GraphObject): GraphWork {
    const work = new Work();
    const identity = normalize(obj.ref);
    let existing = this.nodes.get(identity.uid);
    let old: { beingDeleted: boolean; finalizers: readonly string[] } | undefined;
    if (existing && existing.virtual) {
      if (!sameIdentity(identity, existing.identity)) {
        // Dependents that named this owner by other coordinates may be wrong: re-check them.
        for (const dep of partitionDependents(existing.dependents, identity).nonmatching) work.del(dep);
        existing.identity = identity;
      }
      existing.virtual = false;
    } else if (existing) {
      old = { beingDeleted: existing.beingDeleted, finalizers: existing.finalizers };
    }

    if (!existing) {
      existing = new Node(identity);
      existing.owners = [...obj.owners];
      existing.beingDeleted = Boolean(obj.deletionTimestamp);
      existing.deletingDependents = existing.beingDeleted && hasFinalizer(obj.finalizers, FINALIZER_FOREGROUND);
      existing.finalizers = [...(obj.finalizers ?? [])];
      this.nodes.set(identity.uid, existing);
      this.addDependentToOwners(existing, existing.owners, work);
    } else {
      const { added, removed, changed } = referencesDiffs(existing.owners, obj.owners);
      if (added.length || removed.length || changed.length) {
        this.addUnblockedOwnersToDeleteQueue(removed, changed, work);
        existing.owners = [...obj.owners];
        this.addDependentToOwners(existing, added, work);
        this.removeDependentFromOwners(existing, removed);
      }
      if (obj.deletionTimestamp) existing.beingDeleted = true;
      existing.finalizers = [...(obj.finalizers ?? [])];
    }
    this.processTransitions(old, obj, existing, work);
    return work.result();
  }

  /** An informer delete. */
  observeDeleted(obj: GraphObject): GraphWork {
    const work = new Work();
    const existing = this.nodes.get(obj.ref.uid);
    if (existing) this.removeAndRequeue(existing, normalize(obj.ref), work);
    return work.result();
  }

  /** attemptToDelete found no object (or another uid) at `id`: upstream's virtual delete event. */
  virtualDelete(id: ObjectIdentity): GraphWork {
    const work = new Work();
    const deleted = normalize(id);
    const existing = this.nodes.get(deleted.uid);
    if (!existing) return work.result();
    let remove = true;
    if (existing.virtual) {
      const { matching, nonmatching } = partitionDependents(existing.dependents, deleted);
      if (nonmatching.length > 0) {
        // Some dependents name this uid by other coordinates: keep the node for them.
        remove = false;
        if (matching.length > 0) {
          this.markAbsent(deleted);
          for (const dep of matching) work.del(dep);
        }
        if (sameIdentity(existing.identity, deleted)) {
          const alt = alternateIdentity(nonmatching, deleted);
          if (alt) {
            existing.identity = alt;
            work.del(existing);
          }
        }
      }
    } else if (!sameIdentity(existing.identity, deleted)) {
      remove = false;
      const { matching } = partitionDependents(existing.dependents, deleted);
      if (matching.length > 0) {
        this.markAbsent(deleted);
        for (const dep of matching) work.del(dep);
      }
    }
    if (remove) this.removeAndRequeue(existing, deleted, work);
    return work.result();
  }

  private removeAndRequeue(node: Node, id: ObjectIdentity, work: Work): void {
    this.nodes.delete(node.identity.uid);
    this.removeDependentFromOwners(node, node.owners);
    if (node.dependents.size > 0) this.markAbsent(id);
    for (const dep of node.dependents) work.del(dep);
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      // Let a foreground-deleting owner check whether its last blocking dependent is gone.
      if (owner?.deletingDependents) work.del(owner);
    }
  }

  private processTransitions(old: { beingDeleted: boolean; finalizers: readonly string[] } | undefined, obj: GraphObject, n: Node, work: Work): void {
    if (deletionStartsWithFinalizer(old, obj, FINALIZER_ORPHAN)) {
      work.orphan(n);
      return;
    }
    if (deletionStartsWithFinalizer(old, obj, FINALIZER_FOREGROUND)) {
      n.deletingDependents = true;
      for (const dep of n.dependents) work.del(dep);
      work.del(n);
    }
  }

  private addDependentToOwners(n: Node, owners: readonly OwnerReference[], work: Work): void {
    let suspicious = false;
    for (const ref of owners) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new Node(normalize({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: n.identity.namespace }));
        owner.virtual = true;
        this.nodes.set(ref.uid, owner);
        owner.dependents.add(n);
        // The collector checks with the API server whether this owner exists at all.
        work.del(owner);
        continue;
      }
      owner.dependents.add(n);
      if (suspicious) continue;
      const ownerNamespaced = ns(owner.identity) !== '';
      if (ownerNamespaced && ns(owner.identity) !== ns(n.identity)) suspicious = true;
      else if (!refMatchesCoordinates(ref, owner.identity)) suspicious = true;
      else if (!ownerNamespaced && ns(owner.identity) !== ns(n.identity) && owner.virtual) suspicious = true;
    }
    // A reference that disagrees with the observed owner is verified by attemptToDelete.
    if (suspicious) work.del(n);
  }

  private removeDependentFromOwners(n: Node, owners: readonly OwnerReference[]): void {
    for (const ref of owners) this.nodes.get(ref.uid)?.dependents.delete(n);
  }

  /** A dependent dropping (or un-blocking) its reference may unblock a foreground deletion. */
  private addUnblockedOwnersToDeleteQueue(removed: OwnerReference[], changed: { oldRef: OwnerReference; newRef: OwnerReference }[], work: Work): void {
    for (const ref of removed) {
      if (ref.blockOwnerDeletion !== true) continue;
      const owner = this.nodes.get(ref.uid);
      if (owner) work.del(owner);
    }
    for (const c of changed) {
      if (c.oldRef.blockOwnerDeletion === true && c.newRef.blockOwnerDeletion !== true) {
        const owner = this.nodes.get(c.newRef.uid);
        if (owner) work.del(owner);
      }
    }
  }
}

function sameRef(a: OwnerReference, b: OwnerReference): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && a.uid === b.uid && a.controller === b.controller && a.blockOwnerDeletion === b.blockOwnerDeletion;
}

/** referencesDiffs by uid. */
export function referencesDiffs(
  old: readonly OwnerReference[],
  next: readonly OwnerReference[],
): { added: OwnerReference[]; removed: OwnerReference[]; changed: { oldRef: OwnerReference; newRef: OwnerReference }[] } {
  const oldByUid = new Map(old.map((r) => [r.uid, r]));
  const added: OwnerReference[] = [];
  const changed: { oldRef: OwnerReference; newRef: OwnerReference }[] = [];
  for (const r of next) {
    const o = oldByUid.get(r.uid);
    if (!o) added.push(r);
    else {
      if (!sameRef(o, r)) changed.push({ oldRef: o, newRef: r });
      oldByUid.delete(r.uid);
    }
  }
  return { added, removed: [...oldByUid.values()], changed };
}

/** getAlternateOwnerIdentity: another coordinate set some dependent uses for the same uid. */
function alternateIdentity(deps: Node[], absent: ObjectIdentity): ObjectIdentity | undefined {
  const clusterScoped = ns(absent) === '';
  const sorted = [...deps].sort((a, b) => identityKey(a.identity).localeCompare(identityKey(b.identity)));
  for (const dep of sorted) {
    for (const r of dep.owners) {
      if (r.uid !== absent.uid) continue;
      if (refMatchesCoordinates(r, absent) && (clusterScoped || ns(absent) === ns(dep.identity))) continue;
      let alt = normalize({ apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid, namespace: dep.identity.namespace });
      if (clusterScoped && alt.apiVersion === absent.apiVersion && alt.kind === absent.kind) alt = normalize({ ...alt, namespace: undefined });
      if (!sameIdentity(alt, absent)) return alt;
    }
  }
  return undefined;
}
