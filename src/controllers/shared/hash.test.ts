import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SAFE_ALPHANUMS, computeHash, fnv32a, safeEncodeString } from './hash.js';

describe('pod-template-hash', () => {
  it('fnv32a matches the published FNV-1a test vectors', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    assert.equal(fnv32a(enc('')), 0x811c9dc5);
    assert.equal(fnv32a(enc('a')), 0xe40c292c);
    assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
  });

  it('SafeEncodeString maps digits as upstream (0→4 … 5→9, 6→b … 9→f)', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
    assert.equal(SAFE_ALPHANUMS.length, 27);
  });

  const template = { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2' }] } };

  it('is stable, key-order independent, and in upstream format', () => {
    const h = computeHash(template);
    assert.match(h, /^[456789bcdf]{1,10}$/);
    const reordered = { spec: { containers: [{ image: 'nginx:1.14.2', name: 'nginx' }] }, metadata: { labels: { app: 'nginx' } } };
    assert.equal(computeHash(reordered), h);
  });

  it('changes with the template and with collisionCount (0 differs from unset)', () => {
    const h = computeHash(template);
    const other = computeHash({ ...template, spec: { containers: [{ name: 'nginx', image: 'nginx:1.16.1' }] } });
    assert.notEqual(other, h);
    const c0 = computeHash(template, 0);
    const c1 = computeHash(template, 1);
    assert.notEqual(c0, h);
    assert.notEqual(c1, c0);
  });
});
