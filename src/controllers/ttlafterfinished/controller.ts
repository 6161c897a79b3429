// The TTL-after-finished controller as the manager runs it.
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideTTLAfterFinished, type TTLObserved } from './decide.js';

export const ttlAfterFinishedController: ControllerDefinition<TTLObserved> = {
  name: 'ttl-after-finished',
  primary: gvr.jobs,
  observe(key, cache) {
    const job = cache.informer(gvr.jobs).get(key);
    return job ? { job } : undefined;
  },
  decide: (o, now) => decideTTLAfterFinished(o, now),
  workers: 5,
};
