import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { decideVolume } from './decideVolume.js';
import { PV_PROTECTION_FINALIZER } from './volumeMeta.js';

const NOW = Date.parse('2024-01-01T00:00:00Z');

function pv(phase: string, extra: { policy?: string; claimRef?: Record<string, unknown>; finalizers?: string[]; deleting?: boolean; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv1', uid: 'pv-uid', resourceVersion: '4', finalizers: extra.finalizers ?? [PV_PROTECTION_FINALIZER], annotations: extra.annotations, ...(extra.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: extra.policy ?? 'Retain', ...(extra.claimRef ? { claimRef: extra.claimRef } : {}) },
    status: { phase },
  };
}
const claim = (uid: string, volumeName?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', uid }, spec: volumeName ? { volumeName } : {} });
const ref = { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'c-uid', apiVersion: 'v1' };
const phaseWrite = (a: Action[]): string | undefined => (a[0]?.kind === 'updateStatus' ? (a[0].object.status as { phase: string }).phase : undefined);

test('volume phases: Pending → Available, bound claim → Bound, half-bound waits', () => {
  assert.equal(phaseWrite(decideVolume({ volume: pv('Pending') }, NOW)), 'Available');
  assert.deepEqual(decideVolume({ volume: pv('Available') }, NOW), []);
  assert.equal(phaseWrite(decideVolume({ volume: pv('Available', { claimRef: ref }), claim: claim('c-uid', 'pv1') }, NOW)), 'Bound');
  assert.deepEqual(decideVolume({ volume: pv('Available', { claimRef: ref }), claim: claim('c-uid') }, NOW), []);
  // Pre-bound by name only (no uid): Available until the claim's sync completes the reference.
  assert.equal(phaseWrite(decideVolume({ volume: pv('Pending', { claimRef: { namespace: 'default', name: 'data' } }) }, NOW)), 'Available');
});

test('claim deleted: Released; then Retain keeps the volume and Delete deletes it', () => {
  for (const policy of ['Retain', 'Delete']) {
    assert.equal(phaseWrite(decideVolume({ volume: pv('Bound', { claimRef: ref, policy }) }, NOW)), 'Released', policy);
    // A new claim with the same name is not the bound one.
    assert.equal(phaseWrite(decideVolume({ volume: pv('Bound', { claimRef: ref, policy }), claim: claim('other-uid') }, NOW)), 'Released', policy);
  }
  assert.deepEqual(decideVolume({ volume: pv('Released', { claimRef: ref, policy: 'Retain' }) }, NOW), []);
  const del = decideVolume({ volume: pv('Released', { claimRef: ref, policy: 'Delete' }) }, NOW);
  assert.equal(del.length, 1);
  assert.equal(del[0].kind, 'delete');
  assert.deepEqual(del[0].kind === 'delete' && [del[0].ref.name, del[0].preconditions], ['pv1', { uid: 'pv-uid' }]);
  const recycle = decideVolume({ volume: pv('Released', { claimRef: ref, policy: 'Recycle' }) }, NOW);
  assert.equal(phaseWrite(recycle), 'Failed');
});

test('a volume the controller bound to a claim that went elsewhere is unbound', () => {
  const a = decideVolume({ volume: pv('Bound', { claimRef: ref, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } }), claim: claim('c-uid', 'pv2') }, NOW);
  assert.equal(a[0].kind, 'update');
  const obj = a[0].kind === 'update' ? a[0].object : undefined;
  assert.equal((obj?.spec as Record<string, unknown>).claimRef, undefined);
  assert.equal(obj?.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
  const mis = decideVolume({ volume: pv('Bound', { claimRef: ref }), claim: claim('c-uid', 'pv2') }, NOW);
  assert.equal(phaseWrite(mis), 'Failed');
  assert.deepEqual(mis.flatMap((x) => (x.kind === 'event' ? [x.event.reason] : [])), ['VolumeMisbound']);
});

test('pv-protection: added when missing; removed from a deleted volume only when it is not Bound', () => {
  const add = decideVolume({ volume: pv('Available', { finalizers: [] }) }, NOW);
  assert.deepEqual(add[0].kind === 'update' && add[0].object.metadata.finalizers, [PV_PROTECTION_FINALIZER]);
  assert.deepEqual(decideVolume({ volume: pv('Bound', { claimRef: ref, deleting: true }), claim: claim('c-uid', 'pv1') }, NOW), []);
  for (const phase of ['Released', 'Available']) {
    const rm = decideVolume({ volume: pv(phase, { claimRef: ref, deleting: true }) }, NOW);
    assert.deepEqual(rm[0].kind === 'update' && rm[0].object.metadata.finalizers, [], phase);
  }
});
