import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openMemoryStore } from '../memory/memoryStore.js';
import type { StoreEvent } from '../types.js';

it('a watcher that throws is reported and neither loses its later events nor starves others', async () => {
  const logged: string[] = [];
  const store = openMemoryStore({ log: (m) => logged.push(m) });
  const thrower: number[] = [];
  const other: StoreEvent[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  store.watch('/t/', 0, (evs) => {
    thrower.push(...evs.map((e) => e.kv.modRevision));
    throw new Error('consumer bug');
  }, () => {});
  store.watch('/t/', 0, (evs) => {
    other.push(...evs);
    if (other.length === 2) done();
  }, () => {});
  await store.create('/t/a', '1');
  await new Promise((resolve) => setImmediate(resolve));
  await store.create('/t/b', '2');
  await finished;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(thrower, [1, 2]);
  assert.ok(logged.length >= 1 && logged.every((m) => m.includes('consumer bug')));
  await store.close();
});
