import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, flushAsync } from '../client/testing/fakeClock.js';
import { makeNode, makePod } from './fixtures.js';
import { isPodUpdated, nodeSchedulingPropertiesChanged, responsibleForPod, SchedulingQueue, type QueuedPodInfo } from './queue.js';

const popName = (q: SchedulingQueue): string | undefined => q.pop()?.pod.metadata.name;

function popped(q: SchedulingQueue): QueuedPodInfo {
  const p = q.pop();
  assert.ok(p, 'expected a pod');
  return p;
}

describe('SchedulingQueue ordering', () => {
  it('pops higher priority first, then the earlier-queued pod', () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock });
    q.add(makePod('low-old', { priority: 0 }));
    clock.step(1);
    q.add(makePod('high', { priority: 1000 }));
    clock.step(1);
    q.add(makePod('low-new', { priority: 0 }));
    q.add(makePod('mid', { priority: 10 }));
    assert.deepEqual([popName(q), popName(q), popName(q), popName(q), popName(q)], ['high', 'mid', 'low-old', 'low-new', undefined]);
    q.close();
  });

  it('keeps one entry per pod and drops pods once bound', () => {
    const q = new SchedulingQueue({ clock: new FakeClock() });
    q.add(makePod('a'));
    q.add(makePod('a', { labels: { v: '2' } }));
    assert.equal(q.stats().active, 1);
    q.update(undefined, makePod('a', { nodeName: 'n1' }));
    assert.equal(q.where('default/a'), undefined);
    q.add(makePod('b'));
    q.delete('default/b');
    assert.equal(q.pop(), undefined);
    q.close();
  });
});

describe('SchedulingQueue back-off', () => {
  it('doubles from 1 s to the 10 s cap', () => {
    const q = new SchedulingQueue({ clock: new FakeClock() });
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n)), [0, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    q.close();
  });

  it('holds a pod moved by an event until its back-off expires', () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock, popFromBackoffQ: false });
    q.add(makePod('p'));
    for (const [attempt, wait] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [5, 10_000],
      [6, 10_000],
    ]) {
      const p = popped(q);
      assert.equal(p.attempts, attempt);
      q.addUnschedulable(p, ['NodeResourcesFit']);
      assert.equal(q.where('default/p'), 'unschedulable');
      q.moveAllToActiveOrBackoff('NodeAdd');
      assert.equal(q.where('default/p'), 'backoff');
      clock.step(wait - 1);
      assert.equal(q.pop(), undefined, `still backing off after attempt ${attempt}`);
      clock.step(1);
      assert.equal(q.where('default/p'), 'active', `back-off of ${wait} ms over`);
    }
    q.close();
  });

  it('retries errors after back-off without any event', () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock });
    q.add(makePod('p'));
    q.addError(popped(q));
    assert.equal(q.pop(), undefined, 'error back-off is always served');
    clock.step(1000);
    assert.equal(popName(q), 'p');
    q.close();
  });

  it('lets an idle scheduler take a backing-off pod early (popFromBackoffQ)', () => {
    const q = new SchedulingQueue({ clock: new FakeClock() });
    q.add(makePod('p'));
    q.addUnschedulable(popped(q), ['NodeResourcesFit']);
    q.moveAllToActiveOrBackoff('NodeAdd');
    assert.equal(q.where('default/p'), 'backoff');
    assert.equal(popName(q), 'p');
    q.close();
  });
});

describe('SchedulingQueue unschedulable pool', () => {
  it('moves pods only on events that may help them', () => {
    const q = new SchedulingQueue({ clock: new FakeClock(), popFromBackoffQ: false });
    q.add(makePod('cpu'));
    q.add(makePod('taint'));
    q.addUnschedulable(popped(q), ['NodeResourcesFit']);
    q.addUnschedulable(popped(q), ['TaintToleration']);
    assert.equal(q.moveAllToActiveOrBackoff('AssignedPodDelete'), 1);
    assert.equal(q.where('default/cpu'), 'backoff');
    assert.equal(q.where('default/taint'), 'unschedulable');
    assert.equal(q.moveAllToActiveOrBackoff('NodeUpdate'), 1);
    q.close();
  });

  it('flushes pods that waited more than 5 minutes (checked every 30 s)', () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock });
    q.add(makePod('p'));
    q.addUnschedulable(popped(q), ['TaintToleration']);
    clock.step(300_000);
    assert.equal(q.where('default/p'), 'unschedulable');
    clock.step(30_000);
    assert.equal(q.where('default/p'), 'active');
    assert.equal(clock.pending(), 0, 'no timers left once the pool is empty');
    q.close();
  });

  it('sends a pod to backoffQ when an event arrived during its own cycle', () => {
    const q = new SchedulingQueue({ clock: new FakeClock(), popFromBackoffQ: false });
    q.add(makePod('p'));
    const p = popped(q);
    q.moveAllToActiveOrBackoff('NodeAdd');
    q.addUnschedulable(p, ['NodeResourcesFit']);
    assert.equal(q.where('default/p'), 'backoff');
    q.close();
  });

  it('re-queues an unschedulable pod whose spec changed, but not on status-only updates', () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock });
    const pod = makePod('p', { cpu: '2' });
    q.add(pod);
    q.addUnschedulable(popped(q), ['NodeResourcesFit']);
    const statusOnly = { ...pod, metadata: { ...pod.metadata, resourceVersion: '9' }, status: { phase: 'Pending', conditions: [] } };
    q.update(pod, statusOnly);
    assert.equal(q.where('default/p'), 'unschedulable');
    clock.step(2000);
    q.update(statusOnly, makePod('p', { cpu: '1' }));
    assert.equal(q.where('default/p'), 'active');
    q.close();
  });

  it('holds gated pods until the gates are removed', () => {
    const q = new SchedulingQueue({ clock: new FakeClock() });
    const gated = makePod('g', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } });
    q.add(gated);
    assert.equal(q.where('default/g'), 'gated');
    q.moveAllToActiveOrBackoff('NodeAdd');
    assert.equal(q.pop(), undefined);
    q.update(gated, makePod('g'));
    assert.equal(popName(q), 'g');
    q.close();
  });
});

describe('SchedulingQueue waiting', () => {
  it('popWait resolves when a pod arrives or its back-off ends, and on close', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock, popFromBackoffQ: false });
    const first = q.popWait();
    q.add(makePod('p'));
    const p = await first;
    assert.equal(p?.pod.metadata.name, 'p');
    q.addError(p!);
    let got: QueuedPodInfo | undefined;
    const second = q.popWait().then((x) => (got = x));
    await flushAsync();
    assert.equal(got, undefined);
    await clock.advance(1000);
    const after = await second;
    assert.equal(after?.pod.metadata.name, 'p');
    const third = q.popWait();
    q.close();
    assert.equal(await third, undefined);
  });
});

describe('event helpers', () => {
  it('responsibleForPod takes unbound, live pods of our schedulerName', () => {
    assert.equal(responsibleForPod(makePod('p')), true);
    assert.equal(responsibleForPod(makePod('p', { spec: { schedulerName: 'default-scheduler' } })), true);
    assert.equal(responsibleForPod(makePod('p', { spec: { schedulerName: 'other' } })), false);
    assert.equal(responsibleForPod(makePod('p', { nodeName: 'n1' })), false);
    assert.equal(responsibleForPod(makePod('p', { deletionTimestamp: '2026-01-01T00:00:00Z' })), false);
  });

  it('isPodUpdated ignores resourceVersion and status', () => {
    const a = makePod('p');
    assert.equal(isPodUpdated(a, { ...a, metadata: { ...a.metadata, resourceVersion: '2' }, status: { phase: 'Pending', x: 1 } }), false);
    assert.equal(isPodUpdated(a, { ...a, metadata: { ...a.metadata, labels: { a: 'b' } } }), true);
  });

  it('nodeSchedulingPropertiesChanged ignores heartbeats', () => {
    const n = makeNode('n');
    const beat = { ...n, status: { ...(n.status as object), conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:10Z' }] } };
    const beat2 = { ...n, status: { ...(n.status as object), conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:20Z' }] } };
    assert.equal(nodeSchedulingPropertiesChanged(beat, beat2), false);
    assert.equal(nodeSchedulingPropertiesChanged(n, makeNode('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] })), true);
    assert.equal(nodeSchedulingPropertiesChanged(n, makeNode('n', { cpu: '8' })), true);
  });
});
