import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';
import { AtomicWriter, currentDataDir, validatePayloadPath, type Payload } from './atomicWriter.js';
import { tempRoot } from './testing/fixtures.js';

const payload = (files: Record<string, string | [string, number]>): Payload =>
  new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? { data: Buffer.from(v), mode: 0o644 } : { data: Buffer.from(v[0]), mode: v[1] }]));

async function listing(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort();
}

test('first write: timestamped payload dir, ..data link, user-visible links', async (t) => {
  const dir = await tempRoot(t);
  const w = new AtomicWriter(dir, { now: () => Date.UTC(2026, 10, 28, 6, 59, 1) });
  assert.equal(await w.write(payload({ 'a.conf': 'A', 'nested/deep/b': 'B' })), true);
  const data = await currentDataDir(dir);
  assert.match(data ?? '', /^\.\.2026_11_28_06_59_01\.\w+$/);
  assert.deepEqual(await listing(dir), [data, '..data', 'a.conf', 'nested'].sort());
  assert.equal(await fs.readlink(path.join(dir, 'a.conf')), '..data/a.conf');
  assert.equal(await fs.readlink(path.join(dir, 'nested')), '..data/nested');
  assert.equal(await fs.readFile(path.join(dir, 'nested/deep/b'), 'utf8'), 'B');
  assert.equal((await fs.stat(path.join(dir, data ?? ''))).mode & 0o777, 0o755);
});

test('an update swaps ..data, drops the old payload and the links of removed keys', async (t) => {
  const dir = await tempRoot(t);
  let now = Date.UTC(2026, 0, 1);
  const w = new AtomicWriter(dir, { now: () => now });
  await w.write(payload({ keep: 'v1', gone: 'x', 'sub/one': '1' }));
  const first = await currentDataDir(dir);
  now += 1000;
  assert.equal(await w.write(payload({ keep: 'v2', added: 'new', 'sub/two': '2' })), true);
  const second = await currentDataDir(dir);
  assert.notEqual(second, first);
  assert.deepEqual(await listing(dir), [second, '..data', 'added', 'keep', 'sub'].sort());
  assert.equal(await fs.readFile(path.join(dir, 'keep'), 'utf8'), 'v2');
  assert.equal(await fs.readFile(path.join(dir, 'added'), 'utf8'), 'new');
  assert.deepEqual(await listing(path.join(dir, 'sub')), ['two']);
  await assert.rejects(fs.lstat(path.join(dir, 'gone')), { code: 'ENOENT' });
  await assert.rejects(fs.stat(path.join(dir, first ?? 'x')), { code: 'ENOENT' });
});

test('an unchanged payload is not rewritten; a changed mode or a removal is', async (t) => {
  const dir = await tempRoot(t);
  const w = new AtomicWriter(dir);
  await w.write(payload({ a: 'A', b: 'B' }));
  const first = await currentDataDir(dir);
  assert.equal(await w.write(payload({ a: 'A', b: 'B' })), false);
  assert.equal(await currentDataDir(dir), first);
  assert.equal(await w.write(payload({ a: ['A', 0o600], b: 'B' })), true);
  assert.equal(await w.write(payload({ a: ['A', 0o600] })), true);
  assert.deepEqual((await listing(dir)).filter((n) => !n.startsWith('..')), ['a']);
  // A user-visible link deleted behind the writer's back is restored.
  await fs.rm(path.join(dir, 'a'));
  assert.equal(await w.write(payload({ a: ['A', 0o600] })), true);
  assert.equal(await fs.readFile(path.join(dir, 'a'), 'utf8'), 'A');
});

test('file modes are exact whatever the umask', async (t) => {
  const dir = await tempRoot(t);
  const old = process.umask(0o077);
  t.after(() => void process.umask(old));
  await new AtomicWriter(dir).write(payload({ ro: ['x', 0o400], open: ['y', 0o666], exec: ['z', 0o755] }));
  const mode = async (n: string): Promise<number> => (await fs.stat(path.join(dir, n))).mode & 0o777;
  assert.deepEqual([await mode('ro'), await mode('open'), await mode('exec')], [0o400, 0o666, 0o755]);
});

test('setPerms sees the new payload before it becomes visible; leftovers of interrupted writes go', async (t) => {
  const dir = await tempRoot(t);
  await fs.mkdir(path.join(dir, '..2020_01_01_00_00_00.stale'));
  await fs.symlink('nowhere', path.join(dir, '..data_tmp'));
  const seen: string[] = [];
  const w = new AtomicWriter(dir, {
    setPerms: async (ts) => {
      seen.push(await fs.readFile(path.join(ts, 'k'), 'utf8'));
      assert.equal(await currentDataDir(dir), undefined);
    },
  });
  await w.write(payload({ k: 'v' }));
  assert.deepEqual(seen, ['v']);
  assert.deepEqual((await listing(dir)).filter((n) => n.startsWith('..')).length, 2);
});

test('payload paths are validated like upstream', async (t) => {
  const bad: Array<[string, RegExp]> = [
    ['', /must not be empty/],
    ['/abs', /must be relative path/],
    ['a/../b', /must not contain '\.\.'/],
    ['..hidden', /must not start with '\.\.'/],
    ['x'.repeat(256), /filenames must be less than or equal to 255/],
    ['a/'.repeat(2100), /must be less than or equal to 4096 characters/],
  ];
  for (const [p, re] of bad) assert.throws(() => validatePayloadPath(p), re, p);
  assert.doesNotThrow(() => validatePayloadPath('.dotfile'));
  const dir = await tempRoot(t);
  await assert.rejects(new AtomicWriter(dir).write(payload({ '../escape': 'x' })), /must not contain/);
  assert.deepEqual(await listing(dir), []);
});
