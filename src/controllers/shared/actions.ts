// What a controller's pure decision function returns: the writes (and Events, and a requeue)
// the shared reconcile loop performs through the Client, in order. See ../README.md for the
// execution contract; in short:
//   - actions run in list order; the first failure stops the list (except for the error
//     reasons an action `tolerate`s), its `onFailure` Events are recorded, and the key is
//     requeued with rate limiting; the loop passes `{ action, message }` of that failure to
//     the next decide call as `lastFailure`;
//   - after a successful write its `onSuccess` Events are recorded;
//   - consecutive creates carrying `batch` numbers may run concurrently within one batch
//     (upstream's slow-start batching: 1, 2, 4, … creates); a failure in a batch stops
//     the list once that batch has finished.
// Event messages may hold `{{name}}` (the written object's name as stored, for
// generateName creates) and `{{error}}` (the failure's message); renderEvent fills them.
import type { KubeObject } from '../../machinery/types.js';

/** Identifies one object: enough for the loop to find its resource and address it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

/** core/v1 ObjectReference as an Event's involvedObject carries it. */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

/** One Event to record (the loop adds source/reportingComponent, counts and timestamps). */
export interface EventDescriptor {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  involvedObject: InvolvedObject;
}

interface WriteCommon {
  /** Recorded after the write succeeds. */
  onSuccess?: EventDescriptor[];
  /** Recorded when the write fails (not for tolerated reasons). */
  onFailure?: EventDescriptor[];
  /** Status reasons (e.g. 'NotFound') that count as done: no Events, the list goes on. */
  tolerate?: string[];
}

export interface CreateAction extends WriteCommon {
  kind: 'create';
  object: KubeObject;
  /** Slow-start batch index (0-based); see the header. */
  batch?: number;
}

/** A full-object PUT; `object.metadata.resourceVersion` makes it optimistic. */
export interface UpdateAction extends WriteCommon {
  kind: 'update';
  object: KubeObject;
  /** PUT to `<name>/<subresource>` (namespaces/<name>/finalize). */
  subresource?: string;
}

/** A PUT of the status subresource (full object, with resourceVersion). */
export interface UpdateStatusAction extends WriteCommon {
  kind: 'updateStatus';
  object: KubeObject;
}

export interface PatchAction extends WriteCommon {
  kind: 'patch';
  ref: ObjectRef;
  patchType: 'merge' | 'strategic' | 'json';
  patch: unknown;
}

export interface DeleteAction extends WriteCommon {
  kind: 'delete';
  ref: ObjectRef;
  preconditions?: { uid?: string };
  /** DeleteOptions.propagationPolicy; Background when unset. */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
}

export interface EventAction {
  kind: 'event';
  event: EventDescriptor;
}

/** Sync this key again after `ms` (in addition to any watch-driven sync). */
export interface RequeueAfterAction {
  kind: 'requeueAfter';
  ms: number;
}

export type Action = CreateAction | UpdateAction | UpdateStatusAction | PatchAction | DeleteAction | EventAction | RequeueAfterAction;

/** The previous sync's failed action and its error, handed back by the loop. */
export interface LastFailure {
  /** The failed write (a namespace's deletecollection is named only by its kind). */
  action: Action | { kind: 'deleteCollection' };
  message: string;
  /** The Status reason of the error, when it was an API error. */
  reason?: string;
}

export interface Gvk {
  apiVersion: string;
  kind: string;
}

export const POD: Gvk = { apiVersion: 'v1', kind: 'Pod' };
export const REPLICA_SET: Gvk = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
export const DEPLOYMENT: Gvk = { apiVersion: 'apps/v1', kind: 'Deployment' };

/**
 * The reference to `obj`. List items carry no apiVersion/kind on the wire, so the caller
 * names the kind it knows the object to be.
 */
export function refOf(obj: KubeObject, gvk: Gvk): ObjectRef {
  const m = obj.metadata;
  const ref: ObjectRef = { apiVersion: gvk.apiVersion, kind: gvk.kind, name: m.name ?? '' };
  if (m.namespace !== undefined) ref.namespace = m.namespace;
  if (m.uid !== undefined) ref.uid = m.uid;
  return ref;
}

export function involvedObjectOf(obj: KubeObject, gvk: Gvk): InvolvedObject {
  const io: InvolvedObject = { ...refOf(obj, gvk) };
  if (obj.metadata.resourceVersion !== undefined) io.resourceVersion = obj.metadata.resourceVersion;
  return io;
}

export function eventFor(obj: KubeObject, gvk: Gvk, type: 'Normal' | 'Warning', reason: string, message: string): EventDescriptor {
  return { type, reason, message, involvedObject: involvedObjectOf(obj, gvk) };
}

/** Fills `{{name}}` and `{{error}}` in an Event's message. */
export function renderEvent(event: EventDescriptor, vars: { name?: string; error?: string }): EventDescriptor {
  const message = event.message
    .replaceAll('{{name}}', vars.name ?? '')
    .replaceAll('{{error}}', vars.error ?? '');
  return { ...event, message };
}

/** True when `f` is the failure of a write of `kind` objects with the given verb. */
export function failedWriteOf(f: LastFailure | undefined, verb: 'create' | 'update' | 'delete' | 'patch', kind: string): boolean {
  if (!f || f.action.kind !== verb) return false;
  const a = f.action;
  if (a.kind === 'create' || a.kind === 'update') return a.object.kind === kind;
  if (a.kind === 'delete' || a.kind === 'patch') return a.ref.kind === kind;
  return false;
}
