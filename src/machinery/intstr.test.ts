import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidPercent, scaledValueFromIntOrPercent, validateIntOrPercent, validateNotMoreThan100Percent } from './intstr.js';
import { fieldErrorMessage } from './fieldErrors.js';

const percentMsg = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

test('scaledValueFromIntOrPercent: upstream TestGetScaledValueFromIntOrPercent', () => {
  assert.equal(scaledValueFromIntOrPercent(123, 0, false), 123);
  assert.equal(scaledValueFromIntOrPercent('90%', 100, true), 90);
  assert.equal(scaledValueFromIntOrPercent('90%', 95, true), 86);
  assert.equal(scaledValueFromIntOrPercent('90%', 95, false), 85);
});

test('scaledValueFromIntOrPercent: rounding of deployment defaults', () => {
  assert.equal(scaledValueFromIntOrPercent('25%', 3, true), 1, 'maxSurge rounds up');
  assert.equal(scaledValueFromIntOrPercent('25%', 3, false), 0, 'maxUnavailable rounds down');
  assert.equal(scaledValueFromIntOrPercent('25%', 10, true), 3);
  assert.equal(scaledValueFromIntOrPercent('0%', 10, true), 0);
});

test('scaledValueFromIntOrPercent: errors', () => {
  assert.throws(() => scaledValueFromIntOrPercent('abc', 10, true), /string is not a percentage/);
  assert.throws(() => scaledValueFromIntOrPercent('10', 10, true), /string is not a percentage/);
  assert.throws(() => scaledValueFromIntOrPercent('a%', 10, true), /invalid value "a%"/);
  assert.throws(() => scaledValueFromIntOrPercent(undefined, 10, true), /nil value for IntOrString/);
  assert.throws(() => scaledValueFromIntOrPercent(1.5, 10, true), /not an integer/);
});

test('isValidPercent / validateIntOrPercent', () => {
  assert.deepEqual(isValidPercent('25%'), []);
  assert.deepEqual(isValidPercent('25'), [percentMsg]);
  assert.deepEqual(isValidPercent('-5%'), [percentMsg]);
  assert.deepEqual(validateIntOrPercent(0, 'f'), []);
  assert.deepEqual(validateIntOrPercent('10%', 'f'), []);
  assert.equal(fieldErrorMessage(validateIntOrPercent('abc', 'spec.strategy.rollingUpdate.maxSurge')[0]), `spec.strategy.rollingUpdate.maxSurge: Invalid value: "abc": ${percentMsg}`);
  assert.equal(fieldErrorMessage(validateIntOrPercent(-1, 'f')[0]), 'f: Invalid value: -1: must be greater than or equal to 0');
  assert.equal(fieldErrorMessage(validateIntOrPercent(true, 'f')[0]), "f: Invalid value: true: must be an integer or percentage (e.g '5%')");
  assert.deepEqual(validateNotMoreThan100Percent('100%', 'f'), []);
  assert.equal(fieldErrorMessage(validateNotMoreThan100Percent('101%', 'f')[0]), 'f: Invalid value: "101%": must not be greater than 100%');
  assert.deepEqual(validateNotMoreThan100Percent(500, 'f'), []);
});
