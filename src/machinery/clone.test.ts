import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloneJson, deepFreeze } from './clone.js';

describe('cloneJson', () => {
  it('copies nested objects and arrays deeply, keeping undefined and null values', () => {
    const src = { a: { b: [1, { c: 'x' }], d: null, e: undefined }, f: true };
    const out = cloneJson(src);
    assert.deepStrictEqual(out, src);
    assert.ok('e' in out.a);
    assert.notEqual(out.a, src.a);
    assert.notEqual(out.a.b, src.a.b);
    (out.a.b[1] as { c: string }).c = 'y';
    assert.equal((src.a.b[1] as { c: string }).c, 'x');
  });

  it('returns primitives as they are and copies non-plain objects like structuredClone', () => {
    assert.equal(cloneJson('s'), 's');
    assert.equal(cloneJson(3), 3);
    assert.equal(cloneJson(null), null);
    const d = new Date(0);
    const out = cloneJson({ d });
    assert.ok(out.d instanceof Date);
    assert.notEqual(out.d, d);
    assert.equal(out.d.getTime(), 0);
  });
});

describe('deepFreeze', () => {
  it('freezes every nested object and array, and returns its argument', () => {
    const v = { a: { b: [1, { c: 'x' }] }, d: 'e' };
    assert.equal(deepFreeze(v), v);
    assert.ok(Object.isFrozen(v) && Object.isFrozen(v.a) && Object.isFrozen(v.a.b) && Object.isFrozen(v.a.b[1]));
    assert.throws(() => {
      (v.a.b[1] as { c: string }).c = 'y';
    }, TypeError);
    assert.equal(deepFreeze('text'), 'text');
    assert.equal(deepFreeze(null), null);
  });
});
