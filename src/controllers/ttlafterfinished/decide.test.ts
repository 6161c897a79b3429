// TTL-after-finished: table of Jobs and what the controller does with each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { DeleteWithOptions } from '../shared/deleteOptions.js';
import { BatchCluster } from '../job/batchTestCluster.js';
import { decideTTLAfterFinished } from './decide.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');

function job(ttl: number | undefined, condition?: { type: string; status: string; at?: string }, deleting = false): KubeObject {
  const j: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default', uid: 'uid-pi' }, spec: {} };
  if (ttl !== undefined) (j.spec as Record<string, unknown>).ttlSecondsAfterFinished = ttl;
  if (condition) j.status = { conditions: [{ type: condition.type, status: condition.status, ...(condition.at ? { lastTransitionTime: condition.at } : {}) }] };
  if (deleting) j.metadata.deletionTimestamp = '2024-01-01T00:09:00Z';
  return j;
}

describe('decideTTLAfterFinished', () => {
  const cases: [string, KubeObject, string][] = [
    ['no TTL', job(undefined, { type: 'Complete', status: 'True', at: '2024-01-01T00:00:00Z' }), 'nothing'],
    ['not finished', job(60), 'nothing'],
    ['FailureTarget only', job(60, { type: 'FailureTarget', status: 'True', at: '2024-01-01T00:00:00Z' }), 'nothing'],
    ['being deleted', job(0, { type: 'Complete', status: 'True', at: '2024-01-01T00:00:00Z' }, true), 'nothing'],
    ['finished without a transition time', job(0, { type: 'Complete', status: 'True' }), 'nothing'],
    ['completed 10 min ago, TTL 100 s', job(100, { type: 'Complete', status: 'True', at: '2024-01-01T00:00:00Z' }), 'delete'],
    ['failed exactly TTL ago', job(600, { type: 'Failed', status: 'True', at: '2024-01-01T00:00:00Z' }), 'delete'],
    ['completed 10 min ago, TTL 1 h', job(3600, { type: 'Complete', status: 'True', at: '2024-01-01T00:00:00Z' }), 'requeue 3000000'],
  ];
  for (const [name, j, want] of cases) {
    it(`${name}: ${want}`, () => {
      const actions = decideTTLAfterFinished({ job: j }, NOW);
      if (want === 'nothing') return assert.deepEqual(actions, []);
      if (want.startsWith('requeue')) return assert.deepEqual(actions, [{ kind: 'requeueAfter', ms: Number(want.split(' ')[1]) }]);
      const del = actions[0] as DeleteWithOptions;
      assert.equal(actions.length, 1);
      assert.equal(del.kind, 'delete');
      assert.deepEqual(del.ref, { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', namespace: 'default', uid: 'uid-pi' });
      assert.equal(del.propagationPolicy, 'Foreground');
      assert.deepEqual(del.preconditions, { uid: 'uid-pi' });
    });
  }

  it('the delete removes the Job and its pods go with it', () => {
    const c = new BatchCluster();
    const j = c.add(job(0, { type: 'Complete', status: 'True', at: '2024-01-01T00:00:00Z' }));
    c.add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pi-1', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: j.metadata.uid ?? '', controller: true }] }, status: { phase: 'Succeeded' } });
    c.apply(decideTTLAfterFinished({ job: j }, NOW));
    assert.equal(c.get('Job', 'pi'), undefined);
    assert.equal(c.list('Pod').length, 0);
  });
});
