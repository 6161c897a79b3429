import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreSuite } from '../storeSuite.js';
import type { Store } from '../types.js';
import { openSqliteStore } from './sqliteStore.js';

const dirs = new Map<Store, string>();

runStoreSuite(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-store-'));
    const store = openSqliteStore({ path: join(dir, 'state.db') });
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    rmSync(dirs.get(store)!, { recursive: true, force: true });
    dirs.delete(store);
  },
);

describe('sqlite store file', () => {
  const withDir = async (body: (path: string) => Promise<void>): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-store-'));
    try {
      await body(join(dir, 'nested', 'state.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reopens with the same data, revision and compacted revision, even when compaction dropped the newest row', () =>
    withDir(async (path) => {
      const first = openSqliteStore({ path });
      const a = await first.create('/r/a', 'a');
      await first.update('/r/a', 'a2', a.modRevision);
      await first.create('/r/b', 'b');
      const del = await first.delete('/r/b');
      await first.compact(del.modRevision);
      const before = await first.list('/r/');
      await first.close();

      const again = openSqliteStore({ path });
      try {
        assert.equal(await again.currentRevision(), del.modRevision);
        assert.equal(await again.compactedRevision(), del.modRevision);
        assert.deepEqual(await again.list('/r/'), before);
        const next = await again.create('/r/c', 'c');
        assert.equal(next.modRevision, del.modRevision + 1, 'revisions never repeat after reopening');
      } finally {
        await again.close();
      }
    }));

  it('refuses a second opener while the first holds the database', () =>
    withDir(async (path) => {
      const owner = openSqliteStore({ path });
      try {
        await owner.create('/x', '1');
        assert.throws(() => openSqliteStore({ path }), /another process/);
      } finally {
        await owner.close();
      }
      const next = openSqliteStore({ path });
      assert.equal((await next.get('/x'))?.value, '1');
      await next.close();
    }));
});
