import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashLoopBackoff, goDuration } from './backoff.js';

test('goDuration formats like Go time.Duration.String', () => {
  const cases: [number, string][] = [[0, '0s'], [500, '500ms'], [10_000, '10s'], [80_000, '1m20s'], [160_000, '2m40s'], [300_000, '5m0s'], [3_600_000, '1h0m0s'], [1_500, '1.5s']];
  for (const [ms, want] of cases) assert.equal(goDuration(ms), want, String(ms));
});

test('crash-loop back-off: 10 s, doubling, capped at 5 min; forgotten after 10 min of running', () => {
  const b = new CrashLoopBackoff();
  const k = 'uid/app';
  let now = 0;
  // First failure: not in back-off; the restart starts the clock at 10 s.
  assert.equal(b.isInBackOffSince(k, now, now), false);
  b.next(k, now, now);
  const seen: number[] = [];
  for (let i = 0; i < 7; i++) {
    now += 1000; // the container ran 1 s and exited
    const finished = now;
    assert.equal(b.isInBackOffSince(k, finished, now), true);
    seen.push(b.get(k));
    now = finished + b.get(k);
    assert.equal(b.isInBackOffSince(k, finished, now), false);
    b.next(k, finished, now);
  }
  assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  // Running for more than twice the cap resets it.
  const finished = now + 601_000;
  assert.equal(b.isInBackOffSince(k, finished, finished), false);
  b.next(k, finished, finished);
  assert.equal(b.get(k), 10_000);
});
