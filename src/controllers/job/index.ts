// The Job controller as the lead wires it: what it watches, how a change maps to a Job key,
// and the pure decisions (see README.md).
export { type JobDecideOptions, type JobObserved, decideJob } from './decide.js';
export { type OrphanPodObserved, decideOrphanPodFinalizer } from './orphanPods.js';
export { DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS } from './backoff.js';
export { COMPLETION_INDEX_ANNOTATION, JOB, JOB_TRACKING_FINALIZER } from './jobMeta.js';
import { decideJob } from './decide.js';
import { decideOrphanPodFinalizer } from './orphanPods.js';

export const jobController = {
  name: 'job',
  /** kube-controller-manager's --concurrent-job-syncs default. */
  workers: 5,
  primary: { group: 'batch', version: 'v1', resource: 'jobs' },
  secondary: [
    {
      group: '',
      version: 'v1',
      resource: 'pods',
      ownerKind: 'Job',
      // A pod maps to the Job its controller ownerReference names (kind Job, same uid); a pod
      // without a controller maps to every Job in its namespace whose selector matches it
      // (adoption). Upstream batches pod-driven syncs by 1 s (syncJobBatchPeriod).
      mapping: 'controllerRef, else selector in namespace',
    },
  ],
  /** decideJob({ job, pods: every Pod in the Job's namespace }, now, opts). */
  decide: decideJob,
  /**
   * Pods holding batch.kubernetes.io/job-tracking whose controller Job is gone or finished
   * (and pods without a controller): decideOrphanPodFinalizer({ pod, job? }) per pod key.
   */
  orphanPods: { resource: { group: '', version: 'v1', resource: 'pods' }, decide: decideOrphanPodFinalizer },
} as const;
