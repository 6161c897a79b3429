import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, humanDuration, shortAge, shortHumanDuration } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;

test('humanDuration: upstream TestHumanDuration table', () => {
  const table: [number, string][] = [
    [s, '1s'],
    [70 * s, '70s'],
    [190 * s, '3m10s'],
    [70 * m, '70m'],
    [47 * h, '47h'],
    [49 * h, '2d1h'],
    [(8 * 24 + 2) * h, '8d'],
    [367 * 24 * h, '367d'],
    [(365 * 2 * 24 + 25) * h, '2y1d'],
    [(365 * 8 * 24 + 2) * h, '8y'],
  ];
  for (const [d, want] of table) assert.equal(humanDuration(d), want, String(d));
});

test('humanDuration: thresholds', () => {
  assert.equal(humanDuration(0), '0s');
  assert.equal(humanDuration(999), '0s');
  assert.equal(humanDuration(-1000), '0s', 'one second of clock skew reads as now');
  assert.equal(humanDuration(-1999), '0s');
  assert.equal(humanDuration(-2000), '<invalid>');
  assert.equal(humanDuration(119 * s), '119s');
  assert.equal(humanDuration(120 * s), '2m');
  assert.equal(humanDuration(123 * s), '2m3s');
  assert.equal(humanDuration(9 * m + 59 * s), '9m59s');
  assert.equal(humanDuration(10 * m + 30 * s), '10m');
  assert.equal(humanDuration(179 * m), '179m');
  assert.equal(humanDuration(180 * m), '3h');
  assert.equal(humanDuration(3 * h + 4 * m), '3h4m');
  assert.equal(humanDuration(7 * h + 59 * m), '7h59m');
  assert.equal(humanDuration(8 * h + 30 * m), '8h');
  assert.equal(humanDuration(48 * h), '2d');
  assert.equal(humanDuration(51 * h), '2d3h');
  assert.equal(humanDuration(8 * 24 * h), '8d');
  assert.equal(humanDuration(2 * 365 * 24 * h), '2y');
  assert.equal(humanDuration(20 * 365 * 24 * h), '20y');
});

test('shortHumanDuration: upstream table', () => {
  const table: [number, string][] = [
    [s, '1s'],
    [m, '1m'],
    [h, '1h'],
    [24 * h, '1d'],
    [365 * 24 * h, '1y'],
    [59 * s, '59s'],
    [90 * m, '1h'],
    [-s, '0s'],
    [-3 * s, '<invalid>'],
  ];
  for (const [d, want] of table) assert.equal(shortHumanDuration(d), want, String(d));
});

test('age: the AGE column', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  assert.equal(age('2024-05-01T11:59:55Z', now), '5s');
  assert.equal(age('2024-05-01T11:57:57Z', now), '2m3s');
  assert.equal(age('2024-04-29T09:00:00Z', now), '2d3h');
  assert.equal(age(undefined, now), '<unknown>');
  assert.equal(age('', now), '<unknown>');
  assert.equal(age('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(age('not a time', now), '<unknown>');
  assert.equal(shortAge('2024-04-29T09:00:00Z', now), '2d');
});
