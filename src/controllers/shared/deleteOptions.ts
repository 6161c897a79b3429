// DeleteOptions a controller's delete carries beyond the shared DeleteAction (actions.ts):
// upstream controllers pass a propagation policy (the CronJob controller deletes Jobs with
// Background, the TTL-after-finished controller with Foreground, because batch/v1 Jobs
// default to orphaning their pods) or a grace period (PodGC force-deletes with 0).
//
// ADDITIVE PROPOSAL for actions.ts: `DeleteAction.propagationPolicy?` and
// `DeleteAction.gracePeriodSeconds?`, sent as the DELETE body's DeleteOptions. Until the loop
// honours them these fields ride along on the action object; the type below is compatible
// with DeleteAction gaining exactly these optional fields.
import type { KubeObject } from '../../machinery/types.js';
import { type DeleteAction, type EventDescriptor, type Gvk, refOf } from './actions.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptionsFields {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
}

export type DeleteWithOptions = DeleteAction & DeleteOptionsFields;

export interface DeleteExtras {
  onSuccess?: EventDescriptor[];
  onFailure?: EventDescriptor[];
  /** Guard the delete with the object's uid (upstream's Preconditions{UID}). */
  uidPrecondition?: boolean;
}

/** A delete of `obj` with DeleteOptions; NotFound counts as done. */
export function deleteWithOptions(obj: KubeObject, gvk: Gvk, options: DeleteOptionsFields, events: DeleteExtras = {}): DeleteWithOptions {
  const action: DeleteWithOptions = { kind: 'delete', ref: refOf(obj, gvk), tolerate: ['NotFound'], ...options };
  if (events.uidPrecondition && obj.metadata.uid) action.preconditions = { uid: obj.metadata.uid };
  if (events.onSuccess) action.onSuccess = events.onSuccess;
  if (events.onFailure) action.onFailure = events.onFailure;
  return action;
}
