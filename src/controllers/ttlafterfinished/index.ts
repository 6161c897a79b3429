// The TTL-after-finished controller as the lead wires it (see README.md).
export { type TTLObserved, decideTTLAfterFinished, jobFinishTime, timeLeftMs } from './decide.js';
import { decideTTLAfterFinished } from './decide.js';

export const ttlAfterFinishedController = {
  name: 'ttl-after-finished',
  /** kube-controller-manager's --concurrent-ttl-after-finished-syncs default. */
  workers: 5,
  primary: { group: 'batch', version: 'v1', resource: 'jobs' },
  /** Only Jobs are read; upstream enqueues a Job on add/update when it is finished and has a TTL. */
  secondary: [],
  /** decideTTLAfterFinished({ job }, now). */
  decide: decideTTLAfterFinished,
} as const;
