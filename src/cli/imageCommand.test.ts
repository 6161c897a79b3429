import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listImages } from '../agent/images/ctr.js';
import { writeImageArchive } from '../agent/images/ociImage.js';
import { containerdSkipReason, startTestContainerd } from '../agent/images/testContainerd.js';
import { imageCommand } from './imageCommand.js';

function capture(): { io: { out: (s: string) => void; err: (s: string) => void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { out: (s) => (out += s), err: (s) => (err += s) }, out: () => out, err: () => err };
}

test('usage errors exit 2 and say what is wrong', async () => {
  const a = capture();
  assert.equal(await imageCommand(['import'], a.io), 2);
  assert.match(a.err(), /name at least one archive/);
  const b = capture();
  assert.equal(await imageCommand(['push', 'x'], b.io), 2);
  assert.match(b.err(), /unknown subcommand "push"/);
  const c = capture();
  assert.equal(await imageCommand(['import', 'x.tar', '--bogus'], c.io), 2);
  assert.match(c.err(), /unknown flag: --bogus/);
  const d = capture();
  assert.equal(await imageCommand(['import', '--help'], d.io), 0);
  assert.match(d.out(), /^Usage: skiff image import FILE\.tar/);
});

test('without a running containerd it says how to proceed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
  try {
    const a = capture();
    assert.equal(await imageCommand(['import', 'x.tar', '--data-dir', dir], a.io), 1);
    assert.equal(
      a.err(),
      `skiff image import: skiff's containerd is not running (no answer on ${dir}/containerd/containerd.sock): start \`skiff server\` first, or drop the archive into ${dir}/images/ to import it at start\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('importing into a running containerd', { skip: containerdSkipReason() }, () => {
  test('prints one line per image and exits 0; a bad file makes it exit 1 after the others', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
    const c = await startTestContainerd({ dir: join(dataDir, 'containerd') });
    try {
      const file = join(dataDir, 'two.tar');
      writeImageArchive(file, [
        { name: 'localhost/skiff/cli-a:1', files: [{ path: '/a', content: 'a' }], config: {} },
        { name: 'localhost/skiff/cli-b:1', files: [{ path: '/b', content: 'b' }], config: {} },
      ]);
      const a = capture();
      assert.equal(await imageCommand(['import', file, '--data-dir', dataDir], a.io), 0);
      assert.match(a.out(), /^imported localhost\/skiff\/cli-a:1 \(\d+(\.\d+)? (B|KiB)\)\nimported localhost\/skiff\/cli-b:1 \(\d+(\.\d+)? (B|KiB)\)\n$/);
      const names = (await listImages(c.socket)).map((i) => i.name);
      assert.ok(names.includes('localhost/skiff/cli-a:1') && names.includes('localhost/skiff/cli-b:1'));
      const b = capture();
      assert.equal(await imageCommand(['import', join(dataDir, 'missing.tar'), file, `--data-dir=${dataDir}`], b.io), 1);
      assert.match(b.err(), /missing\.tar does not exist/);
      assert.equal(b.out().split('\n').filter(Boolean).length, 2);
    } finally {
      await c.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
