import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  everything,
  formatLabelSelector,
  nothingSelector,
  parseRequirements,
  parseSelector,
  selectorFromLabelSelector,
  selectorFromSet,
  validateLabels,
  validateLabelSelector,
} from './labels.js';
import { ApiError } from './errors.js';
import { fieldErrorMessage } from './fieldErrors.js';

function parseError(s: string): string {
  try {
    parseSelector(s);
  } catch (e) {
    assert.ok(e instanceof ApiError, 'throws an ApiError');
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

test('upstream TestSelectorParse: good strings round-trip without spaces', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
    assert.equal(parseSelector(s).toString(), s.replaceAll(' ', ''), s);
  }
  for (const s of ['x=a||y=b', 'x==a==b', '!x=a', 'x<a']) parseError(s);
});

test('parse is deterministic: requirements sorted by key', () => {
  assert.equal(parseSelector('x=a,a=x').toString(), parseSelector('a=x,x=a').toString());
  assert.equal(parseSelector('x=a,a=x').toString(), 'a=x,x=a');
});

test('upstream TestSelectorMatches', () => {
  const m = (s: string, ls: Record<string, string>): boolean => parseSelector(s).matches(ls);
  assert.ok(m('', { x: 'y' }));
  assert.ok(m('x=y', { x: 'y' }));
  assert.ok(m('x=y,z=w', { x: 'y', z: 'w' }));
  assert.ok(m('x!=y,z!=w', { x: 'z', z: 'a' }));
  assert.ok(m('notin=in', { notin: 'in' }));
  assert.ok(m('x', { x: 'z' }));
  assert.ok(m('!x', { y: 'z' }));
  assert.ok(m('x>1', { x: '2' }));
  assert.ok(m('x<1', { x: '0' }));
  assert.ok(!m('x=z', {}));
  assert.ok(!m('x=y', { x: 'z' }));
  assert.ok(!m('x=y,z=w', { x: 'w', z: 'w' }));
  assert.ok(!m('x!=y,z!=w', { x: 'z', z: 'w' }));
  assert.ok(!m('x', { y: 'z' }));
  assert.ok(!m('!x', { x: 'z' }));
  assert.ok(!m('x>1', { x: '0' }));
  assert.ok(!m('x<1', { x: '2' }));
  assert.ok(!m('z>1', { z: 'v2' }));
  const ls = { foo: 'bar', baz: 'blah' };
  assert.ok(m('foo=bar,baz=blah', ls));
  assert.ok(!m('foo=bar,foobar=bar,baz=blah', ls));
  assert.ok(m('x notin (a)', {}), 'notin matches a missing key');
  assert.ok(m('x!=a', {}), '!= matches a missing key');
  assert.ok(!m('x in ()', { y: 'baz' }));
  assert.ok(m('x in ()', { x: '' }));
  assert.ok(parseSelector('x').matches(undefined) === false);
  assert.ok(parseSelector('!x').matches(undefined));
});

test('upstream TestSetSelectorParser', () => {
  const ok: Record<string, string> = {
    '': '',
    '\rx': 'x',
    'this-is-a-dns.domain.com/key-with-dash': 'this-is-a-dns.domain.com/key-with-dash',
    'this-is-another-dns.domain.com/key-with-dash in (so,what)': 'this-is-another-dns.domain.com/key-with-dash in (so,what)',
    '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)': '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)',
    'foo  in\t (abc)': 'foo in (abc)',
    'x notin\n (abc)': 'x notin (abc)',
    'x  notin\t\t\t(abc,def)': 'x notin (abc,def)',
    'x in (abc,def)': 'x in (abc,def)',
    'x in (abc,)': 'x in (,abc)',
    'x in ()': 'x in ()',
    'x notin (abc,,def),bar,z in (),w': 'bar,w,x notin (,abc,def),z in ()',
    'x,y in (a)': 'x,y in (a)',
    'x=a': 'x=a',
    'x>1': 'x>1',
    'x<7': 'x<7',
    'x=a,y!=b,z in (h,i,j)': 'x=a,y!=b,z in (h,i,j)',
    'x notin ( )': 'x notin ()',
    'x notin (, a)': 'x notin (,a)',
    'a ': 'a',
    'a in (x,y,notin, z,in)': 'a in (in,notin,x,y,z)',
    'x==a': 'x==a',
    'a in (b,b)': 'a in (b)',
  };
  for (const [input, out] of Object.entries(ok)) assert.equal(parseSelector(input).toString(), out, JSON.stringify(input));
  for (const bad of ['x=a||y=b', 'x,,y', ',x,y', 'x nott in (y)', 'a in (xyz),', 'a in (xyz)b notin ()', 'a in (xyz abc)', 'a notin(', 'a (', '(']) parseError(bad);
});

test('parse error messages match upstream', () => {
  assert.equal(parseError('x,,y'), "found ',', expected: identifier after ','");
  assert.equal(parseError(',x'), "found ',', expected: !, identifier, or 'end of string'");
  assert.equal(parseError('x==a==b'), "found '==', expected: ',' or 'end of string'");
  assert.equal(parseError('x nott in (y)'), "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt");
  assert.equal(parseError('a in (xyz abc)'), "unable to parse requirement: found 'abc', expected: ',' or ')'");
  assert.equal(parseError('a notin('), "unable to parse requirement: found '', expected: ',', ')' or identifier");
  assert.equal(parseError('a in x'), "unable to parse requirement: found 'x' expected: '('");
  assert.equal(parseError('x<a'), `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`);
  assert.equal(parseError('!=a'), "found '!=', expected: !, identifier, or 'end of string'");
  assert.equal(parseError('!,a'), "unable to parse requirement: found ',', expected: identifier");
  assert.match(parseError('a/b/c=d'), /^unable to parse requirement: <nil>: Invalid value: "a\/b\/c": a qualified name must consist of/);
  assert.match(parseError('x=a b'), /^found 'b', expected: ',' or 'end of string'$/);
  assert.match(parseError('x=a/b'), /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "a\/b": a valid label must be an empty string/);
});

test('parseRequirements exposes key/operator/values', () => {
  assert.deepEqual(parseRequirements('b in (y,x),!a,c'), [
    { key: 'a', operator: '!', values: [] },
    { key: 'b', operator: 'in', values: ['x', 'y'] },
    { key: 'c', operator: 'exists', values: [] },
  ]);
});

test('empty, everything, nothing, sets', () => {
  assert.ok(parseSelector('').empty);
  assert.ok(!parseSelector('a').empty);
  assert.ok(everything().empty && everything().matches({ a: 'b' }));
  assert.ok(!nothingSelector().empty && !nothingSelector().matches({}));
  assert.ok(selectorFromSet(undefined).empty);
  const s = selectorFromSet({ b: '2', a: '1' });
  assert.equal(s.toString(), 'a=1,b=2');
  assert.ok(s.matches({ a: '1', b: '2', c: '3' }));
  assert.ok(!s.matches({ a: '1' }));
});

test('selectorFromLabelSelector (LabelSelectorAsSelector)', () => {
  const none = selectorFromLabelSelector(null);
  assert.ok(!none.matches({}) && !none.matches({ a: 'b' }));
  assert.ok(!selectorFromLabelSelector(undefined).matches({}));
  const all = selectorFromLabelSelector({});
  assert.ok(all.empty && all.matches({}) && all.matches({ x: 'y' }));
  assert.ok(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).empty);
  const s = selectorFromLabelSelector({
    matchLabels: { app: 'nginx' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'track', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(s.toString(), 'app=nginx,env notin (prod),!legacy,tier in (a,b),track');
  assert.ok(s.matches({ app: 'nginx', tier: 'a', track: '' }));
  assert.ok(!s.matches({ app: 'nginx', tier: 'a', track: '', legacy: 'y' }));
  assert.ok(!s.matches({ app: 'nginx', tier: 'c', track: '' }));
  assert.ok(!s.matches({ app: 'nginx', tier: 'a', track: '', env: 'prod' }));
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), /"Foo" is not a valid label selector operator/);
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values set can't be empty/);
});

test('formatLabelSelector', () => {
  assert.equal(formatLabelSelector({ matchLabels: { app: 'nginx' } }), 'app=nginx');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector(null), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), '<error>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'x', operator: 'In', values: ['abc', 'def'] }, { key: 'y', operator: 'NotIn', values: ['jkl'] }, { key: 'z', operator: 'Exists' }] }), 'x in (abc,def),y notin (jkl),z');
});

test('validateLabels: errors sit on the map path', () => {
  assert.deepEqual(validateLabels({ app: 'web', 'example.com/x': '' }, 'metadata.labels'), []);
  const errs = validateLabels({ 'bad key': 'ok', good: 'bad value!' }, 'metadata.labels');
  assert.equal(errs.length, 2);
  assert.match(fieldErrorMessage(errs[0]), /^metadata\.labels: Invalid value: "bad key": name part must consist of/);
  assert.match(fieldErrorMessage(errs[1]), /^metadata\.labels: Invalid value: "bad value!": a valid label must be an empty string/);
  assert.deepEqual(validateLabels(undefined, 'x'), []);
});

test('validateLabelSelector: upstream messages and paths', () => {
  assert.deepEqual(validateLabelSelector(undefined, 'spec.selector'), []);
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, 'spec.selector'), []);
  const errs = validateLabelSelector(
    {
      matchLabels: { 'a/b/c': 'x' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt', values: ['1'] },
        { key: 'd', operator: 'NotIn', values: ['-bad'] },
      ],
    },
    'spec.selector',
  ).map(fieldErrorMessage);
  assert.equal(errs.length, 5);
  assert.match(errs[0], /^spec\.selector\.matchLabels: Invalid value: "a\/b\/c": a qualified name/);
  assert.equal(errs[1], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  assert.equal(errs[2], "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  assert.equal(errs[3], 'spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator');
  assert.match(errs[4], /^spec\.selector\.matchExpressions\[3\]\.values\[0\]: Invalid value: "-bad": a valid label/);
});
