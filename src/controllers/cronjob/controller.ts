// The CronJob controller as the manager runs it.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { ownerKeys } from '../runtime/mapping.js';
import { decideCronJob, type CronJobObserved } from './decide.js';

export const cronJobController: ControllerDefinition<CronJobObserved> = {
  name: 'cronjob',
  primary: gvr.cronjobs,
  secondary: [gvr.jobs],
  keysFor: (_g, job, cache) => ownerKeys(job, 'CronJob', cache.informer(gvr.cronjobs)),
  observe(key, cache) {
    const cronJob = cache.informer(gvr.cronjobs).get(key);
    if (!cronJob) return undefined;
    return { cronJob, jobs: cache.informer(gvr.jobs).listInNamespace(splitKey(key).namespace ?? '') };
  },
  decide: (o, now) => decideCronJob(o, now),
  workers: 5,
};
