// The Job controller as the manager runs it.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { ownerKeys } from '../runtime/mapping.js';
import { decideJob, type JobObserved } from './decide.js';
import { JOB_TRACKING_FINALIZER } from './index.js';
import { decideOrphanPodFinalizer, type OrphanPodObserved } from './orphanPods.js';

export const jobController: ControllerDefinition<JobObserved> = {
  name: 'job',
  primary: gvr.jobs,
  secondary: [gvr.pods],
  keysFor: (_g, pod, cache) => ownerKeys(pod, 'Job', cache.informer(gvr.jobs)),
  observe(key, cache) {
    const job = cache.informer(gvr.jobs).get(key);
    if (!job) return undefined;
    return { job, pods: cache.informer(gvr.pods).listInNamespace(splitKey(key).namespace ?? '') };
  },
  decide: (o, now) => decideJob(o, now),
  workers: 5,
};

/** Pods keeping a job-tracking finalizer that no live Job will remove (upstream syncOrphanPod). */
export const jobOrphanPodController: ControllerDefinition<OrphanPodObserved> = {
  name: 'job-orphan-pods',
  primary: gvr.pods,
  secondary: [gvr.jobs],
  // A Job going away or finishing releases its pods' finalizers.
  keysFor: (_g, job, cache) => cache.informer(gvr.pods).listInNamespace(job.metadata.namespace ?? '').filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid)).map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
  observe(key, cache) {
    const pod = cache.informer(gvr.pods).get(key);
    if (!pod?.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) return undefined;
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    const job = ref?.kind === 'Job' ? cache.informer(gvr.jobs).get(`${pod.metadata.namespace}/${ref.name}`) : undefined;
    return { pod, job };
  },
  decide: (o) => decideOrphanPodFinalizer(o),
  workers: 2,
};
