import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialRateLimiter, WorkQueue } from './workqueue.js';
import { FakeClock, flushAsync } from './testing/fakeClock.js';

test('adds are de-duplicated until the item is taken', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('an item added while processing is re-queued once, after done', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  const item = await q.get();
  assert.equal(item, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'not handed out while a worker holds it');
  let second: string | undefined;
  void q.get().then((v) => (second = v));
  await flushAsync();
  assert.equal(second, undefined, 'a second worker does not get it concurrently');
  q.done('a');
  await flushAsync();
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.len(), 0, 'done without a new add does not re-queue');
});

test('a waiting get is woken by add; FIFO order', async () => {
  const q = new WorkQueue<number>({ clock: new FakeClock() });
  const got: (number | undefined)[] = [];
  const p1 = q.get().then((v) => got.push(v));
  const p2 = q.get().then((v) => got.push(v));
  q.add(1);
  q.add(2);
  q.add(3);
  await Promise.all([p1, p2]);
  assert.deepEqual(got, [1, 2]);
  assert.equal(await q.get(), 3);
});

test('addAfter makes the item ready only when the clock reaches it; the earliest delay wins', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 300);
  assert.equal(clock.pending(), 1, 'one timer per item');
  clock.step(49);
  assert.equal(q.len(), 0);
  clock.step(1);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  q.addAfter('b', 0);
  assert.equal(q.len(), 1, 'a zero delay adds at once');
});

test('rate-limited back-off: 5 ms doubling, capped at 1000 s, reset by forget', () => {
  const rl = exponentialRateLimiter<string>();
  const delays = Array.from({ length: 20 }, () => rl.when('k'));
  assert.deepEqual(delays.slice(0, 6), [5, 10, 20, 40, 80, 160]);
  assert.equal(delays[17], 5 * 2 ** 17); // 655.36 s, still under the cap
  assert.equal(delays[18], 1000_000);
  assert.equal(delays[19], 1000_000);
  assert.equal(rl.numRequeues('k'), 20);
  assert.equal(rl.when('other'), 5, 'per item');
  rl.forget('k');
  assert.equal(rl.numRequeues('k'), 0);
  assert.equal(rl.when('k'), 5);
});

test('addRateLimited follows the back-off sequence on the injected clock', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  const readyAfter: number[] = [];
  for (let i = 0; i < 4; i++) {
    const start = clock.now();
    q.addRateLimited('k');
    while (q.len() === 0) clock.step(1);
    readyAfter.push(clock.now() - start);
    assert.equal(await q.get(), 'k');
    q.done('k');
  }
  assert.deepEqual(readyAfter, [5, 10, 20, 40]);
  assert.equal(q.numRequeues('k'), 4);
  q.forget('k');
  q.addRateLimited('k');
  assert.equal(clock.nextAt(), clock.now() + 5);
});

test('shutDown: waiting and later gets resolve undefined, adds are ignored, delays cancelled', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  const waiting = q.get();
  q.addAfter('later', 10);
  q.shutDown();
  assert.equal(await waiting, undefined);
  q.add('x');
  q.addRateLimited('y');
  assert.equal(q.len(), 0);
  assert.equal(clock.pending(), 0);
  assert.equal(await q.get(), undefined);
  assert.equal(q.shuttingDown(), true);
});

test('shutDown drops queued items; shutDownWithDrain waits for in-flight ones', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  assert.equal(await q.get(), 'a');
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  assert.equal(await q.get(), undefined, 'b is dropped');
  await flushAsync();
  assert.equal(drained, false, 'a is still in flight');
  q.add('a');
  q.done('a');
  await drain;
  assert.equal(drained, true);
  assert.equal(q.len(), 0, 'an item added during shutdown is not re-queued');
});
