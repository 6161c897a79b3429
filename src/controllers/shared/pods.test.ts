import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { isPodActive, isPodAvailable, msUntilAvailable, podDeletionCost } from './pods.js';

const t0 = Date.parse('2024-01-01T00:00:00Z');
const readyAt = (iso: string): KubeObject => ({
  metadata: { name: 'p' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso }] },
});

describe('pod predicates', () => {
  it('availability needs strictly more than minReadySeconds of readiness', () => {
    const p = readyAt('2024-01-01T00:00:00Z');
    assert.equal(isPodAvailable(p, 0, t0), true);
    assert.equal(isPodAvailable(p, 5, t0 + 5000), false);
    assert.equal(isPodAvailable(p, 5, t0 + 5001), true);
    assert.equal(msUntilAvailable(p, 5, t0 + 2000), 3000);
    assert.equal(msUntilAvailable(p, 5, t0 + 6000), undefined);
    assert.equal(isPodAvailable({ metadata: {}, status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 0, t0), false);
  });

  it('active pods are neither terminal nor being deleted', () => {
    assert.equal(isPodActive({ metadata: {}, status: { phase: 'Running' } }), true);
    assert.equal(isPodActive({ metadata: {}, status: { phase: 'Succeeded' } }), false);
    assert.equal(isPodActive({ metadata: {}, status: { phase: 'Failed' } }), false);
    assert.equal(isPodActive({ metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Running' } }), false);
  });

  it('deletion cost reads an int32 annotation, 0 otherwise', () => {
    const withCost = (v: string): KubeObject => ({ metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': v } } });
    assert.equal(podDeletionCost(withCost('-7')), -7);
    assert.equal(podDeletionCost(withCost('abc')), 0);
    assert.equal(podDeletionCost(withCost('99999999999')), 0);
    assert.equal(podDeletionCost({ metadata: {} }), 0);
  });
});
