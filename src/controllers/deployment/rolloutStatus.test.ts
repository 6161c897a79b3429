import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { rolloutStatusMessage } from './rolloutStatus.js';

function d(generation: number, replicas: number, status: Record<string, unknown>, revision = '2'): KubeObject {
  return { metadata: { name: 'nginx', generation, annotations: { 'deployment.kubernetes.io/revision': revision } }, spec: { replicas }, status };
}

describe('kubectl rollout status messages', () => {
  const table: [string, KubeObject, string, boolean][] = [
    ['spec not yet observed', d(2, 3, { observedGeneration: 1 }), 'Waiting for deployment spec update to be observed...', false],
    ['new replicas being updated', d(2, 3, { observedGeneration: 2, replicas: 4, updatedReplicas: 1 }),
      'Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...', false],
    ['old replicas terminating', d(2, 3, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }),
      'Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...', false],
    ['updated replicas not yet available', d(2, 3, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      'Waiting for deployment "nginx" rollout to finish: 2 of 3 updated replicas are available...', false],
    ['done', d(2, 3, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), 'deployment "nginx" successfully rolled out', true],
  ];
  for (const [name, obj, message, done] of table) {
    it(name, () => assert.deepEqual(rolloutStatusMessage(obj), { message, done }));
  }

  it('a timed-out rollout is an error', () => {
    const timedOut = d(2, 3, { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    assert.deepEqual(rolloutStatusMessage(timedOut), { message: '', done: true, error: 'deployment "nginx" exceeded its progress deadline' });
  });

  it('--revision must match the running revision', () => {
    const obj = d(2, 3, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    assert.equal(rolloutStatusMessage(obj, 2).done, true);
    assert.equal(rolloutStatusMessage(obj, 1).error, 'desired revision (1) is different from the running revision (2)');
  });
});
