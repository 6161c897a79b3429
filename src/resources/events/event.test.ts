import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { eventFromCore, eventToCore } from './conversion.js';
import { eventsEventStrategy as s } from './event.js';

function newEvent(fields: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web-0.17a', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    eventTime: '2024-01-01T00:00:00.123456Z',
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-node1',
    action: 'Binding',
    reason: 'Scheduled',
    regarding: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u1' },
    note: 'Successfully assigned default/web-0 to node1',
    type: 'Normal',
    ...fields,
  };
}

test('events.k8s.io → core: field names and the empty values Go prints', () => {
  const core = eventToCore(newEvent({ series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' }, related: { kind: 'Node', name: 'node1' } }));
  assert.deepEqual(core, {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'web-0.17a', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u1' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-0 to node1',
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: 'Normal',
    eventTime: '2024-01-01T00:00:00.123456Z',
    series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
    action: 'Binding',
    related: { kind: 'Node', name: 'node1' },
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-node1',
  });
});

test('core → events.k8s.io for an old-style (kubelet) event', () => {
  const ev = eventFromCore({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-0.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Container image "nginx" already present on machine',
    source: { component: 'kubelet', host: 'node1' },
    firstTimestamp: '2024-01-01T00:00:00Z',
    lastTimestamp: '2024-01-01T00:05:00Z',
    count: 3,
    type: 'Normal',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
  });
  assert.deepEqual(ev, {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: { name: 'web-0.1', namespace: 'default' },
    eventTime: null,
    reason: 'Pulled',
    regarding: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{web}' },
    note: 'Container image "nginx" already present on machine',
    type: 'Normal',
    deprecatedSource: { component: 'kubelet', host: 'node1' },
    deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2024-01-01T00:05:00Z',
    deprecatedCount: 3,
  });
});

test('round trips keep every field', () => {
  const ev = newEvent({ series: { count: 5, lastObservedTime: '2024-01-01T00:09:00.000000Z' } });
  assert.deepEqual(eventFromCore(eventToCore(ev)), { ...ev, deprecatedSource: {}, deprecatedFirstTimestamp: null, deprecatedLastTimestamp: null });
  const core = eventToCore(ev);
  assert.deepEqual(eventToCore(eventFromCore(core)), core);
  assert.deepEqual(s.storage, { group: '', resource: 'events', toStorage: eventToCore, fromStorage: eventFromCore });
});

test('create through events.k8s.io: common and strict rules', async () => {
  assert.deepEqual(s.validate(newEvent()), []);
  assert.deepEqual(await s.admit(newEvent(), undefined), []);
  const bare = newEvent({ reportingController: '', reportingInstance: undefined, action: undefined, reason: undefined });
  assert.deepEqual(s.validate(bare).map(fieldErrorMessage).slice(0, 2), ['reportingController: Required value', 'reportingController: Invalid value: "": name part must be non-empty']);
  assert.deepEqual(s.validate(bare).map(fieldErrorMessage).slice(-3), ['reportingInstance: Required value', 'action: Required value', 'reason: Required value']);
  assert.deepEqual(s.validate(newEvent({ note: 'x'.repeat(1025) })).map(fieldErrorMessage), ['message: Invalid value: "": can have at most 1024 characters']);
  assert.deepEqual(
    (await s.admit(newEvent({ eventTime: undefined, type: 'Info', deprecatedCount: 2, deprecatedSource: { component: 'kubelet' }, series: { count: 1 } }), undefined)).map(fieldErrorMessage),
    [
      'series.count: Invalid value: "": should be at least 2',
      'series.lastObservedTime: Required value',
      'eventTime: Required value',
      'type: Invalid value: "": has invalid value: Info',
      'deprecatedCount: Invalid value: "": needs to be unset',
      'deprecatedSource: Invalid value: "": needs to be unset',
    ],
  );
  assert.deepEqual(await s.admit(newEvent({ eventTime: undefined }), newEvent()), []);
  assert.deepEqual(s.validate(newEvent({ regarding: { kind: 'Node', name: 'node1' }, metadata: { name: 'n', namespace: 'apps' } })).map(fieldErrorMessage), [
    'involvedObject.namespace: Invalid value: "": does not match event.namespace',
  ]);
});

test('updates: what the event is about stays; eventTime compared to the microsecond', () => {
  const old = newEvent();
  assert.deepEqual(s.validateUpdate(newEvent({ series: { count: 2, lastObservedTime: '2024-01-01T00:02:00.000000Z' } }), old), []);
  assert.deepEqual(s.validateUpdate(newEvent({ eventTime: '2024-01-01T00:00:00.123456789Z' }), old), []);
  assert.deepEqual(s.validateUpdate(newEvent({ note: 'changed', eventTime: '2024-01-01T00:00:01.123456Z' }), old).map(fieldErrorMessage), [
    'message: Invalid value: "changed": field is immutable',
    'eventTime: Invalid value: "2024-01-01T00:00:01.123456Z": field is immutable',
  ]);
});

test('table is the core events printer', () => {
  const now = Date.parse('2024-01-01T00:10:00.200Z');
  assert.deepEqual(s.table.columns.map((c) => [c.name, c.priority]), [
    ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1], ['Message', 0], ['First Seen', 1], ['Count', 1], ['Name', 1],
  ]);
  assert.deepEqual(s.table.row(newEvent(), now), [
    '10m', 'Normal', 'Scheduled', 'pod/web-0', '', 'default-scheduler, default-scheduler-node1', 'Successfully assigned default/web-0 to node1', '10m', 1, 'web-0.17a',
  ]);
  const series = newEvent({ series: { count: 4, lastObservedTime: '2024-01-01T00:09:00Z' } });
  assert.deepEqual([s.table.row(series, now)[0], s.table.row(series, now)[8]], ['60s', 4]);
  // Stored (core) objects print the same.
  assert.deepEqual(s.table.row(eventToCore(newEvent()), now), s.table.row(newEvent(), now));
});

test('events.k8s.io field selectors', () => {
  const ev = newEvent();
  assert.equal(s.fieldSelectors['regarding.kind'](ev), 'Pod');
  assert.equal(s.fieldSelectors['regarding.name'](eventToCore(ev)), 'web-0');
  assert.equal(s.fieldSelectors.reportingController(ev), 'default-scheduler');
  assert.equal(s.fieldSelectors.type(ev), 'Normal');
});
