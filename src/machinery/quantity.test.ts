import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  isValidQuantity,
  newMilliQuantity,
  newQuantity,
  parseQuantity,
  quantityFormatError,
  quantityFromJSON,
  quantitySuffixError,
  subtractQuantities,
} from './quantity.js';

test('upstream TestQuantityParseEmit (and negatives)', () => {
  const table: [string, string][] = [
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
  ];
  for (const [i, o] of table) {
    assert.equal(parseQuantity(i).toString(), o, i);
    assert.equal(parseQuantity(`-${i}`).toString(), `-${o}`, `-${i}`);
  }
});

test('canonical strings of common inputs', () => {
  const table: [string, string][] = [
    ['0', '0'],
    ['0m', '0'],
    ['0Gi', '0'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['0.1', '100m'],
    ['1000', '1k'],
    ['100', '100'],
    ['2000m', '2'],
    ['1080m', '1080m'],
    ['1.08', '1080m'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['0.5Ki', '512'],
    ['1536Mi', '1536Mi'],
    ['1e3', '1e3'],
    ['1e4', '10e3'],
    ['1.5e3', '1500'],
    ['1E', '1E'],
    ['12E', '12E'],
    ['1000E', '1e21'],
    ['9Ei', '9223372036854775807'],
    ['100.035Ki', '102435840m'],
    ['3.001n', '4n'],
    ['0.00000012345', '124n'],
    ['0.0000000001', '1n'],
    ['10.0355m', '10035500n'],
    ['1.1', '1100m'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['123Mi', '123Mi'],
  ];
  for (const [i, o] of table) assert.equal(canonicalQuantity(i), o, i);
});

test('upstream keeps an already-canonical input verbatim', () => {
  for (const s of ['1080m', '80e-3', '1e-9', '1234567m', '1e21', '5e21', '300Mi', '1001Gi', '6Ki', '1025', '1T', '1u']) {
    assert.equal(parseQuantity(s).toString(), s, s);
  }
  // …including its quirks: the input string is reused when it parsed on the fast path.
  assert.equal(parseQuantity('1.').toString(), '1.');
  assert.equal(parseQuantity('+1').toString(), '+1');
  assert.equal(parseQuantity('10.035M').toString(), '10.035M');
  assert.equal(parseQuantity('7.123456M').toString(), '7.123456M');
});

test('formats', () => {
  assert.equal(parseQuantity('1Gi').format, 'BinarySI');
  assert.equal(parseQuantity('1G').format, 'DecimalSI');
  assert.equal(parseQuantity('1e9').format, 'DecimalExponent');
  assert.equal(parseQuantity('1E-3').format, 'DecimalExponent');
  assert.equal(parseQuantity('0Ki').format, 'BinarySI');
  assert.equal(parseQuantity('0.000000000001Ki').format, 'DecimalSI', 'sub-unit binary becomes DecimalSI');
  assert.equal(parseQuantity('0.5Mi').format, 'BinarySI');
});

test('values, milli and intValue round away from zero', () => {
  const q = parseQuantity('1080m');
  assert.equal(q.value, 1.08);
  assert.equal(q.milli, 1080);
  assert.equal(q.intValue, 2);
  assert.equal(parseQuantity('1Gi').value, 1073741824);
  assert.equal(parseQuantity('100m').milli, 100);
  assert.equal(parseQuantity('1n').milli, 1);
  assert.equal(parseQuantity('-1n').milli, -1);
  assert.equal(parseQuantity('-9.01').intValue, -10);
  assert.equal(parseQuantity('2').milli, 2000);
});

test('upstream invalid inputs', () => {
  for (const s of ['', '1.1.M', '1+1.0M', '0.1am', 'aoeu', ' 1', '1 ']) {
    assert.throws(() => parseQuantity(s), { message: quantityFormatError }, JSON.stringify(s));
    assert.equal(isValidQuantity(s), false);
  }
  for (const s of ['0.1mi', '.5i', '1i', '-3.01i', '-3.01e-']) assert.throws(() => parseQuantity(s), { message: quantitySuffixError }, s);
  assert.equal(isValidQuantity('250m'), true);
});

test('compareQuantities (upstream TestQuantityCmp)', () => {
  assert.equal(compareQuantities('0', '0'), 0);
  assert.equal(compareQuantities('100m', '50m'), 1);
  assert.equal(compareQuantities('50m', '100m'), -1);
  assert.equal(compareQuantities('10000T', '100Gi'), 1);
  assert.equal(compareQuantities('1Gi', '1024Mi'), 0);
  assert.equal(compareQuantities('1k', '1000'), 0);
  assert.equal(compareQuantities('0.5', '500m'), 0);
  assert.equal(compareQuantities(parseQuantity('1'), '999m'), 1);
  assert.throws(() => compareQuantities('x', '1'));
});

test('arithmetic keeps the left format', () => {
  assert.equal(addQuantities(parseQuantity('100m'), parseQuantity('0')).toString(), '100m');
  assert.equal(addQuantities(parseQuantity('1Gi'), parseQuantity('0')).toString(), '1Gi');
  assert.equal(addQuantities(parseQuantity('512Mi'), parseQuantity('512Mi')).toString(), '1Gi');
  assert.equal(addQuantities(parseQuantity('500m'), parseQuantity('1.5')).toString(), '2');
  assert.equal(subtractQuantities(parseQuantity('1'), parseQuantity('250m')).toString(), '750m');
  assert.equal(subtractQuantities(parseQuantity('0'), parseQuantity('100m')).toString(), '-100m');
  assert.equal(newMilliQuantity(1500).toString(), '1500m');
  assert.equal(newQuantity(1073741824, 'BinarySI').toString(), '1Gi');
  assert.equal(newQuantity(5, 'BinarySI').toString(), '5');
  assert.equal(newQuantity(3000).toString(), '3k');
});

test('JSON: numbers and padded strings decode; output is the canonical string', () => {
  assert.equal(quantityFromJSON(0.5).toString(), '500m');
  assert.equal(quantityFromJSON(2).toString(), '2');
  assert.equal(quantityFromJSON(' 1Gi ').toString(), '1Gi');
  assert.throws(() => quantityFromJSON(true), { message: quantityFormatError });
  assert.equal(JSON.stringify({ cpu: parseQuantity('1.5') }), '{"cpu":"1500m"}');
});
