import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateName,
  generateNameSuffix,
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameMessages,
  regexError,
  validateNameWithRule,
  validatePathSegmentName,
} from './names.js';
import { fieldErrorMessage } from './fieldErrors.js';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

test('regexError keeps upstream double space between examples', () => {
  assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
  assert.equal(regexError('m', 'f', 'a', 'b'), "m (e.g. 'a',  or 'b', regex used for validation is 'f')");
});

test('isDNS1123Subdomain: upstream good and bad values', () => {
  for (const v of ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'a.b.c.d.e', 'a'.repeat(253), '1.2.3.4']) {
    assert.deepEqual(isDNS1123Subdomain(v), [], v);
  }
  for (const v of ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '.', 'a.', '.a', 'a..b', 'a@b', 'a,b', 'a b', 'a-.a', 'a.-a']) {
    assert.deepEqual(isDNS1123Subdomain(v), [subdomainMsg], v);
  }
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  assert.deepEqual(isDNS1123Subdomain('A'.repeat(254)), ['must be no more than 253 characters', subdomainMsg]);
});

test('isDNS1123Label: dots get their own message', () => {
  for (const v of ['a', 'ab', 'a-1', '0', '1--a--b--2', 'a'.repeat(63)]) assert.deepEqual(isDNS1123Label(v), [], v);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('Nginx'), [labelMsg]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1123Label(''), [labelMsg]);
});

test('isDNS1035Label: must start with a letter', () => {
  for (const v of ['a', 'ab', 'a-1', 'a--1--2--b', 'a'.repeat(63)]) assert.deepEqual(isDNS1035Label(v), [], v);
  const msg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  for (const v of ['0', '01', '1a', 'A', 'a-', 'a.b', '']) assert.deepEqual(isDNS1035Label(v), [msg], v);
  assert.deepEqual(isDNS1035Label('a'.repeat(64)), ['must be no more than 63 characters']);
});

test('isQualifiedName: upstream cases and messages', () => {
  for (const v of ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', 'a'.repeat(63), 'a'.repeat(253) + '/' + 'b'.repeat(63)]) {
    assert.deepEqual(isQualifiedName(v), [], v);
  }
  const nameMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  assert.deepEqual(isQualifiedName('nospecialchars%^=@'), [nameMsg]);
  assert.deepEqual(isQualifiedName(''), ['name part must be non-empty', nameMsg]);
  assert.deepEqual(isQualifiedName('/simple'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('Example.com/x'), [`prefix part ${subdomainMsg}`]);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  assert.equal(isQualifiedName('a/b/c').length, 1);
  assert.match(isQualifiedName('a/b/c')[0], /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
});

test('isValidLabelValue', () => {
  for (const v of ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', '', 'a'.repeat(63), 'Uppercase_Is_OK_123']) assert.deepEqual(isValidLabelValue(v), [], v);
  const msg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  for (const v of ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.']) {
    assert.deepEqual(isValidLabelValue(v), [msg], v);
  }
  assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
});

test('ports', () => {
  assert.deepEqual(isValidPortNum(1), []);
  assert.deepEqual(isValidPortNum(65535), []);
  for (const n of [0, -1, 65536, 1.5]) assert.deepEqual(isValidPortNum(n), ['must be between 1 and 65535, inclusive'], String(n));
  for (const v of ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3']) assert.deepEqual(isValidPortName(v), [], v);
  assert.deepEqual(isValidPortName('longerthan15characters'), ['must be no more than 15 characters']);
  assert.deepEqual(isValidPortName(''), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('1234'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
  assert.deepEqual(isValidPortName('-ab'), ['must not begin or end with a hyphen']);
  assert.deepEqual(isValidPortName('Http'), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
});

test('identifiers and keys', () => {
  assert.deepEqual(isCIdentifier('MY_NAME'), []);
  assert.deepEqual(isCIdentifier('_a1'), []);
  assert.deepEqual(isCIdentifier('1a'), [
    "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')",
  ]);
  for (const v of ['A', 'ABC', 'AbC_123', '_', 'a.b', 'a-b', '.a', '-a', 'a..b']) assert.deepEqual(isEnvVarName(v), [], v);
  const envMsg =
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
  assert.deepEqual(isEnvVarName('1ABC'), [envMsg]);
  assert.deepEqual(isEnvVarName('a b'), [envMsg]);
  assert.deepEqual(isEnvVarName(''), [envMsg]);
  assert.deepEqual(isEnvVarName('.'), ["must not be '.'"]);
  assert.deepEqual(isEnvVarName('..'), ["must not be '..'"]);
  assert.deepEqual(isEnvVarName('..a'), ["must not start with '..'"]);
  assert.deepEqual(isRelaxedEnvVarName('1 A:b'), []);
  assert.deepEqual(isRelaxedEnvVarName('a=b'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
  assert.deepEqual(isRelaxedEnvVarName(''), ['environment variable name must be non-empty']);
  for (const v of ['a', 'key.name', 'KEY_NAME', 'key-name', '.a', 'a..b']) assert.deepEqual(isConfigMapKey(v), [], v);
  assert.deepEqual(isConfigMapKey('a b'), [
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
  assert.deepEqual(isConfigMapKey('..a'), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey('a'.repeat(254)), ['must be no more than 253 characters']);
});

test('isValidIP', () => {
  for (const v of ['127.0.0.1', '10.9.8.7', '0.0.0.0', '255.255.255.255', '::', '::1', '2001:db8::ffff', 'fe80::1', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', '1::8', '010.1.2.3']) assert.deepEqual(isValidIP(v), [], v);
  for (const v of ['', 'a', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1:2:3:4:5:6:7:8:9', '1::2::3', '1.2.3.256', '1.2.3.1234', '1.2..3', 'fe80::1%eth0', ' 1.2.3.4', 'g::1']) {
    assert.deepEqual(isValidIP(v), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'], v);
  }
});

test('name rules: prefix masking and path segments', () => {
  assert.deepEqual(nameMessages('nginx-', 'subdomain', true), []);
  assert.deepEqual(nameMessages('nginx-', 'subdomain', false), [subdomainMsg]);
  assert.deepEqual(nameMessages('web-', 'label', true), []);
  assert.deepEqual(nameMessages('my-svc-', 'dns1035', true), []);
  assert.deepEqual(nameMessages('1svc', 'dns1035').length, 1);
  assert.deepEqual(validatePathSegmentName('.'), ["may not be '.'"]);
  assert.deepEqual(validatePathSegmentName('..'), ["may not be '..'"]);
  assert.deepEqual(validatePathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
  assert.deepEqual(validatePathSegmentName('..', true), []);
  assert.deepEqual(nameMessages('system:admin', 'path'), []);
});

test('validateNameWithRule: one Invalid error per message on the given field', () => {
  const errs = validateNameWithRule('Nginx', 'subdomain', 'metadata.name');
  assert.equal(errs.length, 1);
  assert.equal(fieldErrorMessage(errs[0]), `metadata.name: Invalid value: "Nginx": ${subdomainMsg}`);
  const long = validateNameWithRule('A'.repeat(254), 'subdomain', 'metadata.name');
  assert.equal(long.length, 2);
  assert.deepEqual(validateNameWithRule('ok', 'label', 'metadata.name'), []);
});

test('generateNameSuffix / generateName', () => {
  for (let i = 0; i < 50; i++) assert.match(generateNameSuffix(), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.match(generateName('web-'), /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  const g = generateName('x'.repeat(100));
  assert.equal(g.length, 63);
  assert.ok(g.startsWith('x'.repeat(58)));
});

test('lengths are counted in bytes, as Go does', () => {
  const v = 'ā'.repeat(40); // 80 bytes
  assert.equal(isValidLabelValue(v).length, 2);
  assert.equal(isValidLabelValue(v)[0], 'must be no more than 63 characters');
});
