import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { MemoryStore, SqliteStore, openStore } from './index.js';

it('openStore opens either backend behind the same interface', async () => {
  const mem = openStore({ backend: 'memory' });
  assert.ok(mem instanceof MemoryStore);
  assert.equal((await mem.create('/k', 'v')).modRevision, 1);
  await mem.close();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-open-'));
  try {
    const sql = openStore({ backend: 'sqlite', path: join(dir, 'db') });
    assert.ok(sql instanceof SqliteStore);
    assert.equal((await sql.create('/k', 'v')).modRevision, 1);
    await sql.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
