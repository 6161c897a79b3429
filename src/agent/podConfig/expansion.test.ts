import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expand, expandCommandAndArgs, expandSubPathExpr, mappingFor } from './expansion.js';

// The behaviour table of upstream's expansion tests, against one and two contexts.
const cases: Array<[string, string, string]> = [
  ['whole string', '$(VAR_A)', 'A'],
  ['repeat', '$(VAR_A)-$(VAR_A)', 'A-A'],
  ['beginning', '$(VAR_A)-1', 'A-1'],
  ['middle', '___$(VAR_B)___', '___B___'],
  ['end', '___$(VAR_C)', '___C'],
  ['compound', '$(VAR_A)_$(VAR_B)_$(VAR_C)', 'A_B_C'],
  ['escape & expand', '$$(VAR_B)_$(VAR_A)', '$(VAR_B)_A'],
  ['compound escape', '$$(VAR_A)_$$(VAR_B)', '$(VAR_A)_$(VAR_B)'],
  ['mixed in escapes', 'f000-$$VAR_A', 'f000-$VAR_A'],
  ['backslash escape ignored', 'foo\\$(VAR_C)bar', 'foo\\Cbar'],
  ['two backslashes', 'foo\\\\$(VAR_C)bar', 'foo\\\\Cbar'],
  ['lots of backslashes', 'foo\\\\\\\\$(VAR_A)bar', 'foo\\\\\\\\Abar'],
  ['nested var references', '$(VAR_A$(VAR_B))', '$(VAR_A$(VAR_B))'],
  ['nested var references second type', '$(VAR_A$(VAR_B)', '$(VAR_A$(VAR_B)'],
  ['value is a reference', '$(VAR_REF)', '$(VAR_A)'],
  ['value is a reference x 2', '%%$(VAR_REF)--$(VAR_REF)%%', '%%$(VAR_A)--$(VAR_A)%%'],
  ['empty var', 'foo$(VAR_EMPTY)bar', 'foobar'],
  ['unterminated expression', 'foo$(VAR_Awhoops!', 'foo$(VAR_Awhoops!'],
  ['expression without operator', 'f00__(VAR_A)__', 'f00__(VAR_A)__'],
  ['shell special vars pass through', '$?_boo_$!', '$?_boo_$!'],
  ['bare operators are ignored', '$VAR_A', '$VAR_A'],
  ['undefined vars are passed through', '$(VAR_DNE)', '$(VAR_DNE)'],
  ['multiple (even) operators, var undefined', '$$$$$$(BIG_MONEY)', '$$$(BIG_MONEY)'],
  ['multiple (even) operators, var defined', '$$$$$$(VAR_A)', '$$$(VAR_A)'],
  ['multiple (odd) operators, var undefined', '$$$$$$$(GOOD_ODDS)', '$$$$(GOOD_ODDS)'],
  ['multiple (odd) operators, var defined', '$$$$$$$(VAR_A)', '$$$A'],
  ['missing open expression', '$VAR_A)', '$VAR_A)'],
  ['shell syntax ignored', '${VAR_A}', '${VAR_A}'],
  ['trailing incomplete expression not consumed', '$(VAR_B)_______$(A', 'B_______$(A'],
  ['trailing incomplete expression, no content, is not consumed', '$(VAR_C)_______$(', 'C_______$('],
  ['operator at end of input string is preserved', '$(VAR_A)foobarzab$', 'Afoobarzab$'],
  ['shell escaped incomplete expr', 'foo-\\$(VAR_A', 'foo-\\$(VAR_A'],
  ['lots of $( in middle', '--$($($($($--', '--$($($($($--'],
  ['lots of $( in beginning', '$($($($($--foo$(', '$($($($($--foo$('],
  ['lots of $( at end', 'foo0--$($($($(', 'foo0--$($($($('],
  ['escaped operators in variable names are not escaped', '$(foo$$var)', '$(foo$$var)'],
  ['newline not expanded', '\n', '\n'],
  ['non-ASCII around references', 'ü$(VAR_A)🙂$x', 'üA🙂$x'],
];

test('expand: one context', () => {
  const m = mappingFor(new Map(Object.entries({ VAR_A: 'A', VAR_B: 'B', VAR_C: 'C', VAR_REF: '$(VAR_A)', VAR_EMPTY: '' })));
  for (const [name, input, want] of cases) assert.equal(expand(input, m), want, name);
});

test('expand: two contexts, the first wins', () => {
  const m = mappingFor(new Map(Object.entries({ VAR_A: 'A', VAR_EMPTY: '' })), new Map(Object.entries({ VAR_A: 'not me', VAR_B: 'B', VAR_C: 'C', VAR_REF: '$(VAR_A)' })));
  for (const [name, input, want] of cases) assert.equal(expand(input, m), want, name);
});

test('expand: references resolve against values already expanded (declaration order)', () => {
  const declared = new Map<string, string>();
  const m = mappingFor(declared);
  for (const [k, v] of [['FOO', 'bar'], ['ZOO', '$(FOO)-1'], ['BLU', '$(ZOO)-2']] as const) declared.set(k, expand(v, m));
  assert.deepEqual(Object.fromEntries(declared), { FOO: 'bar', ZOO: 'bar-1', BLU: 'bar-1-2' });
});

test('command and args expand against the final env; unknown references stay', () => {
  const env = [{ key: 'A', value: '1' }, { key: 'B', value: 'two' }, { key: 'A', value: 'last' }];
  assert.deepEqual(expandCommandAndArgs(['sh', '-c', 'echo $(A) $(B) $$(A) $(C)'], ['$(B)'], env), { command: ['sh', '-c', 'echo last two $(A) $(C)'], args: ['two'] });
  assert.deepEqual(expandCommandAndArgs([], [], env), { command: [], args: [] });
});

test('subPathExpr: expands, and names every unset or empty variable', () => {
  const env = [{ key: 'POD', value: 'web-0' }, { key: 'EMPTY', value: '' }];
  assert.equal(expandSubPathExpr('logs/$(POD)', env), 'logs/web-0');
  assert.throws(() => expandSubPathExpr('$(Z)/$(EMPTY)/$(POD)/$(A)', env), { message: 'missing value for A, EMPTY, Z' });
});
