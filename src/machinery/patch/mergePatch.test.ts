import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { applyMergePatch, createMergePatch } from './mergePatch.js';
import { deepFreeze } from './testSchemas.js';

const configMap = (): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', labels: { app: 'web', tier: 'front' }, annotations: { note: 'x' } },
  data: { a: '1', b: '2' },
});

describe('applyMergePatch', () => {
  it('kubectl label / annotate: merges maps and deletes keys set to null', () => {
    const doc = deepFreeze(configMap());
    const patch = deepFreeze({ metadata: { labels: { tier: null, env: 'prod' }, annotations: { note: null } } });
    assert.deepEqual(applyMergePatch(doc, patch), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', labels: { app: 'web', env: 'prod' }, annotations: {} },
      data: { a: '1', b: '2' },
    });
  });

  it('kubectl scale on the scale subresource replaces a scalar', () => {
    const scale = { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: { replicas: 1 } };
    assert.deepEqual(applyMergePatch(scale, { spec: { replicas: 3 } }), { ...scale, spec: { replicas: 3 } });
  });

  it('replaces lists whole and prunes nulls from new subtrees', () => {
    const doc = { spec: { ports: [{ port: 80 }, { port: 443 }] } };
    const out = applyMergePatch(doc, { spec: { ports: [{ port: 8080 }], selector: { app: 'web', gone: null } } });
    assert.deepEqual(out, { spec: { ports: [{ port: 8080 }], selector: { app: 'web' } } });
  });

  it('replacing a scalar with an object prunes nested nulls; null list elements are kept', () => {
    const out = applyMergePatch({ a: 'x' }, { a: { b: null, c: [null, { d: null, e: 1 }] } });
    assert.deepEqual(out, { a: { c: [null, { e: 1 }] } });
  });

  it('a null or scalar patch is 400 "Invalid JSON Patch"', () => {
    for (const p of [null, 'x', 3, true]) {
      assert.throws(
        () => applyMergePatch(configMap(), p),
        (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === 'Invalid JSON Patch',
      );
    }
  });

  it('a list patch replaces the document (RFC 7386)', () => {
    assert.deepEqual(applyMergePatch(configMap(), [1, { a: null }]), [1, {}]);
  });

  it('an empty patch returns an equal copy', () => {
    const doc = configMap();
    const out = applyMergePatch(doc, {});
    assert.deepEqual(out, doc);
    assert.notEqual(out, doc);
  });
});

describe('createMergePatch', () => {
  const cases: [string, unknown, unknown, unknown][] = [
    ['changed scalar', { a: 1, b: 2 }, { a: 1, b: 3 }, { b: 3 }],
    ['removed key', { a: 1, b: 2 }, { a: 1 }, { b: null }],
    ['nested map', { m: { x: 1, y: 2 } }, { m: { x: 1, y: 5, z: 0 } }, { m: { y: 5, z: 0 } }],
    ['changed list replaced whole', { l: [1, 2] }, { l: [2, 1] }, { l: [2, 1] }],
    ['equal docs', configMap(), configMap(), {}],
    ['map replaced by scalar', { m: { x: 1 } }, { m: 'x' }, { m: 'x' }],
  ];
  for (const [name, original, modified, want] of cases) {
    it(`${name}: minimal patch that round-trips`, () => {
      const patch = createMergePatch(original, modified);
      assert.deepEqual(patch, want);
      assert.deepEqual(applyMergePatch(original, patch), modified);
    });
  }
});
