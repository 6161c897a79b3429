import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { leaseStrategy as s } from './lease.js';

const lease = (spec: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

test('duration must be positive, transitions non-negative', () => {
  assert.deepEqual(s.validate(lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40, leaseTransitions: 0 })), []);
  assert.deepEqual(s.validate(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 })).map(fieldErrorMessage), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('gated coordinated-election fields are dropped unless already stored', () => {
  const o = lease({ holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'b' });
  s.prepareForCreate(o);
  assert.deepEqual(o.spec, { holderIdentity: 'a' });
  const old = lease({ holderIdentity: 'a', strategy: 'OldestEmulationVersion' });
  const next = lease({ holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'b' });
  s.prepareForUpdate(next, old);
  assert.deepEqual(next.spec, { holderIdentity: 'a', strategy: 'OldestEmulationVersion' });
});

test('table: NAME HOLDER AGE', () => {
  assert.deepEqual(s.table.row(lease({ holderIdentity: 'node-1' }), Date.parse('2024-01-01T00:00:40Z')), ['node-1', 'node-1', '40s']);
  assert.deepEqual(s.table.row(lease({}), Date.parse('2024-01-01T00:00:40Z')), ['node-1', '', '40s']);
  assert.deepEqual(s.table.columns.map((c) => c.name), ['Name', 'Holder', 'Age']);
});
