import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { EventRecorder, type EventDescriptor } from './eventRecorder.js';
import { FakeClient } from './testing/fakeClient.js';

const eventsGVR = { group: '', version: 'v1', resource: 'events' };
const t0 = Date.parse('2026-01-01T00:00:00Z');
const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default', name: 'web', uid: 'rs-1' };
const created = (pod: string): EventDescriptor => ({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod}`, involvedObject: rs });
const events = (c: FakeClient): KubeObject[] => c.objects(eventsGVR, 'default');

describe('EventRecorder (client-go EventCorrelator)', () => {
  it('counts an exact repeat on the Event already written', async () => {
    const c = new FakeClient();
    const r = new EventRecorder(c, 'replicaset-controller');
    await r.record(created('web-a'), t0);
    await r.record(created('web-a'), t0 + 1000);
    const list = events(c);
    assert.equal(list.length, 1);
    assert.equal(list[0].count, 2);
    assert.equal(list[0].message, 'Created pod: web-a');
    assert.equal(list[0].lastTimestamp, '2026-01-01T00:00:01Z');
  });

  it('from the 10th distinct message of one reason and object on, writes one combined Event', async () => {
    const c = new FakeClient();
    const r = new EventRecorder(c, 'replicaset-controller');
    for (let i = 0; i < 15; i++) await r.record(created(`web-${i}`), t0 + i);
    const list = events(c);
    // Nine plain Events, then one aggregate counted 6 times carrying the latest message.
    assert.equal(list.length, 10);
    const combined = list.filter((e) => String(e.message).startsWith('(combined from similar events): '));
    assert.equal(combined.length, 1);
    assert.equal(combined[0].count, 6);
    assert.equal(combined[0].message, '(combined from similar events): Created pod: web-14');
  });

  it('lets a source send 25 Events about one object, then one per 5 minutes', async () => {
    const c = new FakeClient();
    const r = new EventRecorder(c, 'replicaset-controller');
    const reasons = Array.from({ length: 40 }, (_, i) => `Reason${i}`);
    for (const reason of reasons) await r.record({ ...created('x'), reason }, t0);
    assert.equal(events(c).length, 25);
    await r.record({ ...created('x'), reason: 'Later' }, t0 + 299_000);
    assert.equal(events(c).length, 25);
    await r.record({ ...created('x'), reason: 'Later' }, t0 + 301_000);
    assert.equal(events(c).length, 26);
    // Another object has its own budget.
    await r.record({ ...created('x'), involvedObject: { ...rs, name: 'api', uid: 'rs-2' } }, t0 + 301_000);
    assert.equal(events(c).length, 27);
  });
});
