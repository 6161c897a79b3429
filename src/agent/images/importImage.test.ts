// Needs root and containerd: imports into a private containerd started in a temp dir.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listImages, runCtr } from './ctr.js';
import { importImageArchive, importImagesDir, IMPORT_LEDGER, type ImportedImage } from './importImage.js';
import { buildImageParts, IMAGE_EPOCH, writeImageArchive, type ImageDescription } from './ociImage.js';
import { ensurePauseImage, PAUSE_IMAGE } from './pauseImage.js';
import { writeTar } from './tar.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from './testContainerd.js';

const skip = containerdSkipReason();
const LONG = `/opt/${'a'.repeat(80)}/${'b'.repeat(80)}/deep.txt`;

function image(name: string, extra: ImageDescription['files'] = []): ImageDescription {
  return { name, busybox: true, files: [{ path: LONG, content: `${name}\n` }, ...extra], config: { Cmd: ['sh'], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'] } };
}

async function run(c: TestContainerd, ref: string, id: string, cmd: string[]): Promise<string> {
  return (await runCtr(c.socket, ['run', '--rm', ref, id, ...cmd], { timeoutMs: 60_000 })).stdout;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('image import into containerd', { skip }, () => {
  let c: TestContainerd;
  let work: string;
  before(async () => {
    c = await startTestContainerd();
    work = mkdtempSync(join(tmpdir(), 'skiff-imp-'));
  });
  after(async () => {
    await c?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('an OCI archive with two images: both named, unpacked, runnable (PAX long paths included)', async () => {
    const file = join(work, 'two.tar');
    const parts = writeImageArchive(file, [image('localhost/skiff/one:1'), image('docker.io/library/two:latest')]);
    const progress: ImportedImage[] = [];
    const got = await importImageArchive(c.socket, file, (i) => progress.push(i));
    assert.deepEqual(
      got.map((i) => [i.name, i.digest]),
      parts.map((p) => [p.name, p.manifest.digest]),
    );
    assert.deepEqual(progress, got);
    for (const i of got) assert.match(i.size, /^\d+(\.\d+)? (B|KiB|MiB)$/);
    const listed = await listImages(c.socket);
    // CRI also indexes the image by its config digest (the image ID), as it does for pulls.
    assert.ok(listed.some((l) => l.name === parts[0].config.digest));
    assert.equal(await run(c, 'localhost/skiff/one:1', 'imp-one', ['cat', LONG]), 'localhost/skiff/one:1\n');
  });

  test('gzipped archives and docker save archives import too', async () => {
    const gz = join(work, 'gz.tar.gz');
    const tarFile = join(work, 'plain.tar');
    writeImageArchive(tarFile, image('localhost/skiff/gz:1'));
    writeFileSync(gz, gzipSync(readFileSync(tarFile)));
    assert.deepEqual((await importImageArchive(c.socket, gz)).map((i) => i.name), ['localhost/skiff/gz:1']);

    const p = buildImageParts(image('localhost/skiff/docker:1'));
    const hex = (d: string): string => d.slice('sha256:'.length);
    const manifest = [{ Config: `${hex(p.config.digest)}.json`, RepoTags: ['localhost/skiff/docker:1'], Layers: [`${hex(p.layers[0].digest)}/layer.tar`] }];
    const docker = join(work, 'docker.tar');
    writeFileSync(
      docker,
      writeTar([
        { type: 'file', path: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)), mode: 0o644, mtime: IMAGE_EPOCH },
        { type: 'file', path: `${hex(p.config.digest)}.json`, data: p.config.data, mode: 0o644, mtime: IMAGE_EPOCH },
        { type: 'dir', path: hex(p.layers[0].digest), mode: 0o755, mtime: IMAGE_EPOCH },
        { type: 'file', path: `${hex(p.layers[0].digest)}/layer.tar`, data: p.layers[0].data, mode: 0o644, mtime: IMAGE_EPOCH },
      ]),
    );
    const got = await importImageArchive(c.socket, docker);
    assert.deepEqual(got.map((i) => i.name), ['localhost/skiff/docker:1']);
    assert.equal(await run(c, 'localhost/skiff/docker:1', 'imp-docker', ['cat', LONG]), 'localhost/skiff/docker:1\n');
  });

  test('errors say which file and why', async () => {
    const junk = join(work, 'junk.tar');
    writeFileSync(junk, 'this is not a tar archive at all, just text that is long enough '.repeat(20));
    await assert.rejects(importImageArchive(c.socket, junk), new RegExp(`importing ${junk} into containerd at .*: not a tar archive`));
    await assert.rejects(importImageArchive(c.socket, join(work, 'missing.tar')), /image archive .*missing\.tar does not exist/);
    const fresh = mkdtempSync(join(tmpdir(), 'skiff-nosock-'));
    try {
      const good = join(work, 'good.tar');
      writeImageArchive(good, image('localhost/skiff/good:1'));
      await assert.rejects(importImageArchive(join(fresh, 'containerd.sock'), good), /importing .*good\.tar into containerd at .*containerd\.sock: containerd is not answering/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('importImagesDir imports each archive once, again when its images vanished, and reports broken ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-imgdir-'));
    try {
      writeImageArchive(join(dir, 'a.tar'), image('localhost/skiff/dir-a:1'));
      writeImageArchive(join(dir, 'b.tar'), image('localhost/skiff/dir-b:1'));
      writeFileSync(join(dir, 'c.tar'), 'broken');
      writeFileSync(join(dir, 'notes.txt'), 'not an archive name: ignored');
      const logs: string[] = [];
      const first = await importImagesDir(c.socket, dir, (m) => logs.push(m));
      assert.deepEqual(first.imported.map((i) => i.name), ['localhost/skiff/dir-a:1', 'localhost/skiff/dir-b:1']);
      assert.deepEqual(first.skipped, []);
      assert.deepEqual(first.failed.map((f) => f.file), ['c.tar']);
      assert.ok(logs.some((l) => /^imported localhost\/skiff\/dir-a:1 \(.+\) from /.test(l)));
      const ledger = JSON.parse(readFileSync(join(dir, IMPORT_LEDGER), 'utf8')) as Record<string, { sha256: string; size: number; images: string[] }>;
      assert.deepEqual(Object.keys(ledger).sort(), ['a.tar', 'b.tar']);
      assert.deepEqual(ledger['a.tar'].images, ['localhost/skiff/dir-a:1']);
      assert.match(ledger['a.tar'].sha256, /^[0-9a-f]{64}$/);

      const second = await importImagesDir(c.socket, dir);
      assert.deepEqual(second.imported, []);
      assert.deepEqual(second.skipped, ['a.tar', 'b.tar']);

      await runCtr(c.socket, ['images', 'rm', 'localhost/skiff/dir-b:1']);
      const third = await importImagesDir(c.socket, dir);
      assert.deepEqual(third.imported.map((i) => i.name), ['localhost/skiff/dir-b:1']);
      assert.deepEqual(third.skipped, ['a.tar']);

      // A changed file is imported again.
      writeImageArchive(join(dir, 'a.tar'), image('localhost/skiff/dir-a:2'));
      const fourth = await importImagesDir(c.socket, dir);
      assert.deepEqual(fourth.imported.map((i) => i.name), ['localhost/skiff/dir-a:2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('ensurePauseImage imports once; the pause process reaps zombies and exits on SIGTERM', async () => {
    assert.equal(await ensurePauseImage(c.socket), true);
    assert.equal(await ensurePauseImage(c.socket), false);
    assert.ok((await listImages(c.socket)).some((i) => i.name === PAUSE_IMAGE));
    await runCtr(c.socket, ['run', '-d', PAUSE_IMAGE, 'pause-test']);
    try {
      // An orphan re-parented to PID 1 must be reaped, not left a zombie.
      await runCtr(c.socket, ['tasks', 'exec', '--exec-id', 'orphan', 'pause-test', 'sh', '-c', 'sleep 0.1 & exit 0']);
      await waitFor('the orphan to be reaped', async () => {
        const ps = (await runCtr(c.socket, ['tasks', 'exec', '--exec-id', `ps${Date.now()}`, 'pause-test', 'ps', '-o', 'stat,comm'])).stdout;
        return !/\n\s*Z/.test(ps) && !/sleep 0\.1/.test(ps) && ps.split('\n').filter((l) => /sleep/.test(l)).length === 1;
      });
      await runCtr(c.socket, ['tasks', 'kill', '-s', 'SIGTERM', 'pause-test']);
      await waitFor('the pause task to stop on SIGTERM', async () => /STOPPED/.test((await runCtr(c.socket, ['tasks', 'ls'])).stdout));
    } finally {
      await runCtr(c.socket, ['tasks', 'delete', '-f', 'pause-test']).catch(() => undefined);
      await runCtr(c.socket, ['containers', 'delete', 'pause-test']).catch(() => undefined);
    }
  });
});
