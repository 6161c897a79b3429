import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImageParts, busyboxApplets, imageLayoutArchive, IMAGE_EPOCH, MEDIA_TYPES, ociArchitecture, sha256, writeImageArchive, type ImageDescription } from './ociImage.js';
import { writeTar } from './tar.js';

const hasBusybox = existsSync('/bin/busybox');

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-oci-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const small: ImageDescription = {
  name: 'localhost/skiff/small:1',
  files: [
    { path: '/etc/greeting', content: 'hello\n', mode: 0o600 },
    { path: '/usr/local/bin/run', content: '#!/bin/sh\necho run\n', mode: 0o755 },
    { path: '/usr/local/bin/alias', symlink: 'run' },
    { path: '/var/empty', dir: true, mode: 0o711 },
  ],
  config: { Entrypoint: ['/usr/local/bin/run'], Cmd: ['a', 'b'], Env: ['A=1'], WorkingDir: '/srv', ExposedPorts: ['8080/tcp', '53/udp'], User: '65534' },
};

test('digests, sizes and diff_ids are consistent across manifest, config and layer', () => {
  const parts = buildImageParts(small);
  for (const b of [parts.manifest, parts.config, ...parts.layers]) {
    assert.equal(b.digest, sha256(b.data));
    assert.equal(b.size, b.data.length);
  }
  const manifest = JSON.parse(parts.manifest.data.toString()) as { schemaVersion: number; mediaType: string; config: { digest: string; size: number; mediaType: string }; layers: Array<{ digest: string; size: number; mediaType: string }> };
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.mediaType, MEDIA_TYPES.manifest);
  assert.deepEqual(manifest.config, { mediaType: MEDIA_TYPES.config, digest: parts.config.digest, size: parts.config.size });
  assert.deepEqual(manifest.layers, [{ mediaType: MEDIA_TYPES.layer, digest: parts.layers[0].digest, size: parts.layers[0].size }]);
  const config = JSON.parse(parts.config.data.toString()) as { os: string; architecture: string; rootfs: { type: string; diff_ids: string[] }; config: Record<string, unknown>; created: string };
  assert.equal(config.os, 'linux');
  assert.equal(config.architecture, ociArchitecture());
  // Uncompressed layer: its diff_id is its own digest.
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [parts.layers[0].digest] });
  assert.deepEqual(parts.diffIds, [parts.layers[0].digest]);
  assert.equal(config.created, '2024-01-01T00:00:00Z');
  assert.deepEqual(config.config, {
    User: '65534',
    ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
    Env: ['A=1'],
    Entrypoint: ['/usr/local/bin/run'],
    Cmd: ['a', 'b'],
    WorkingDir: '/srv',
  });
});

test('the layer is a tar that tar(1) reads: parents first, modes, symlinks and fixed mtimes', () => {
  withTmp((dir) => {
    const parts = buildImageParts(small);
    const layer = join(dir, 'layer.tar');
    writeFileSync(layer, parts.layers[0].data);
    const names = execFileSync('tar', ['-tf', layer], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(names, ['etc/', 'etc/greeting', 'usr/', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/alias', 'usr/local/bin/run', 'var/', 'var/empty/']);
    const root = join(dir, 'root');
    execFileSync('mkdir', [root]);
    execFileSync('tar', ['-xpf', layer, '-C', root]);
    assert.equal(readFileSync(join(root, 'etc/greeting'), 'utf8'), 'hello\n');
    assert.equal(lstatSync(join(root, 'etc/greeting')).mode & 0o7777, 0o600);
    assert.equal(lstatSync(join(root, 'usr/local/bin/run')).mode & 0o7777, 0o755);
    assert.equal(lstatSync(join(root, 'var/empty')).mode & 0o7777, 0o711);
    assert.equal(readlinkSync(join(root, 'usr/local/bin/alias')), 'run');
    assert.equal(Math.floor(lstatSync(join(root, 'etc/greeting')).mtimeMs / 1000), IMAGE_EPOCH);
  });
});

test('long and non-ASCII names and link targets survive through PAX headers', () => {
  withTmp((dir) => {
    const longDir = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
    const longName = `${longDir}/${'f'.repeat(90)}.txt`;
    const target = `/${'t'.repeat(120)}`;
    const tar = writeTar([
      { type: 'dir', path: longDir.split('/')[0], mode: 0o755, mtime: IMAGE_EPOCH },
      { type: 'dir', path: longDir, mode: 0o755, mtime: IMAGE_EPOCH },
      { type: 'file', path: longName, data: Buffer.from('x'), mode: 0o644, mtime: IMAGE_EPOCH },
      { type: 'file', path: 'café.txt', data: Buffer.from('é'), mode: 0o644, mtime: IMAGE_EPOCH },
      { type: 'symlink', path: 'link', target, mtime: IMAGE_EPOCH },
    ]);
    assert.equal(tar.length % 512, 0);
    const file = join(dir, 'a.tar');
    writeFileSync(file, tar);
    const listed = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listed, [`${longDir.split('/')[0]}/`, `${longDir}/`, longName, 'café.txt', 'link']);
    const out = join(dir, 'x');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', file, '-C', out]);
    assert.equal(readFileSync(join(out, longName), 'utf8'), 'x');
    assert.equal(readFileSync(join(out, 'café.txt'), 'utf8'), 'é');
    assert.equal(readlinkSync(join(out, 'link')), target);
  });
});

test('the OCI layout archive lists oci-layout, index.json and every blob; index names the image', () => {
  withTmp((dir) => {
    const file = join(dir, 'img.tar');
    const [parts] = writeImageArchive(file, small);
    const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    const blobNames = [parts.manifest, parts.config, parts.layers[0]].map((b) => `blobs/sha256/${b.digest.slice(7)}`).sort();
    assert.deepEqual(names, ['oci-layout', 'index.json', 'blobs/', 'blobs/sha256/', ...blobNames]);
    const index = JSON.parse(execFileSync('tar', ['-xOf', file, 'index.json'], { encoding: 'utf8' })) as { schemaVersion: number; manifests: Array<{ digest: string; size: number; mediaType: string; annotations: Record<string, string> }> };
    assert.equal(index.schemaVersion, 2);
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].digest, parts.manifest.digest);
    assert.equal(index.manifests[0].size, parts.manifest.size);
    assert.equal(index.manifests[0].mediaType, MEDIA_TYPES.manifest);
    assert.deepEqual(index.manifests[0].annotations, { 'io.containerd.image.name': 'localhost/skiff/small:1', 'org.opencontainers.image.ref.name': '1' });
    assert.deepEqual(JSON.parse(execFileSync('tar', ['-xOf', file, 'oci-layout'], { encoding: 'utf8' })), { imageLayoutVersion: '1.0.0' });
    // Every blob in the archive hashes to its file name.
    for (const n of blobNames) assert.equal(sha256(execFileSync('tar', ['-xOf', file, n], { maxBuffer: 64 << 20 })), `sha256:${n.slice('blobs/sha256/'.length)}`);
  });
});

test('building twice gives identical bytes; shared blobs are stored once in a multi-image archive', () => {
  const a = imageLayoutArchive([buildImageParts(small)]);
  const b = imageLayoutArchive([buildImageParts(small)]);
  assert.ok(a.equals(b));
  const other = buildImageParts({ ...small, name: 'localhost/skiff/small:2' });
  const both = imageLayoutArchive([buildImageParts(small), other]);
  // Same content under another name: same manifest, so only index.json grows.
  assert.equal(other.manifest.digest, buildImageParts(small).manifest.digest);
  assert.ok(both.length - a.length < 1024);
});

test('image names must be full references', () => {
  assert.throws(() => buildImageParts({ ...small, name: 'busybox' }), /must be a full reference/);
  assert.throws(() => buildImageParts({ ...small, name: 'docker.io/library/busybox' }), /must be a full reference/);
  assert.throws(() => buildImageParts({ ...small, files: [{ path: '/../etc/x', content: '' }] }), /must not contain "\.\."/);
});

test('busybox rootfs: the binary, one symlink per applet, passwd/group, /tmp sticky', { skip: hasBusybox ? false : '/bin/busybox is missing (apt-get install -y busybox-static)' }, () => {
  withTmp((dir) => {
    const parts = buildImageParts({ name: 'localhost/skiff/bb:1', busybox: true, config: { Cmd: ['sh'] } });
    const layer = join(dir, 'layer.tar');
    writeFileSync(layer, parts.layers[0].data);
    const root = join(dir, 'root');
    execFileSync('mkdir', [root]);
    execFileSync('tar', ['-xpf', layer, '-C', root]);
    assert.ok(readFileSync(join(root, 'bin/busybox')).equals(readFileSync('/bin/busybox')));
    const applets = busyboxApplets();
    assert.ok(applets.includes('bin/sh'));
    for (const a of applets) assert.equal(readlinkSync(join(root, a)), '/bin/busybox', a);
    assert.match(readFileSync(join(root, 'etc/passwd'), 'utf8'), /^root:x:0:0:/);
    assert.match(readFileSync(join(root, 'etc/group'), 'utf8'), /^root:x:0:/);
    assert.equal(lstatSync(join(root, 'tmp')).mode & 0o7777, 0o1777);
    // Explicit files override the busybox defaults.
    const custom = buildImageParts({ name: 'localhost/skiff/bb:2', busybox: true, files: [{ path: '/etc/passwd', content: 'x\n' }], config: {} });
    const cl = join(dir, 'custom.tar');
    writeFileSync(cl, custom.layers[0].data);
    assert.equal(execFileSync('tar', ['-xOf', cl, 'etc/passwd'], { encoding: 'utf8' }), 'x\n');
  });
});
