import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { formatCriLogLine } from './criFormat.js';
import { ContainerLogError } from './errors.js';
import { readContainerLog, type ReadContainerLogOptions } from './readContainerLog.js';

const root = mkdtempSync(join(tmpdir(), 'skiff-logs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;

/** A fresh directory holding `0.log` with the given content. */
function logFile(content = ''): string {
  const dir = join(root, `c${seq++}`);
  mkdirSync(dir);
  const path = join(dir, '0.log');
  writeFileSync(path, content);
  return path;
}

const at = (s: number): string => `2024-05-01T10:00:${String(s).padStart(2, '0')}.000000123Z`;
const rec = (s: number, text: string, stream: 'stdout' | 'stderr' = 'stdout'): string => formatCriLogLine(stream, text, at(s));

function options(extra: Partial<ReadContainerLogOptions> = {}): ReadContainerLogOptions {
  return { follow: false, timestamps: false, signal: new AbortController().signal, ...extra };
}

async function readAll(path: string, extra: Partial<ReadContainerLogOptions> = {}): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of readContainerLog(path, options(extra))) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

/** Open file descriptors of this process that point at `path`. */
function fdsOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(path)) n++;
    } catch {
      // the fd closed while we looked
    }
  }
  return n;
}

async function until(cond: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Followers still running after a test (a failed one) are aborted so the run can end.
const followers = new Set<AbortController>();
afterEach(() => {
  for (const ac of followers) ac.abort();
  followers.clear();
});

/** Starts following in the background, collecting output. */
function follow(path: string, extra: Partial<ReadContainerLogOptions> = {}) {
  const ac = new AbortController();
  followers.add(ac);
  let running = true;
  const state = { text: '', ended: false, error: undefined as unknown };
  const iterable = readContainerLog(path, { ...options({ follow: true, signal: ac.signal, stillRunning: () => running }), ...extra });
  const done = (async () => {
    try {
      for await (const chunk of iterable) state.text += chunk.toString();
    } catch (err) {
      state.error = err;
    } finally {
      state.ended = true;
    }
  })();
  return {
    state,
    abort: () => ac.abort(),
    stop: () => {
      running = false;
    },
    done,
  };
}

describe('readContainerLog without follow', () => {
  const content = rec(1, 'one\n') + rec(2, 'err two\n', 'stderr') + rec(3, 'par') + rec(3, 'tial\n') + rec(4, 'four\n');

  it('prints the content of every record, joining partial records', async () => {
    assert.equal(await readAll(logFile(content)), 'one\nerr two\npartial\nfour\n');
  });

  it('prefixes each line with its fixed-width RFC3339Nano time', async () => {
    assert.equal(await readAll(logFile(content), { timestamps: true }),
      `${at(1)} one\n${at(2)} err two\n${at(3)} partial\n${at(4)} four\n`);
  });

  it('tails the last N records, 0 prints nothing, more than there are prints all', async () => {
    const path = logFile(content);
    assert.equal(await readAll(path, { tailLines: 1 }), 'four\n');
    assert.equal(await readAll(path, { tailLines: 2 }), 'tial\nfour\n'); // upstream counts records, not joined lines
    assert.equal(await readAll(path, { tailLines: 0 }), '');
    assert.equal(await readAll(path, { tailLines: 100 }), 'one\nerr two\npartial\nfour\n');
  });

  it('tails a file over 1 MB of many lines', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) lines.push(rec(i % 60, `line ${i} ${'y'.repeat(i % 50)}\n`));
    const all = lines.join('');
    assert.ok(all.length > 1024 * 1024);
    const path = logFile(all);
    assert.equal(await readAll(path, { tailLines: 3 }), 'line 39997 ' + 'y'.repeat(47) + '\nline 39998 ' + 'y'.repeat(48) + '\nline 39999 ' + 'y'.repeat(49) + '\n');
    const full = await readAll(path);
    assert.equal(full.split('\n').length - 1, 40_000);
    assert.ok(full.startsWith('line 0 \nline 1 y\n'));
    const tail5000 = await readAll(path, { tailLines: 5000 });
    assert.equal(tail5000, full.split('\n').slice(35_000).join('\n'));
  });

  it('keeps records at or after sinceTime', async () => {
    assert.equal(await readAll(logFile(content), { sinceTime: new Date('2024-05-01T10:00:02Z') }), 'err two\npartial\nfour\n');
    assert.equal(await readAll(logFile(content), { sinceTime: new Date('2024-05-01T10:00:03.001Z') }), 'four\n');
  });

  it('stops after limitBytes, cutting a line', async () => {
    assert.equal(await readAll(logFile(content), { limitBytes: 6 }), 'one\ner');
    assert.equal(await readAll(logFile(content), { limitBytes: 6, timestamps: true }), at(1).slice(0, 6));
  });

  it('skips malformed records after a good first one, and prints an unterminated last record', async () => {
    const path = logFile(rec(1, 'a\n') + 'not a record\n' + `${at(2)} stdin F nope\n` + rec(3, 'b\n') + `${at(4)} stdout F last`);
    assert.equal(await readAll(path), 'a\nb\nlast');
  });

  it('fails on a first record in no known format', async () => {
    await assert.rejects(readAll(logFile('plain text\n')), /failed to get parse function: unsupported log format: "plain text\\n"/);
  });

  it('reads an empty file as nothing', async () => {
    assert.equal(await readAll(logFile('')), '');
  });

  it('throws for a missing log, synchronously, in the kubelet wording', () => {
    const dir = join(root, `c${seq++}`);
    const missing = join(dir, 'gone', '0.log');
    mkdirSync(dir);
    assert.throws(() => readContainerLog(missing, options()), (err: unknown) => {
      assert.ok(err instanceof ContainerLogError);
      assert.equal(err.code, 'ENOENT');
      assert.equal(err.message, `failed to try resolving symlinks in path "${missing}": lstat ${join(dir, 'gone')}: no such file or directory`);
      return true;
    });
  });

  it('follows a symlink to the log', async () => {
    const target = logFile(rec(1, 'via link\n'));
    const link = join(root, `link${seq++}.log`);
    symlinkSync(target, link);
    assert.equal(await readAll(link), 'via link\n');
  });

  it('closes the file when done and when the consumer stops early', async () => {
    const path = logFile(rec(1, 'a\n') + rec(2, 'b\n'));
    await readAll(path);
    assert.equal(fdsOn(path), 0);
    for await (const chunk of readContainerLog(path, options())) {
      assert.ok(chunk.length > 0);
      break;
    }
    assert.equal(fdsOn(path), 0);
  });
});

describe('readContainerLog with follow', () => {
  it('streams appended lines, and ends once the container stopped and the file is drained', async () => {
    const path = logFile(rec(1, 'first\n'));
    const f = follow(path);
    await until(() => f.state.text === 'first\n', 'the existing line');
    appendFileSync(path, rec(2, 'second\n'));
    await until(() => f.state.text === 'first\nsecond\n', 'an appended line');
    appendFileSync(path, rec(3, 'split ') + rec(3, 'line\n'));
    await until(() => f.state.text.endsWith('split line\n'), 'a partial + full record');
    // The container exits right after its last write: that write must still be seen.
    appendFileSync(path, rec(4, 'last words\n'));
    f.stop();
    await until(() => f.state.ended, 'the stream to end');
    assert.equal(f.state.error, undefined);
    assert.equal(f.state.text, 'first\nsecond\nsplit line\nlast words\n');
    assert.equal(fdsOn(path), 0);
  });

  it('waits for the rest of a record written in two pieces', async () => {
    const path = logFile('');
    const f = follow(path);
    const line = rec(1, 'whole\n');
    appendFileSync(path, line.slice(0, 10));
    appendFileSync(path, line.slice(10) + rec(2, 'next\n'));
    await until(() => f.state.text === 'whole\nnext\n', 'both records');
    f.stop();
    await until(() => f.state.ended, 'the stream to end');
    assert.equal(f.state.text, 'whole\nnext\n');
  });

  it('with tailLines starts from the last N and keeps following', async () => {
    const path = logFile(rec(1, 'a\n') + rec(2, 'b\n') + rec(3, 'c\n'));
    const f = follow(path, { tailLines: 1, timestamps: true });
    await until(() => f.state.text === `${at(3)} c\n`, 'the tail');
    appendFileSync(path, rec(4, 'd\n'));
    await until(() => f.state.text === `${at(3)} c\n${at(4)} d\n`, 'the appended line');
    f.stop();
    await until(() => f.state.ended, 'the stream to end');
  });

  it('tailLines 0 shows only what comes next', async () => {
    const path = logFile(rec(1, 'old\n'));
    const f = follow(path, { tailLines: 0 });
    // Where reading starts is decided asynchronously, so keep writing until something shows:
    // whatever shows must be a run of consecutive ticks, never the old line.
    let ticks = 0;
    await until(() => {
      if (f.state.text === '') appendFileSync(path, rec(2, `tick ${ticks++}\n`));
      return f.state.text !== '';
    }, 'a new line');
    f.stop();
    await until(() => f.state.ended, 'the stream to end');
    const shown = f.state.text.split('\n').slice(0, -1);
    assert.ok(shown.length > 0 && !shown.includes('old'), f.state.text);
    const first = Number(shown[0]!.split(' ')[1]);
    assert.deepEqual(shown, Array.from({ length: ticks - first }, (_, i) => `tick ${first + i}`));
  });

  it('ends at limitBytes while following', async () => {
    const path = logFile(rec(1, 'abc\n'));
    const f = follow(path, { limitBytes: 6 });
    appendFileSync(path, rec(2, 'defgh\n'));
    await until(() => f.state.ended, 'the stream to end by itself'); // the container is still running
    assert.equal(f.state.text, 'abc\nde');
    assert.equal(fdsOn(path), 0);
  });

  it('survives rotation: drains the renamed file, then reads the new one from its start', async () => {
    const path = logFile(rec(1, 'before\n'));
    const f = follow(path);
    await until(() => f.state.text === 'before\n', 'the first line');
    // The kubelet's rotation: rename the live file, the runtime reopens a new one.
    renameSync(path, `${path}.20240501-100000`);
    appendFileSync(`${path}.20240501-100000`, rec(2, 'late write to old\n'));
    writeFileSync(path, rec(3, 'after\n'));
    await until(() => f.state.text === 'before\nlate write to old\nafter\n', 'lines across the rotation');
    appendFileSync(path, rec(4, 'more\n'));
    await until(() => f.state.text.endsWith('after\nmore\n'), 'a line appended to the new file');
    f.stop();
    await until(() => f.state.ended, 'the stream to end');
    assert.equal(f.state.error, undefined);
    assert.equal(fdsOn(path), 0);
  });

  it('re-reads from the start when the file is truncated in place', async () => {
    const path = logFile(rec(1, 'one\n') + rec(2, 'two\n'));
    const f = follow(path);
    await until(() => f.state.text === 'one\ntwo\n', 'the first lines');
    truncateSync(path, 0);
    appendFileSync(path, rec(3, 'three\n'));
    await until(() => f.state.text === 'one\ntwo\nthree\n', 'the line after truncation');
    f.stop();
    await until(() => f.state.ended, 'the stream to end');
  });

  it('ends quietly on abort and releases the file', async () => {
    const path = logFile(rec(1, 'x\n'));
    const f = follow(path, { stillRunning: () => true });
    await until(() => f.state.text === 'x\n', 'the line');
    f.abort();
    await until(() => f.state.ended, 'the stream to end');
    assert.equal(f.state.error, undefined);
    assert.equal(fdsOn(path), 0);
  });

  it('releases the file on abort even when the consumer stopped pulling', async () => {
    const path = logFile(rec(1, 'x\n'));
    const ac = new AbortController();
    const it = readContainerLog(path, options({ follow: true, signal: ac.signal }))[Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.value?.toString(), 'x\n');
    assert.equal(fdsOn(path), 1);
    ac.abort();
    await until(() => fdsOn(path) === 0, 'the fd to close');
    assert.equal((await it.next()).done, true);
  });

  it('yields nothing when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    assert.equal(await readAll(logFile(rec(1, 'x\n')), { follow: true, signal: ac.signal }), '');
  });
});
