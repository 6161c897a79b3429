// What `kubectl rollout status deployment/<name>` prints for a deployment (kubectl's
// polymorphichelpers DeploymentStatusViewer). kubectl computes this itself from the object;
// we reproduce it so tests can assert on the same words.
import type { KubeObject } from '../../machinery/types.js';
import { int, num, specOf, statusOf } from '../shared/meta.js';
import { PROGRESSING, deploymentCondition } from './progress.js';
import { Reason, revisionOf } from './util.js';

export interface RolloutStatus {
  /** The line kubectl prints (without the trailing newline); empty on error. */
  message: string;
  /** kubectl stops watching. */
  done: boolean;
  /** kubectl's error (it prints `error: <this>` and exits 1). */
  error?: string;
}

export function rolloutStatusMessage(d: KubeObject, revision = 0): RolloutStatus {
  const name = d.metadata.name ?? '';
  if (revision > 0) {
    const running = revisionOf(d);
    if (running !== revision) {
      return { message: '', done: true, error: `desired revision (${revision}) is different from the running revision (${running})` };
    }
  }
  const status = statusOf(d);
  if ((d.metadata.generation ?? 0) > int(status, 'observedGeneration')) {
    return { message: 'Waiting for deployment spec update to be observed...', done: false };
  }
  if (deploymentCondition(d, PROGRESSING)?.reason === Reason.TimedOut) {
    return { message: '', done: true, error: `deployment "${name}" exceeded its progress deadline` };
  }
  const replicas = num(specOf(d).replicas);
  const updated = int(status, 'updatedReplicas');
  if (replicas !== undefined && updated < replicas) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`, done: false };
  }
  const total = int(status, 'replicas');
  if (total > updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`, done: false };
  }
  const available = int(status, 'availableReplicas');
  if (available < updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}
