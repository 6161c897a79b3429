import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startCompactor } from './compactor.js';
import { openStore } from './index.js';
import { StoreError } from './types.js';

it('compacts periodically to current - keepRevisions and stops when asked', async () => {
  const store = openStore({ backend: 'memory' });
  for (let i = 0; i < 20; i++) await store.create(`/c/${i}`, `${i}`);
  const compactor = startCompactor(store, { intervalMs: 5, keepRevisions: 5 });
  try {
    while ((await store.compactedRevision()) < 15) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await store.compactedRevision(), 15);
    await assert.rejects(store.list('/c/', { revision: 14 }), (e) => e instanceof StoreError && e.code === 'Compacted');
    assert.equal((await store.list('/c/', { revision: 15 })).items.length, 15);
  } finally {
    compactor.stop();
  }
  for (let i = 20; i < 30; i++) await store.create(`/c/${i}`, `${i}`);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(await store.compactedRevision(), 15, 'a stopped compactor compacts no more');
  await store.close();
});
