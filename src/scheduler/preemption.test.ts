import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { makeNode, makePod } from './fixtures.js';
import { preempt, type PreemptionCandidate } from './preemption.js';
import { schedulePod } from './schedule.js';
import { Snapshot } from './snapshot.js';

const names = (pods: readonly KubeObject[]): string[] => pods.map((p) => p.metadata.name ?? '');

function tryPreempt(pod: KubeObject, s: Snapshot): { candidate: PreemptionCandidate | undefined; message: string } {
  const r = schedulePod(pod, s);
  assert.ok('error' in r, 'the pod should not fit before preemption');
  const candidate = preempt(pod, s, r.error, { random: () => 0 });
  return { candidate, message: r.error.message() };
}

describe('preempt', () => {
  it('evicts only what is needed, lowest priority first, and prefers the node with the least important victims', () => {
    const s = Snapshot.build(
      [makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '2' })],
      [
        makePod('low', { nodeName: 'a', cpu: '1', priority: 0 }),
        makePod('mid-a', { nodeName: 'a', cpu: '1', priority: 50 }),
        makePod('mid-b1', { nodeName: 'b', cpu: '1', priority: 50 }),
        makePod('mid-b2', { nodeName: 'b', cpu: '1', priority: 50 }),
      ],
    );
    const { candidate, message } = tryPreempt(makePod('vip', { cpu: '1', priority: 100 }), s);
    assert.deepEqual(candidate && { node: candidate.node, victims: names(candidate.victims) }, { node: 'a', victims: ['low'] });
    // A found candidate adds no preemption text to the FailedScheduling message.
    assert.equal(message, '0/2 nodes are available: 2 Insufficient cpu.');
  });

  it('keeps as many pods as possible (minimal victims)', () => {
    const s = Snapshot.build(
      [makeNode('a', { cpu: '2' })],
      ['p1', 'p2', 'p3', 'p4'].map((n, i) => makePod(n, { nodeName: 'a', cpu: '500m', priority: i })),
    );
    const { candidate } = tryPreempt(makePod('vip', { cpu: '1', priority: 100 }), s);
    assert.deepEqual(candidate && names(candidate.victims).sort(), ['p1', 'p2']);
  });

  it('prefers fewer victims when the most important victims tie', () => {
    const s = Snapshot.build(
      [makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '2' })],
      [
        makePod('a1', { nodeName: 'a', cpu: '1', priority: 10 }),
        makePod('a2', { nodeName: 'a', cpu: '1', priority: 10 }),
        makePod('b1', { nodeName: 'b', cpu: '2', priority: 10 }),
      ],
    );
    const { candidate } = tryPreempt(makePod('vip', { cpu: '2', priority: 100 }), s);
    assert.deepEqual(candidate && { node: candidate.node, victims: names(candidate.victims) }, { node: 'b', victims: ['b1'] });
  });

  it('never evicts pods of equal or higher priority', () => {
    const s = Snapshot.build([makeNode('a', { cpu: '1' })], [makePod('peer', { nodeName: 'a', cpu: '1', priority: 100 })]);
    const { candidate, message } = tryPreempt(makePod('vip', { cpu: '1', priority: 100 }), s);
    assert.equal(candidate, undefined);
    assert.equal(message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
  });

  it('reports the filter reason when even removing every lower-priority pod does not help', () => {
    const s = Snapshot.build(
      [makeNode('a', { cpu: '2' })],
      [makePod('peer', { nodeName: 'a', cpu: '1500m', priority: 100 }), makePod('low', { nodeName: 'a', cpu: '500m', priority: 0 })],
    );
    const { candidate, message } = tryPreempt(makePod('vip', { cpu: '1', priority: 100 }), s);
    assert.equal(candidate, undefined);
    assert.equal(message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('frees anti-affinity conflicts by evicting the conflicting pod', () => {
    const s = Snapshot.build(
      [makeNode('a', { labels: { zone: 'z' } })],
      [makePod('old', { nodeName: 'a', labels: { app: 'db' }, priority: 0 }), makePod('keep', { nodeName: 'a', labels: { app: 'other' }, priority: 0 })],
    );
    const pod = makePod('new', {
      priority: 100,
      spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' }] } } },
    });
    const { candidate } = tryPreempt(pod, s);
    assert.deepEqual(candidate && names(candidate.victims), ['old']);
  });

  it('lists lower-priority pods nominated to the chosen node', () => {
    const s = Snapshot.build([makeNode('a', { cpu: '1' })], [makePod('low', { nodeName: 'a', cpu: '1', priority: 0 })]);
    s.nominate(makePod('waiting', { cpu: '1', priority: 10 }), 'a');
    const { candidate } = tryPreempt(makePod('vip', { cpu: '1', priority: 100 }), s);
    assert.deepEqual(candidate && names(candidate.nominatedToClear), ['waiting']);
  });

  it('waits while victims on the nominated node are still terminating', () => {
    const s = Snapshot.build(
      [makeNode('a', { cpu: '1' })],
      [makePod('dying', { nodeName: 'a', cpu: '1', priority: 0, deletionTimestamp: '2026-01-01T00:00:00Z' })],
    );
    const pod = makePod('vip', { cpu: '1', priority: 100, status: { nominatedNodeName: 'a' } });
    const { candidate, message } = tryPreempt(pod, s);
    assert.equal(candidate, undefined);
    assert.equal(message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.');
  });

  it('the nominated preemptor lands on its node once the victims are gone', () => {
    const s = Snapshot.build([makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })], [
      makePod('low', { nodeName: 'a', cpu: '1', priority: 0 }),
      makePod('peer', { nodeName: 'b', cpu: '1', priority: 100 }),
    ]);
    const vip = makePod('vip', { cpu: '1', priority: 100 });
    const { candidate } = tryPreempt(vip, s);
    assert.equal(candidate?.node, 'a');
    s.nominate(vip, 'a');
    for (const v of candidate?.victims ?? []) s.removePod(v);
    // A lower-priority newcomer cannot take the freed room…
    assert.ok('error' in schedulePod(makePod('newcomer', { cpu: '1', priority: 0 }), s));
    // …but the preemptor can.
    const r = schedulePod(makePod('vip', { cpu: '1', priority: 100, status: { nominatedNodeName: 'a' } }), s);
    assert.ok(!('error' in r) && r.node === 'a');
  });
});
