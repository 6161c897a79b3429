import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { endpointsStrategy as ep } from './endpoints.js';
import { eventStrategy as ev } from './event.js';
import { coreStrategies } from './index.js';
import { serviceAccountStrategy as sa } from './serviceAccount.js';

const now = Date.parse('2024-01-01T00:10:00Z');
const meta = { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' };

test('every core kind: identity as upstream, one cell per column', () => {
  const ids = coreStrategies.map((s) => [s.kind, s.plural, s.singular, s.namespaced, (s.shortNames ?? []).join(','), (s.categories ?? []).join(','), s.schemaRef]);
  assert.deepEqual(ids, [
    ['Namespace', 'namespaces', 'namespace', false, 'ns', '', 'io.k8s.api.core.v1.Namespace'],
    ['Node', 'nodes', 'node', false, 'no', '', 'io.k8s.api.core.v1.Node'],
    ['Pod', 'pods', 'pod', true, 'po', 'all', 'io.k8s.api.core.v1.Pod'],
    ['Service', 'services', 'service', true, 'svc', 'all', 'io.k8s.api.core.v1.Service'],
    ['Endpoints', 'endpoints', 'endpoints', true, 'ep', '', 'io.k8s.api.core.v1.Endpoints'],
    ['ConfigMap', 'configmaps', 'configmap', true, 'cm', '', 'io.k8s.api.core.v1.ConfigMap'],
    ['Secret', 'secrets', 'secret', true, '', '', 'io.k8s.api.core.v1.Secret'],
    ['PersistentVolume', 'persistentvolumes', 'persistentvolume', false, 'pv', '', 'io.k8s.api.core.v1.PersistentVolume'],
    ['PersistentVolumeClaim', 'persistentvolumeclaims', 'persistentvolumeclaim', true, 'pvc', '', 'io.k8s.api.core.v1.PersistentVolumeClaim'],
    ['ServiceAccount', 'serviceaccounts', 'serviceaccount', true, 'sa', '', 'io.k8s.api.core.v1.ServiceAccount'],
    ['Event', 'events', 'event', true, 'ev', '', 'io.k8s.api.core.v1.Event'],
  ]);
  for (const s of coreStrategies) {
    const o: KubeObject = { apiVersion: 'v1', kind: s.kind, metadata: { ...meta } };
    s.prepareForCreate?.(o);
    s.defaults?.(o);
    assert.equal(s.table.row(o, now).length, s.table.columns.length, s.kind);
    assert.equal(s.table.columns.filter((c) => c.priority === 0).length > 0, true);
  }
});

test('Endpoints: protocol default, validation, ENDPOINTS cell', () => {
  const o: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { ...meta },
    subsets: [{ addresses: [{ ip: '10.42.0.5' }, { ip: '10.42.0.6' }, { ip: '10.42.0.7' }, { ip: '10.42.0.8' }], ports: [{ port: 80 }] }],
  };
  ep.defaults(o);
  assert.equal((o.subsets as any)[0].ports[0].protocol, 'TCP');
  assert.deepEqual(ep.validate(o), []);
  assert.deepEqual(ep.table.row(o, now), ['web', '10.42.0.5:80,10.42.0.6:80,10.42.0.7:80 + 1 more...', '10m']);
  assert.equal(ep.table.row({ ...o, subsets: [] }, now)[1], '<none>');
  assert.deepEqual(ep.warnings(), ['v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice']);
  const bad: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { ...meta }, subsets: [{}, { addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 1 }, { port: 2 }] }] };
  ep.defaults(bad);
  assert.deepEqual(ep.validate(bad).map(fieldErrorMessage), [
    'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
    'subsets[1].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[1].ports[0].name: Required value',
    'subsets[1].ports[1].name: Required value',
  ]);
});

function event(extra: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'nginx.17a2b3c4d5e6f7a8', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'nginx', fieldPath: 'spec.containers{nginx}', uid: 'u1', apiVersion: 'v1' },
    reason: 'Pulled',
    message: 'Successfully pulled image "nginx"  ',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-01-01T00:00:00Z',
    lastTimestamp: '2024-01-01T00:08:00Z',
    count: 2,
    type: 'Normal',
    ...extra,
  };
}

test('Event: namespace agreement and new-style required fields', () => {
  assert.deepEqual(ev.validate(event({})), []);
  assert.deepEqual(ev.validate(event({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'x' } })).map(fieldErrorMessage), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ]);
  assert.deepEqual(ev.validate(event({ eventTime: '2024-01-01T00:00:00.000000Z', reason: '' })).map(fieldErrorMessage), [
    'reportingComponent: Required value',
    "reportingComponent: Invalid value: \"\": name part must be non-empty",
    "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Required value',
  ]);
});

test('Event table and field selectors', () => {
  const o = event({});
  assert.deepEqual(ev.table.row(o, now), ['2m', 'Normal', 'Pulled', 'pod/nginx', 'spec.containers{nginx}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '10m', 2, 'nginx.17a2b3c4d5e6f7a8']);
  assert.deepEqual(ev.table.columns.map((c) => `${c.name}:${c.priority}`), [
    'Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1', 'Name:1',
  ]);
  const single = event({ firstTimestamp: undefined, lastTimestamp: undefined, count: undefined, eventTime: '2024-01-01T00:09:00.000000Z', source: undefined, reportingComponent: 'default-scheduler', involvedObject: { kind: 'Node' } });
  assert.deepEqual(ev.table.row(single, now).slice(0, 9), ['60s', 'Normal', 'Pulled', 'node', '', 'default-scheduler', 'Successfully pulled image "nginx"', '60s', 1]);
  const f = ev.fieldSelectors;
  assert.equal(f['involvedObject.kind'](o), 'Pod');
  assert.equal(f['involvedObject.name'](o), 'nginx');
  assert.equal(f['involvedObject.uid'](o), 'u1');
  assert.equal(f.source(o), 'kubelet');
  assert.equal(f.source(single), 'default-scheduler');
  assert.equal(f.type(o), 'Normal');
  assert.equal(f.reason(o), 'Pulled');
});

test('ServiceAccount table counts secrets', () => {
  const o: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { ...meta }, secrets: [{ name: 'a' }] };
  assert.deepEqual(sa.validate(o), []);
  assert.deepEqual(sa.table.row(o, now), ['web', 1, '10m']);
  assert.deepEqual(sa.table.row({ ...o, secrets: undefined }, now), ['web', 0, '10m']);
});
