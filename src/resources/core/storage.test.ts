import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { persistentVolumeStrategy as pv } from './persistentVolume.js';
import { persistentVolumeClaimStrategy as pvc } from './persistentVolumeClaim.js';

const now = Date.parse('2024-01-01T00:05:00Z');

function volume(spec: Record<string, unknown>): KubeObject {
  const o: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'task-pv', creationTimestamp: '2024-01-01T00:00:00Z' }, spec };
  pv.prepareForCreate(o);
  pv.defaults(o);
  return o;
}

function claim(spec: Record<string, unknown>): KubeObject {
  const o: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'task-pvc', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, spec };
  pvc.prepareForCreate(o);
  pvc.defaults(o);
  return o;
}

const goodPV = { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/data' }, storageClassName: 'manual' };

test('PV defaults and create status', () => {
  const o = volume({ ...goodPV });
  const spec = o.spec as Record<string, any>;
  assert.equal(spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(spec.volumeMode, 'Filesystem');
  assert.equal(spec.hostPath.type, '');
  assert.equal((o.status as any).phase, 'Pending');
  assert.match((o.status as any).lastPhaseTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(pv.validate(o), []);
});

test('PV validation: access modes, capacity, one source, reclaim policy', () => {
  assert.deepEqual(pv.validate(volume({})).map(fieldErrorMessage), [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: {}: supported values: "storage"',
    'spec: Required value: must specify a volume type',
  ]);
  assert.deepEqual(pv.validate(volume({ ...goodPV, accessModes: ['ReadWriteSometimes'], persistentVolumeReclaimPolicy: 'Keep', nfs: { server: 's', path: 'rel' } })).map(fieldErrorMessage), [
    'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
    'spec.nfs: Forbidden: may not specify more than 1 volume type',
  ]);
  assert.deepEqual(pv.validate(volume({ ...goodPV, capacity: { storage: '0' } })).map(fieldErrorMessage), ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']);
  const local = volume({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disk' } });
  assert.deepEqual(pv.validate(local).map(fieldErrorMessage), ['metadata.annotations: Required value: Local volume requires node affinity']);
});

test('PV update: the source is immutable', () => {
  const old = volume({ ...goodPV });
  const next = volume({ ...goodPV, hostPath: { path: '/other' } });
  const errs = pv.validateUpdate(next, old).map(fieldErrorMessage);
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n'));
});

test('PV status update stamps the phase transition time', () => {
  const old = volume({ ...goodPV });
  (old.status as any).lastPhaseTransitionTime = '2020-01-01T00:00:00Z';
  const next = structuredClone(old);
  (next.status as any).phase = 'Available';
  pv.prepareForStatusUpdate(next, old);
  assert.notEqual((next.status as any).lastPhaseTransitionTime, '2020-01-01T00:00:00Z');
  const same = structuredClone(old);
  delete (same.status as any).lastPhaseTransitionTime;
  pv.prepareForStatusUpdate(same, old);
  assert.equal((same.status as any).lastPhaseTransitionTime, '2020-01-01T00:00:00Z');
});

test('PV table', () => {
  const o = volume({ ...goodPV, claimRef: { namespace: 'default', name: 'task-pvc' } });
  (o.status as any).phase = 'Bound';
  assert.deepEqual(pv.table.row(o, now), ['task-pv', '10Gi', 'RWO', 'Retain', 'Bound', 'default/task-pvc', 'manual', '<unset>', '', '5m', 'Filesystem']);
  o.metadata.deletionTimestamp = '2024-01-01T00:04:00Z';
  assert.equal(pv.table.row(o, now)[4], 'Terminating');
});

const goodPVC = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '3Gi' } }, storageClassName: 'manual' };

test('PVC defaults and validation', () => {
  const o = claim({ ...goodPVC });
  assert.equal((o.spec as any).volumeMode, 'Filesystem');
  assert.deepEqual(o.status, { phase: 'Pending' });
  assert.deepEqual(pvc.validate(o), []);
  assert.deepEqual(pvc.validate(claim({})).map(fieldErrorMessage), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  assert.deepEqual(pvc.validate(claim({ ...goodPVC, accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'] })).map(fieldErrorMessage), [
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
  ]);
});

test('PVC update: spec immutable except volumeName once and growing storage when bound', () => {
  const old = claim({ ...goodPVC });
  const bind = structuredClone(old);
  (bind.spec as any).volumeName = 'task-pv';
  assert.deepEqual(pvc.validateUpdate(bind, old), []);
  const grown = structuredClone(old);
  (grown.spec as any).resources.requests.storage = '5Gi';
  const unbound = pvc.validateUpdate(grown, old).map(fieldErrorMessage);
  assert.equal(unbound.length, 1);
  assert.ok(unbound[0].startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));
  const boundOld = structuredClone(bind);
  boundOld.status = { phase: 'Bound' };
  const boundGrown = structuredClone(boundOld);
  (boundGrown.spec as any).resources.requests.storage = '5Gi';
  assert.deepEqual(pvc.validateUpdate(boundGrown, boundOld), []);
  const shrunk = structuredClone(boundOld);
  (shrunk.spec as any).resources.requests.storage = '1Gi';
  assert.deepEqual(pvc.validateUpdate(shrunk, boundOld).map(fieldErrorMessage), ['spec.resources.requests.storage: Forbidden: field can not be less than previous value']);
});

test('PVC table: capacity and modes only once bound', () => {
  const o = claim({ ...goodPVC });
  assert.deepEqual(pvc.table.row(o, now), ['task-pvc', 'Pending', '', '', '', 'manual', '<unset>', '5m', 'Filesystem']);
  (o.spec as any).volumeName = 'task-pv';
  o.status = { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce', 'ReadWriteMany'] };
  assert.deepEqual(pvc.table.row(o, now).slice(1, 5), ['Bound', 'task-pv', '10Gi', 'RWO,RWX']);
});
