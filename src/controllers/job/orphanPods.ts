// Tracking finalizers left on pods no live Job will count (upstream syncOrphanPod): the pod
// has no controller, or its controlling batch/v1 Job is gone or finished. Pods controlled by
// something else, by a running Job, or by a Job another controller manages keep theirs.
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { getControllerOf } from '../shared/ownerRefs.js';
import { hasJobTrackingFinalizer, isJobFinished, managedByExternalController } from './jobMeta.js';
import { removeTrackingFinalizerPatch } from './tracking.js';

export interface OrphanPodObserved {
  pod: KubeObject;
  /** The Job the pod's controllerRef names (same namespace and name), if it exists. */
  job?: KubeObject;
}

export function decideOrphanPodFinalizer(observed: OrphanPodObserved): Action[] {
  const { pod } = observed;
  if (!hasJobTrackingFinalizer(pod)) return [];
  const ref = getControllerOf(pod);
  if (ref) {
    if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return [];
    const job = observed.job && observed.job.metadata.uid === ref.uid ? observed.job : undefined;
    if (job && managedByExternalController(job) !== undefined) return [];
    if (job && !isJobFinished(job)) return [];
  }
  return [removeTrackingFinalizerPatch(pod)];
}
