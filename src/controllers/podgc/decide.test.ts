// PodGC passes over small pod and node sets: which pods go, in which order, and how.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import type { DeleteWithOptions } from '../shared/deleteOptions.js';
import { rec, recs, statusOf } from '../shared/meta.js';
import { BatchCluster } from '../job/batchTestCluster.js';
import { decidePodGC, trackMissingNodes } from './decide.js';

const NOW = Date.parse('2024-01-01T01:00:00Z');

function pod(name: string, phase: string, opts: { node?: string; created?: string; deleting?: boolean; reason?: string } = {}): KubeObject {
  const p: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z' },
    spec: opts.node === undefined ? {} : { nodeName: opts.node },
    status: { phase, ...(opts.reason ? { reason: opts.reason } : {}) },
  };
  if (opts.deleting) p.metadata.deletionTimestamp = '2024-01-01T00:59:00Z';
  return p;
}

const node = (name: string, ready = true, taints: unknown[] = []): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const deleted = (actions: Action[]): string[] => actions.filter((a): a is DeleteWithOptions => a.kind === 'delete').map((a) => a.ref.name);

describe('decidePodGC', () => {
  it('terminated pods over the threshold go, evicted first then oldest, with grace 0', () => {
    const pods = [
      pod('new', 'Succeeded', { node: 'n1', created: '2024-01-01T00:30:00Z' }),
      pod('old', 'Failed', { node: 'n1', created: '2024-01-01T00:10:00Z' }),
      pod('evicted', 'Failed', { node: 'n1', created: '2024-01-01T00:50:00Z', reason: 'Evicted' }),
      pod('running', 'Running', { node: 'n1' }),
    ];
    const actions = decidePodGC({ pods, nodes: [node('n1')] }, NOW, { terminatedPodThreshold: 1 });
    assert.deepEqual(deleted(actions), ['evicted', 'old']);
    assert.ok(actions.filter((a): a is DeleteWithOptions => a.kind === 'delete').every((a) => a.gracePeriodSeconds === 0));
    assert.ok(!actions.some((a) => a.kind === 'updateStatus'), 'terminal pods are not re-marked');
    assert.deepEqual(deleted(decidePodGC({ pods, nodes: [node('n1')] }, NOW)), [], 'the default threshold is 12500');
    assert.deepEqual(deleted(decidePodGC({ pods, nodes: [node('n1')] }, NOW, { terminatedPodThreshold: 0 })), [], '0 disables it');
  });

  it('orphans: quarantined 40 s, then marked Failed with DisruptionTarget and force-deleted', () => {
    const pods = [pod('orphan', 'Running', { node: 'gone' }), pod('fine', 'Running', { node: 'n1' })];
    const nodes = [node('n1')];
    let missing = trackMissingNodes(new Map(), pods, nodes, NOW);
    assert.deepEqual([...missing], [['gone', NOW]]);
    assert.deepEqual(deleted(decidePodGC({ pods, nodes, missingNodesSince: missing }, NOW + 20_000)), []);
    missing = trackMissingNodes(missing, pods, nodes, NOW + 40_000);
    const actions = decidePodGC({ pods, nodes, missingNodesSince: missing }, NOW + 40_000);
    assert.deepEqual(actions.map((a) => a.kind), ['updateStatus', 'delete', 'requeueAfter']);
    const st = actions[0].kind === 'updateStatus' ? statusOf(actions[0].object) : {};
    assert.equal(st.phase, 'Failed');
    assert.deepEqual(recs(st.conditions), [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: '2024-01-01T01:00:40Z' }]);
    assert.deepEqual(actions[2], { kind: 'requeueAfter', ms: 20_000 });
    assert.deepEqual([...trackMissingNodes(missing, pods, [...nodes, node('gone')], NOW)], [], 'a node that came back leaves the quarantine');
  });

  it('unscheduled terminating pods and terminating pods on out-of-service nodes are force-deleted', () => {
    const pods = [
      pod('unscheduled', 'Pending', { deleting: true }),
      pod('stuck', 'Running', { node: 'down', deleting: true }),
      pod('ready-node', 'Running', { node: 'n1', deleting: true }),
      pod('pending', 'Pending'),
    ];
    const nodes = [node('n1'), node('down', false, [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }])];
    const actions = decidePodGC({ pods, nodes }, NOW);
    assert.deepEqual(deleted(actions), ['stuck', 'unscheduled']);
    assert.equal(actions.filter((a) => a.kind === 'updateStatus').length, 2);
  });

  it('against a cluster: the orphan is Failed, then gone', () => {
    const c = new BatchCluster();
    c.now = NOW;
    c.add(pod('orphan', 'Running', { node: 'gone' }));
    c.apply(decidePodGC({ pods: c.list('Pod'), nodes: [], missingNodesSince: new Map([['gone', NOW - 60_000]]) }, NOW));
    assert.equal(c.get('Pod', 'orphan'), undefined);
    const update = c.log.find((a) => a.kind === 'updateStatus');
    assert.equal(update?.kind === 'updateStatus' && rec(update.object.status)?.phase, 'Failed');
  });
});
