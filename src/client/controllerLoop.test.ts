import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runController, TerminalError, type ReconcileResult } from './controllerLoop.js';
import { WorkQueue } from './workqueue.js';
import { FakeClock, flushAsync } from './testing/fakeClock.js';
import { until } from './testing/until.js';

function setup(reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>, workers = 1) {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock });
  const ac = new AbortController();
  const errors: string[] = [];
  const done = runController({
    name: 'test', queue, reconcile, workers, signal: ac.signal,
    onError: (key, e, terminal) => errors.push(`${key}: ${e instanceof Error ? e.message : String(e)}${terminal ? ' (terminal)' : ''}`),
  });
  return { clock, queue, ac, errors, done };
}

test('errors retry with back-off, success forgets, terminal errors stop', async () => {
  const calls: string[] = [];
  let failures = 2;
  const { clock, queue, ac, errors, done } = setup(async (key) => {
    calls.push(`${key}@${clock.now()}`);
    if (key === 'bad') throw new TerminalError('unsupported');
    if (failures-- > 0) throw new Error('transient');
  });
  const t0 = clock.now();
  queue.add('k');
  await until(() => calls.length === 1, 'first call');
  assert.equal(queue.numRequeues('k'), 1);
  await clock.advance(5);
  await until(() => calls.length === 2, 'retry after 5 ms');
  await clock.advance(10);
  await until(() => calls.length === 3, 'retry after 10 ms');
  assert.deepEqual(calls, [`k@${t0}`, `k@${t0 + 5}`, `k@${t0 + 15}`]);
  assert.equal(queue.numRequeues('k'), 0, 'success forgets the back-off');
  queue.add('bad');
  await until(() => calls.length === 4, 'terminal call');
  await clock.advance(60_000);
  assert.equal(calls.length, 4, 'terminal errors are not retried');
  assert.deepEqual(errors, ['k: transient', 'k: transient', 'bad: unsupported (terminal)']);
  ac.abort();
  await done;
});

test('requeueAfterMs re-adds the key after that long; requeue uses the back-off', async () => {
  const calls: number[] = [];
  const { clock, queue, ac, done } = setup(async () => {
    calls.push(clock.now());
    return calls.length === 1 ? { requeueAfterMs: 30_000 } : calls.length === 2 ? { requeue: true } : undefined;
  });
  const t0 = clock.now();
  queue.add('k');
  await until(() => calls.length === 1, 'first');
  await clock.advance(29_999);
  assert.equal(calls.length, 1);
  await clock.advance(1);
  await until(() => calls.length === 2, 'after 30 s');
  await clock.advance(5);
  await until(() => calls.length === 3, 'after back-off');
  assert.deepEqual(calls.map((t) => t - t0), [0, 30_000, 30_005]);
  ac.abort();
  await done;
});

test('one key is never reconciled concurrently; other keys run in parallel', async () => {
  let active = 0;
  let maxActive = 0;
  const perKey = new Map<string, number>();
  const gates: (() => void)[] = [];
  const { queue, ac, done } = setup(async (key) => {
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    assert.equal(perKey.get(key), 1, `${key} reconciled concurrently`);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((r) => gates.push(r));
    active--;
    perKey.set(key, (perKey.get(key) ?? 1) - 1);
  }, 4);
  queue.add('a');
  queue.add('b');
  await until(() => gates.length === 2, 'both started');
  queue.add('a'); // while a is in flight
  await flushAsync();
  assert.equal(gates.length, 2, 'a waits for its own reconcile to finish');
  gates.shift()?.();
  await until(() => gates.length === 2, 'a again after done');
  for (const g of gates.splice(0)) g();
  await until(() => active === 0, 'idle');
  assert.equal(maxActive, 2);
  ac.abort();
  await done;
});

test('abort shuts the queue down and waits for in-flight reconciles', async () => {
  let release: (() => void) | undefined;
  let sawAbort = false;
  const { queue, ac, done } = setup(async (_key, signal) => {
    await new Promise<void>((r) => (release = r));
    sawAbort = signal.aborted;
  });
  queue.add('k');
  await until(() => release !== undefined, 'started');
  let finished = false;
  void done.then(() => (finished = true));
  ac.abort();
  await flushAsync();
  assert.equal(finished, false, 'waits for the in-flight reconcile');
  release?.();
  await done;
  assert.equal(sawAbort, true);
  assert.equal(queue.shuttingDown(), true);
});
