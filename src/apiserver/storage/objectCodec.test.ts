import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameStored } from './objectCodec.js';

describe('sameStored', () => {
  it('treats the same object with keys in another order as unchanged (no new revision)', () => {
    const created = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', managedFields: [{ manager: 'kubectl' }], uid: 'u' }, data: { x: '1', y: '2' } });
    const reapplied = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', uid: 'u', managedFields: [{ manager: 'kubectl' }] }, data: { y: '2', x: '1' } });
    assert.notEqual(created, reapplied);
    assert.equal(sameStored(created, reapplied), true);
  });

  it('sees a changed value, an added key and a reordered list as changes', () => {
    const base = JSON.stringify({ metadata: { name: 'a' }, data: { x: '1' }, list: [1, 2] });
    assert.equal(sameStored(base, JSON.stringify({ metadata: { name: 'a' }, data: { x: '2' }, list: [1, 2] })), false);
    assert.equal(sameStored(base, JSON.stringify({ metadata: { name: 'a' }, data: { x: '1', z: '' }, list: [1, 2] })), false);
    assert.equal(sameStored(base, JSON.stringify({ metadata: { name: 'a' }, data: { x: '1' }, list: [2, 1] })), false);
  });

  it('compares texts with non-ASCII characters by content too', () => {
    const a = JSON.stringify({ metadata: { name: 'a', annotations: { n: 'é', m: 'ü' } } });
    const b = JSON.stringify({ metadata: { name: 'a', annotations: { m: 'ü', n: 'é' } } });
    const c = JSON.stringify({ metadata: { name: 'a', annotations: { n: 'ü', m: 'é' } } });
    assert.equal(sameStored(a, b), true);
    assert.equal(sameStored(a, c), false);
  });
});
