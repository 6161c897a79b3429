import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileChangeWaiter } from './changeWaiter.js';

const root = mkdtempSync(join(tmpdir(), 'skiff-waiter-'));
after(() => rmSync(root, { recursive: true, force: true }));
// A directory per test: libuv shares one inotify watch per directory, so events from an
// earlier test's files could reach a later test's watcher.
const freshDir = (): string => mkdtempSync(join(root, 't-'));

describe('FileChangeWaiter', () => {
  it('wakes on a write to the watched file, before the (here: hour-long) poll period', async (t) => {
    const dir = freshDir();
    const path = join(dir, 'a.log');
    writeFileSync(path, '');
    const w = new FileChangeWaiter(dir, 'a.log', 3_600_000);
    try {
      if (!w.watching) return t.skip('fs.watch is unavailable here (inotify limits?)');
      const waited = w.wait(new AbortController().signal);
      appendFileSync(path, 'x\n');
      await waited; // would hang the test (and fail it) if the watch did not fire
    } finally {
      w.close();
    }
  });

  it('ignores other files in the same directory', async (t) => {
    const dir = freshDir();
    const path = join(dir, 'b.log');
    writeFileSync(path, '');
    const w = new FileChangeWaiter(dir, 'b.log', 3_600_000);
    // A second waiter on the same directory tells us when the unrelated event was delivered.
    const other = new FileChangeWaiter(dir, 'other.log', 3_600_000);
    try {
      if (!w.watching || !other.watching) return t.skip('fs.watch is unavailable here');
      let resolved = false;
      const waited = w.wait(new AbortController().signal).then(() => (resolved = true));
      const otherWaited = other.wait(new AbortController().signal);
      writeFileSync(join(dir, 'other.log'), 'y\n');
      await otherWaited;
      await new Promise((r) => setImmediate(r));
      assert.equal(resolved, false);
      appendFileSync(path, 'x\n');
      await waited;
      assert.equal(resolved, true);
    } finally {
      w.close();
      other.close();
    }
  });

  it('an event seen while nobody waits makes the next wait return at once', async (t) => {
    const dir = freshDir();
    const path = join(dir, 'd.log');
    writeFileSync(path, '');
    const w = new FileChangeWaiter(dir, 'd.log', 3_600_000);
    const probe = new FileChangeWaiter(dir, 'd.log', 3_600_000);
    try {
      if (!w.watching || !probe.watching) return t.skip('fs.watch is unavailable here');
      const seen = probe.wait(new AbortController().signal);
      appendFileSync(path, 'x\n');
      await seen; // delivered to both watchers by now
      await w.wait(new AbortController().signal); // hour-long poll: only the remembered event ends it
    } finally {
      w.close();
      probe.close();
    }
  });

  it('without a watch, wakes on the poll timer', async () => {
    const w = new FileChangeWaiter(root, 'none.log', 10, false);
    try {
      assert.equal(w.watching, false);
      await w.wait(new AbortController().signal);
      await w.wait(new AbortController().signal);
    } finally {
      w.close();
    }
  });

  it('wakes on abort and on close', async () => {
    const w = new FileChangeWaiter(freshDir(), 'c.log', 3_600_000);
    const ac = new AbortController();
    const waited = w.wait(ac.signal);
    ac.abort();
    await waited;
    const again = w.wait(new AbortController().signal);
    w.close();
    await again;
    await w.wait(new AbortController().signal); // closed: returns at once
  });

  it('degrades to polling when the directory cannot be watched', async () => {
    const w = new FileChangeWaiter(join(root, 'missing-dir'), 'x.log', 10);
    try {
      assert.equal(w.watching, false);
      await w.wait(new AbortController().signal);
    } finally {
      w.close();
    }
  });
});
