import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { decideServiceAccounts } from './decide.js';

const now = Date.parse('2024-01-01T00:00:00Z');
const ns = (name: string, phase: string, deleting = false): KubeObject => ({
  metadata: { name, uid: `ns-${name}`, ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
  status: { phase },
});
const sa = (name: string, namespace: string): KubeObject => ({ metadata: { name, namespace } });

describe('ServiceAccount controller', () => {
  it('creates a bare default ServiceAccount in an Active namespace that lacks one', () => {
    assert.deepEqual(decideServiceAccounts({ namespace: ns('team-a', 'Active'), serviceAccounts: [sa('builder', 'team-a'), sa('default', 'other')] }, now), [
      { kind: 'create', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team-a' } }, tolerate: ['AlreadyExists'] },
    ]);
  });

  it('does nothing when default exists, or for Terminating namespaces', () => {
    assert.deepEqual(decideServiceAccounts({ namespace: ns('team-a', 'Active'), serviceAccounts: [sa('default', 'team-a')] }, now), []);
    assert.deepEqual(decideServiceAccounts({ namespace: ns('gone', 'Terminating', true), serviceAccounts: [] }, now), []);
    assert.deepEqual(decideServiceAccounts({ namespace: ns('going', 'Active', true), serviceAccounts: [] }, now), []);
  });
});
