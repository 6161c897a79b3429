// An acknowledged write survives SIGKILL of the writing process (WAL + synchronous=NORMAL).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { openSqliteStore } from './sqliteStore.js';

/** Acknowledged writes to see before killing; the kill lands mid-stream whatever the speed. */
const ACKS_BEFORE_KILL = 3000;

/** Runs the writer until ACKS_BEFORE_KILL lines arrived, SIGKILLs it, returns the complete lines. */
async function runAndKill(dbPath: string): Promise<string[]> {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(fromSource ? './crashWriter.ts' : './crashWriter.js', import.meta.url));
  const args = fromSource ? ['--import', 'tsx', script, dbPath] : [script, dbPath];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let killed = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    return await new Promise<string[]>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!killed && out.split('\n').length > ACKS_BEFORE_KILL) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') {
          reject(new Error(`writer exited by itself (code ${code}): ${err}`));
          return;
        }
        // Output read after the kill was written before it; the last line may be torn.
        const lines = out.split('\n');
        lines.pop();
        resolve(lines);
      });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

it('every write acknowledged before SIGKILL is there after reopening, with consistent revisions', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-crash-'));
  try {
    const path = join(dir, 'state.db');
    const lines = await runAndKill(path);
    assert.ok(lines.length >= ACKS_BEFORE_KILL, `saw ${lines.length} acknowledged writes`);
    const store = openSqliteStore({ path });
    try {
      let lastCounterRev = 0;
      for (const line of lines) {
        const [n, itemRev, counterRev] = line.split(' ').map(Number) as [number, number, number];
        const item = await store.get(`/crash/items/${String(n).padStart(8, '0')}`);
        assert.ok(item, `item ${n} acknowledged at revision ${itemRev} is missing`);
        assert.equal(item.modRevision, itemRev);
        assert.equal(item.createRevision, itemRev);
        assert.deepEqual(JSON.parse(item.value), { n, pad: 'x'.repeat(200) });
        lastCounterRev = counterRev;
      }
      const counter = (await store.get('/crash/counter'))!;
      assert.ok(counter.modRevision >= lastCounterRev);
      assert.ok(Number(counter.value) >= lines.length - 1);

      // Nothing half-written: items are contiguous, revisions strictly increase, and the
      // store's revision is the newest row's.
      const items = (await store.list('/crash/items/')).items;
      assert.ok(items.length >= lines.length);
      for (const [i, kv] of items.entries()) {
        assert.equal(kv.key, `/crash/items/${String(i).padStart(8, '0')}`);
        if (i > 0) assert.ok(kv.modRevision > items[i - 1]!.modRevision);
      }
      const current = await store.currentRevision();
      assert.equal(current, Math.max(counter.modRevision, items[items.length - 1]!.modRevision));
      const next = await store.create('/crash/after', 'x');
      assert.equal(next.modRevision, current + 1);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
