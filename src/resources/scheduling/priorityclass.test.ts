import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../machinery/errors.js';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import type { AdmissionContext } from '../types.js';
import { defaultPriorityClass, priorityClassStrategy as s, systemPriorityClassObjects } from './priorityclass.js';

function pc(name: string, fields: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name, creationTimestamp: '2024-01-01T00:00:00Z' }, ...fields };
  s.defaults(o);
  return o;
}
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);
const ctxWith = (classes: KubeObject[]): AdmissionContext => ({
  listAll: async (group, resource) => (group === 'scheduling.k8s.io' && resource === 'priorityclasses' ? classes : []),
  options: { serviceCIDR: '10.43.0.0/16', nodePortRange: [30000, 32767], clusterDomain: 'cluster.local' },
});

test('defaults: preemptionPolicy PreemptLowerPriority, value 0; generation 1 on create', () => {
  const o = pc('low');
  assert.equal(o.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(o.value, 0);
  assert.equal(pc('n', { preemptionPolicy: 'Never', value: 5 }).preemptionPolicy, 'Never');
  s.prepareForCreate(o);
  assert.equal(o.metadata.generation, 1);
});

test('validation: user value limit, reserved system- prefix, preemptionPolicy', () => {
  assert.deepEqual(errors(pc('high', { value: 1_000_000_000 })), []);
  assert.deepEqual(errors(pc('high', { value: -5 })), []);
  assert.deepEqual(errors(pc('too-high', { value: 1_000_000_001 })), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(errors(pc('system-foo', { value: 1 })), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class",
  ]);
  assert.deepEqual(errors(pc('system-node-critical', { value: 7 })), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000",
  ]);
  assert.deepEqual(errors(pc('system-cluster-critical', { value: 2_000_000_000, globalDefault: true })), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-cluster-critical PriorityClass must be false",
  ]);
  for (const builtin of systemPriorityClassObjects()) {
    s.defaults(builtin);
    assert.deepEqual(errors(builtin), []);
  }
  assert.deepEqual(errors(pc('x', { preemptionPolicy: 'Sometimes' })), ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']);
  assert.deepEqual(errors(pc('x', { preemptionPolicy: '' })), ['preemptionPolicy: Required value']);
});

test('updates: value and preemptionPolicy are immutable, description and globalDefault may change', () => {
  const old = pc('a', { value: 10 });
  assert.deepEqual(s.validateUpdate(pc('a', { value: 10, description: 'new', globalDefault: true }), old), []);
  assert.deepEqual(s.validateUpdate(pc('a', { value: 11, preemptionPolicy: 'Never' }), old).map(fieldErrorMessage), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
});

test('admission: only one globalDefault; the default itself may be updated', async () => {
  const existing = pc('default-prio', { value: 5, globalDefault: true });
  await assert.rejects(s.admit(pc('second', { globalDefault: true }), undefined, ctxWith([existing])), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.equal(e.message, 'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass default-prio is already marked as default. Only one default can exist');
    assert.deepEqual(e.status.details, { name: 'second', group: 'scheduling.k8s.io', kind: 'priorityclasses' });
    return true;
  });
  await assert.rejects(s.admit(pc('other', { globalDefault: true }), pc('other'), ctxWith([existing, pc('other')])), /already marked as default/);
  assert.deepEqual(await s.admit(pc('default-prio', { value: 5, globalDefault: true, description: 'd' }), existing, ctxWith([existing])), []);
  assert.deepEqual(await s.admit(pc('plain'), undefined, ctxWith([existing])), []);
  assert.deepEqual(await s.admit(pc('first', { globalDefault: true }), undefined, ctxWith([pc('plain')])), []);
});

test('defaultPriorityClass: the globalDefault class, lowest value when several', () => {
  assert.equal(defaultPriorityClass([pc('a'), pc('b')]), undefined);
  const chosen = defaultPriorityClass([pc('a', { value: 9, globalDefault: true }), pc('b', { value: 3, globalDefault: true }), pc('c', { value: 1 })]);
  assert.equal(chosen?.metadata.name, 'b');
});

test('delete: the system classes are protected', () => {
  assert.throws(() => s.gracefulDelete(pc('system-node-critical', { value: 2_000_001_000 })), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.equal(e.message, 'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted');
    return true;
  });
  assert.equal(s.gracefulDelete(pc('mine')), undefined);
});

test('table: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY; cluster-scoped, short name pc', () => {
  const now = Date.parse('2024-01-02T00:00:00Z');
  assert.deepEqual(s.table.columns.map((c) => `${c.name}:${c.type}`), ['Name:string', 'Value:integer', 'Global-Default:boolean', 'Age:string', 'PreemptionPolicy:string']);
  assert.deepEqual(s.table.row(pc('high', { value: 1000, globalDefault: true, preemptionPolicy: 'Never' }), now), ['high', 1000, true, '24h', 'Never']);
  assert.deepEqual(s.table.row(pc('low'), now), ['low', 0, false, '24h', 'PreemptLowerPriority']);
  assert.deepEqual([s.namespaced, s.shortNames, s.plural], [false, ['pc'], 'priorityclasses']);
});
