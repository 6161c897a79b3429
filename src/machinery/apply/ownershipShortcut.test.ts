import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types.js';
import { updateManagedFields } from './index.js';
import { configMapSchema, deploymentSchema } from './testRegistry.js';

// The shortcut must give exactly what the general path gives. Sending back the live entries
// as the request's managedFields forces the general path with the same starting sets.
function both(live: KubeObject, updated: KubeObject, manager: string, now: string, extra: { schema?: typeof configMapSchema; apiVersion?: string; subresource?: string; ignorePaths?: string[][] } = {}) {
  const base = { live, manager, operation: 'Update' as const, schema: extra.schema ?? configMapSchema, apiVersion: extra.apiVersion ?? 'v1', now, subresource: extra.subresource, ignorePaths: extra.ignorePaths };
  const { managedFields: _m, ...meta } = updated.metadata;
  const fast = updateManagedFields({ ...base, updated: { ...updated, metadata: meta } });
  const general = updateManagedFields({ ...base, updated: { ...updated, metadata: { ...meta, managedFields: live.metadata.managedFields } } });
  return { fast, general };
}

const T0 = '2026-11-28T07:00:00Z';
const cm = (data: Record<string, string>, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u', ...(labels ? { labels } : {}) }, data });

function created(data: Record<string, string>, manager: string): KubeObject {
  const o = updateManagedFields({ live: undefined, updated: cm(data), manager, operation: 'Update', schema: configMapSchema, apiVersion: 'v1', now: T0 });
  return { ...o, metadata: { ...o.metadata, uid: 'u' } };
}

test('a change to fields the writer already owns keeps every set and renews only its time', () => {
  const live = created({ a: '1', b: '1' }, 'm1');
  const { fast, general } = both(live, { ...live, data: { a: '2', b: '1' } }, 'm1', '2026-11-28T07:01:00Z');
  assert.deepEqual(fast.metadata.managedFields, general.metadata.managedFields);
  assert.equal(fast.metadata.managedFields?.[0].time, '2026-11-28T07:01:00Z');
});

test('new fields, fields of another manager, removals and no-ops agree with the general path', () => {
  const live = created({ a: '1', b: '1' }, 'm1');
  const cases: [string, Record<string, string>, string][] = [
    ['adds a field', { a: '1', b: '1', c: '1' }, 'm1'],
    ['removes an owned field', { a: '1' }, 'm1'],
    ['another manager changes a field', { a: '2', b: '1' }, 'm2'],
    ['nothing changes', { a: '1', b: '1' }, 'm1'],
    ['nothing changes, another manager', { a: '1', b: '1' }, 'm2'],
  ];
  for (const [what, data, manager] of cases) {
    const { fast, general } = both(live, { ...live, data }, manager, '2026-11-28T07:02:00Z');
    assert.deepEqual(fast.metadata.managedFields, general.metadata.managedFields, what);
  }
});

test('a status update through /status: the shortcut matches, spec stays ignored', () => {
  const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', uid: 'u' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { replicas: 1, readyReplicas: 0 } };
  const opts = { schema: deploymentSchema, apiVersion: 'apps/v1', subresource: 'status' };
  const first = updateManagedFields({ live: { ...d, status: {} }, updated: d, manager: 'kcm', operation: 'Update', schema: deploymentSchema, apiVersion: 'apps/v1', now: T0, subresource: 'status' });
  const live = { ...first, metadata: { ...first.metadata, uid: 'u' } };
  for (const status of [{ replicas: 1, readyReplicas: 1 }, { replicas: 1 }, { replicas: 2, readyReplicas: 0, availableReplicas: 1 }]) {
    const { fast, general } = both(live, { ...live, status }, 'kcm', '2026-11-28T07:03:00Z', opts);
    assert.deepEqual(fast.metadata.managedFields, general.metadata.managedFields, JSON.stringify(status));
  }
});

test('random sequences of writers, data and labels: the shortcut never differs from the general path', () => {
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const k of ['a', 'b', 'c']) if (rand(3) > 0) out[k] = String(rand(2));
    return out;
  };
  let live = created({ a: '0' }, 'm0');
  for (let step = 0; step < 400; step++) {
    const manager = `m${rand(3)}`;
    const labels = rand(2) ? pick() : undefined;
    const updated = { ...cm(pick(), labels), metadata: { ...cm({}, labels).metadata, managedFields: live.metadata.managedFields } };
    const now = new Date(Date.parse(T0) + step * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const { fast, general } = both(live, updated, manager, now);
    assert.deepEqual(fast.metadata.managedFields, general.metadata.managedFields, `step ${step}`);
    live = { ...general, metadata: { ...general.metadata, uid: 'u' } };
  }
});
