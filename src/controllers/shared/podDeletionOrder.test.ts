import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { podsToDelete, sortPodsForDeletion } from './podDeletionOrder.js';

const now = Date.parse('2024-01-01T12:00:00Z');
const ago = (s: number): string => new Date(now - s * 1000).toISOString().replace('.000Z', 'Z');

interface PodOpts {
  node?: string;
  phase?: string;
  readySince?: number;
  restarts?: number;
  created?: number;
  cost?: string;
  uid?: string;
}

function pod(name: string, o: PodOpts): KubeObject {
  const conditions = o.readySince === undefined ? [{ type: 'Ready', status: 'False' }] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince) }];
  return {
    metadata: {
      name,
      uid: o.uid ?? name,
      namespace: 'default',
      creationTimestamp: o.created === undefined ? undefined : ago(o.created),
      annotations: o.cost === undefined ? undefined : { 'controller.kubernetes.io/pod-deletion-cost': o.cost },
    },
    spec: o.node ? { nodeName: o.node } : {},
    status: { phase: o.phase ?? 'Running', conditions, containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }] },
  };
}

const names = (pods: KubeObject[]): string[] => pods.map((p) => p.metadata.name ?? '');

describe('pod deletion order (ActivePodsWithRanks)', () => {
  const cases: { name: string; first: KubeObject; second: KubeObject }[] = [
    { name: 'unscheduled before scheduled', first: pod('a', { phase: 'Pending' }), second: pod('b', { node: 'n1', phase: 'Pending' }) },
    { name: 'pending before running', first: pod('a', { node: 'n1', phase: 'Pending' }), second: pod('b', { node: 'n1' }) },
    { name: 'unknown before running', first: pod('a', { node: 'n1', phase: 'Unknown' }), second: pod('b', { node: 'n2' }) },
    { name: 'pending before unknown', first: pod('a', { node: 'n1', phase: 'Pending' }), second: pod('b', { node: 'n2', phase: 'Unknown' }) },
    { name: 'not ready before ready', first: pod('a', { node: 'n1' }), second: pod('b', { node: 'n2', readySince: 10 }) },
    { name: 'lower deletion cost first', first: pod('a', { node: 'n1', readySince: 100, cost: '-5' }), second: pod('b', { node: 'n2', readySince: 5 }) },
    { name: 'ready more recently first (different log2 buckets)', first: pod('a', { node: 'n1', readySince: 10 }), second: pod('b', { node: 'n2', readySince: 1000 }) },
    { name: 'more restarts first', first: pod('a', { node: 'n1', readySince: 60, restarts: 3 }), second: pod('b', { node: 'n2', readySince: 60, restarts: 1 }) },
    { name: 'newer first', first: pod('a', { node: 'n1', created: 5 }), second: pod('b', { node: 'n2', created: 5000 }) },
    { name: 'missing creation time first', first: pod('a', { node: 'n1' }), second: pod('b', { node: 'n2', created: 5 }) },
    {
      name: 'same log2 bucket: uid order',
      first: pod('z', { node: 'n1', readySince: 100, uid: 'uid-a' }),
      second: pod('y', { node: 'n2', readySince: 101, uid: 'uid-b' }),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(names(sortPodsForDeletion([c.second, c.first], [], now)), [c.first.metadata.name, c.second.metadata.name]);
      assert.deepEqual(names(sortPodsForDeletion([c.first, c.second], [], now)), [c.first.metadata.name, c.second.metadata.name]);
    });
  }

  it('pods doubled up on a node with related pods go first', () => {
    const a = pod('a', { node: 'crowded', readySince: 500 });
    const b = pod('b', { node: 'quiet', readySince: 500 });
    const sibling = pod('s', { node: 'crowded', readySince: 500 });
    assert.deepEqual(names(sortPodsForDeletion([b, a], [a, b, sibling], now)), ['a', 'b']);
  });

  it('inactive related pods do not count toward the rank', () => {
    // Counting the finished pod would put `a` (rank 2) before `b` (rank 1); otherwise they tie.
    const a = pod('a', { node: 'n1', readySince: 500 });
    const b = pod('b', { node: 'n2', readySince: 500 });
    const done = pod('done', { node: 'n1', phase: 'Succeeded' });
    assert.deepEqual(names(sortPodsForDeletion([b, a], [a, b, done], now)), ['b', 'a']);
    const running = pod('running', { node: 'n1', readySince: 500 });
    assert.deepEqual(names(sortPodsForDeletion([b, a], [a, b, running], now)), ['a', 'b']);
  });

  it('podsToDelete takes the first diff in order, and skips sorting when all go', () => {
    const ready = pod('ready', { node: 'n1', readySince: 100 });
    const pending = pod('pending', { phase: 'Pending' });
    const notReady = pod('not-ready', { node: 'n1' });
    assert.deepEqual(names(podsToDelete([ready, notReady, pending], [], 2, now)), ['pending', 'not-ready']);
    assert.deepEqual(names(podsToDelete([ready, pending], [], 2, now)), ['ready', 'pending']);
  });
});
