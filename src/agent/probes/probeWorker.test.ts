import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, flushAsync } from '../../client/testing/fakeClock.js';
import { ProbeWorker, type PublishedResult } from './probeWorker.js';
import { probeSettings, type ProbeKind } from './types.js';

type R = 'success' | 'failure' | undefined;

/** A worker whose probe answers from a script (the last answer repeats). */
function scripted(kind: ProbeKind, probe: Record<string, unknown>, answers: R[], opts: { mayProbe?: () => boolean; clock?: FakeClock } = {}) {
  const clock = opts.clock ?? new FakeClock();
  const changes: Array<[number, PublishedResult]> = [];
  const ranAt: number[] = [];
  const start = clock.now();
  let i = 0;
  const w = new ProbeWorker({
    kind,
    settings: probeSettings(probe),
    clock,
    firstRunAt: start + probeSettings(probe).initialDelayMs,
    mayProbe: opts.mayProbe ?? (() => true),
    probe: async () => {
      ranAt.push(clock.now() - start);
      return answers[Math.min(i++, answers.length - 1)];
    },
    onChange: (r) => changes.push([clock.now() - start, r]),
  });
  w.start();
  return { w, clock, changes, ranAt };
}

test('readiness starts failed, runs after initialDelaySeconds then every periodSeconds, flips on thresholds', async () => {
  const { w, clock, changes, ranAt } = scripted('readiness', { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }, ['success', 'failure', 'failure', 'failure', 'success']);
  assert.equal(w.result, 'failure');
  await clock.advance(4999);
  assert.deepEqual(ranAt, []);
  await clock.advance(1);
  assert.deepEqual(ranAt, [5000]);
  assert.deepEqual(changes, [[5000, 'success']]);
  await clock.advance(20_000);
  // Two failures in a row stay below failureThreshold 3.
  assert.deepEqual(ranAt, [5000, 15_000, 25_000]);
  assert.equal(w.result, 'success');
  await clock.advance(10_000);
  assert.deepEqual(changes, [[5000, 'success'], [35_000, 'failure']]);
  await clock.advance(10_000);
  assert.deepEqual(changes.at(-1), [45_000, 'success']);
  w.stop();
  await clock.advance(60_000);
  assert.equal(ranAt.length, 5, 'nothing runs after stop');
});

test('successThreshold needs that many successes in a row; errored runs count for nothing', async () => {
  const { w, clock, changes } = scripted('readiness', { periodSeconds: 1, successThreshold: 2 }, ['success', undefined, 'success']);
  await clock.advance(0);
  assert.equal(w.result, 'failure');
  await clock.advance(1000);
  assert.equal(w.result, 'failure', 'the errored run is thrown away, not a reset');
  await clock.advance(1000);
  assert.deepEqual(changes, [[2000, 'success']]);
});

test('liveness starts successful, publishes failure at failureThreshold and stops probing that instance', async () => {
  const { w, clock, changes, ranAt } = scripted('liveness', { periodSeconds: 10, failureThreshold: 3 }, ['failure']);
  assert.equal(w.result, 'success');
  await clock.advance(19_999);
  assert.equal(w.result, 'success', 'two failures stay below failureThreshold 3');
  await clock.advance(1);
  assert.deepEqual(ranAt, [0, 10_000, 20_000]);
  assert.deepEqual(changes, [[20_000, 'failure']]);
  assert.equal(w.stopped, true);
  await clock.advance(60_000);
  assert.equal(ranAt.length, 3);
});

test('startup is unknown until it passes, then stops; readiness waits while gated', async () => {
  const clock = new FakeClock();
  const startup = scripted('startup', { periodSeconds: 5, failureThreshold: 30 }, ['failure', 'failure', 'success'], { clock });
  const readiness = scripted('readiness', { periodSeconds: 5 }, ['success'], { clock, mayProbe: () => startup.w.result === 'success' });
  assert.equal(startup.w.result, 'unknown');
  await clock.advance(5000);
  assert.deepEqual(readiness.ranAt, [], 'readiness does not run before the startup probe passed');
  await clock.advance(5000);
  assert.deepEqual(startup.changes, [[10_000, 'success']]);
  assert.equal(startup.w.stopped, true);
  // Its tick right after the startup probe passed (same instant) runs it.
  assert.deepEqual(readiness.ranAt, [10_000]);
  assert.equal(readiness.w.result, 'success');
  await clock.advance(5000);
  assert.deepEqual(readiness.ranAt, [10_000, 15_000]);
  assert.equal(startup.ranAt.length, 3);
});

test('a startup probe that keeps failing publishes failure after failureThreshold runs', async () => {
  const { w, clock, changes } = scripted('startup', { periodSeconds: 1, failureThreshold: 4 }, ['failure']);
  await clock.advance(3000);
  assert.deepEqual(changes, [[3000, 'failure']]);
  assert.equal(w.result, 'failure');
  assert.equal(w.stopped, true);
});

test('runs never overlap: a slow probe swallows ticks; a trigger during a run runs once more right after', async () => {
  const clock = new FakeClock();
  let release: (() => void) | undefined;
  let runs = 0;
  const w = new ProbeWorker({
    kind: 'readiness',
    settings: probeSettings({ periodSeconds: 1 }),
    clock,
    firstRunAt: clock.now(),
    mayProbe: () => true,
    probe: () => {
      runs++;
      return new Promise<R>((resolve) => (release = () => resolve('success')));
    },
    onChange: () => undefined,
  });
  w.start();
  await clock.advance(0);
  assert.equal(runs, 1);
  await clock.advance(5000);
  assert.equal(runs, 1, 'no second run while the first is in flight');
  w.trigger();
  release?.();
  await flushAsync();
  await clock.advance(0);
  assert.equal(runs, 2, 'the trigger ran it again at once');
  assert.equal(w.result, 'success');
  w.stop();
  release?.();
});
