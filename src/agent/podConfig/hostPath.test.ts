import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkHostPathType } from './hostPath.js';
import { tempRoot } from './testing/fixtures.js';

test('DirectoryOrCreate / FileOrCreate create what is missing with upstream modes', async (t) => {
  const root = await tempRoot(t);
  const old = process.umask(0o022);
  t.after(() => void process.umask(old));
  const dir = path.join(root, 'a/b/c');
  await checkHostPathType(dir, 'DirectoryOrCreate');
  assert.equal((await fs.stat(dir)).mode & 0o777, 0o755);
  await checkHostPathType(dir, 'DirectoryOrCreate');
  const file = path.join(root, 'f.sock');
  await checkHostPathType(file, 'FileOrCreate');
  assert.equal((await fs.stat(file)).size, 0);
  assert.equal((await fs.stat(file)).mode & 0o777, 0o644);
  // FileOrCreate does not create the parent directory.
  await assert.rejects(checkHostPathType(path.join(root, 'missing/f'), 'FileOrCreate'), { code: 'ENOENT' });
  await assert.rejects(checkHostPathType(file, 'DirectoryOrCreate'), { message: `hostPath type check failed: ${file} is not a directory, it's a File` });
  await assert.rejects(checkHostPathType(dir, 'FileOrCreate'), { message: `hostPath type check failed: ${dir} is not a file, it's a Directory` });
});

test('existing-type checks, with upstream texts', async (t) => {
  const root = await tempRoot(t);
  const file = path.join(root, 'file');
  await fs.writeFile(file, 'x');
  const sock = path.join(root, 's.sock');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const link = path.join(root, 'link-to-dir');
  await fs.symlink(root, link);

  await checkHostPathType(root, 'Directory');
  await checkHostPathType(link, 'Directory');
  await checkHostPathType(file, 'File');
  await checkHostPathType(sock, 'Socket');
  await checkHostPathType('/dev/null', 'CharDevice');
  await checkHostPathType(path.join(root, 'anything'), '');

  const missing = path.join(root, 'nope');
  for (const type of ['Directory', 'File', 'Socket', 'CharDevice', 'BlockDevice']) {
    await assert.rejects(checkHostPathType(missing, type), { message: `hostPath ${missing} doesn't exist` });
  }
  await assert.rejects(checkHostPathType(file, 'Directory'), { message: `hostPath type check failed: ${file} is not a directory, it's a File` });
  await assert.rejects(checkHostPathType(root, 'File'), { message: `hostPath type check failed: ${root} is not a file, it's a Directory` });
  await assert.rejects(checkHostPathType(file, 'Socket'), { message: `hostPath type check failed: ${file} is not a socket file, it's a File` });
  await assert.rejects(checkHostPathType(sock, 'CharDevice'), { message: `hostPath type check failed: ${sock} is not a character device, it's a Socket` });
  await assert.rejects(checkHostPathType('/dev/null', 'BlockDevice'), { message: "hostPath type check failed: /dev/null is not a block device, it's a CharDevice" });
  await assert.rejects(checkHostPathType(root, 'Dir'), { message: 'Dir is an invalid volume type' });
});
