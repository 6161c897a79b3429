import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeFieldValue, fieldSelectorFromSet, parseFieldSelector, unescapeFieldValue } from './fieldSelector.js';
import { ApiError } from './errors.js';

const fields = (m: Record<string, string>) => (f: string): string | undefined => m[f];

function rejects(s: string): string {
  try {
    parseFieldSelector(s);
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

test('upstream TestSelectorParse good strings round-trip', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ']) {
    const sel = parseFieldSelector(s);
    // Upstream sorts terms and keeps whitespace inside values.
    assert.equal(sel.toString(), s.split(',').filter(Boolean).sort().join(','), JSON.stringify(s));
  }
  assert.equal(parseFieldSelector('x==a').toString(), 'x=a');
  assert.equal(parseFieldSelector('b=1,a=2').toString(), 'a=2,b=1');
});

test('bad strings give upstream messages', () => {
  assert.equal(rejects('x=a||y=b'), 'invalid field selector: unescaped character in value: 61');
  assert.equal(rejects('x'), "invalid selector: 'x'; can't understand 'x'");
  assert.equal(rejects('a=b,c'), "invalid selector: 'a=b,c'; can't understand 'c'");
  assert.equal(rejects('x==a==b'), 'invalid field selector: unescaped character in value: 61');
  assert.equal(rejects('x=a\\b'), 'invalid field selector: invalid escape sequence: \\b');
  assert.equal(rejects('x=a\\'), 'invalid field selector: invalid escape sequence: \\');
});

test('matching: =, ==, != and missing fields as ""', () => {
  const sel = parseFieldSelector('metadata.name=web,status.phase!=Failed');
  assert.ok(sel.matches(fields({ 'metadata.name': 'web', 'status.phase': 'Running' })));
  assert.ok(!sel.matches(fields({ 'metadata.name': 'web', 'status.phase': 'Failed' })));
  assert.ok(!sel.matches(fields({ 'metadata.name': 'db' })));
  assert.ok(parseFieldSelector('spec.nodeName=').matches(fields({})));
  assert.ok(!parseFieldSelector('spec.nodeName!=').matches(fields({})));
  assert.ok(parseFieldSelector('').matches(fields({})));
  assert.ok(parseFieldSelector('').empty);
  assert.deepEqual(parseFieldSelector('a==b').requirements, [{ field: 'a', op: '=', value: 'b' }]);
  assert.deepEqual(parseFieldSelector('a!=b').requirements, [{ field: 'a', op: '!=', value: 'b' }]);
});

test('escaping', () => {
  const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,x=y');
  assert.deepEqual(sel.requirements[0], { field: 'metadata.name', op: '=', value: 'a,b=c\\d' });
  assert.equal(sel.toString(), 'metadata.name=a\\,b\\=c\\\\d,x=y');
  assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
  assert.equal(unescapeFieldValue('plain'), 'plain');
  assert.throws(() => unescapeFieldValue('a,b'), /unescaped character in value: 44/);
});

test('fieldSelectorFromSet', () => {
  const s = fieldSelectorFromSet({ 'spec.nodeName': 'n1', 'metadata.namespace': 'default' });
  assert.equal(s.toString(), 'metadata.namespace=default,spec.nodeName=n1');
  assert.ok(s.matches(fields({ 'spec.nodeName': 'n1', 'metadata.namespace': 'default' })));
});
