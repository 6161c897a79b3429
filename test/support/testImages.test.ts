// Needs root and containerd: runs each stand-in image in a private containerd.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCtr } from '../../src/agent/images/ctr.js';
import { importImageArchive } from '../../src/agent/images/importImage.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../../src/agent/images/testContainerd.js';
import { TEST_IMAGE_NAMES, testImageDescriptions, writeTestImagesArchive } from './testImages.js';

const skip = containerdSkipReason();

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('stand-in test images', { skip }, () => {
  let c: TestContainerd;
  let work: string;
  before(async () => {
    c = await startTestContainerd();
    work = mkdtempSync(join(tmpdir(), 'skiff-testimg-'));
    const archive = join(work, 'all.tar');
    writeTestImagesArchive(archive);
    const names = (await importImageArchive(c.socket, archive)).map((i) => i.name);
    assert.deepEqual(names, testImageDescriptions().map((d) => d.name));
  });
  after(async () => {
    await c?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function stopsOnSigterm(id: string): Promise<void> {
    await runCtr(c.socket, ['tasks', 'kill', '-s', 'SIGTERM', id]);
    await until(`${id} to stop on SIGTERM`, async () => new RegExp(`^${id}\\s+\\d+\\s+STOPPED`, 'm').test((await runCtr(c.socket, ['tasks', 'ls'])).stdout));
    await runCtr(c.socket, ['tasks', 'delete', id]);
    await runCtr(c.socket, ['containers', 'delete', id]);
  }

  for (const name of [TEST_IMAGE_NAMES.nginx, TEST_IMAGE_NAMES.nginxSlim]) {
    test(`${name} serves "Welcome to nginx!" on port 80 and stops on SIGTERM`, async () => {
      const id = name.includes('slim') ? 'nginx-slim' : 'nginx';
      // ctr gives the container its own network namespace (loopback only), so port 80 is its own.
      await runCtr(c.socket, ['run', '-d', name, id]);
      await until('httpd to answer', async () => {
        const r = await runCtr(c.socket, ['tasks', 'exec', '--exec-id', `w${Date.now()}`, id, 'wget', '-qO-', 'http://127.0.0.1/']).catch(() => undefined);
        return r !== undefined && r.stdout.includes('<title>Welcome to nginx!</title>');
      });
      const v = await runCtr(c.socket, ['tasks', 'exec', '--exec-id', 'v', id, 'nginx', '-v']);
      assert.match(v.stderr, /^nginx version: nginx\//);
      await stopsOnSigterm(id);
    });
  }

  test('busybox and alpine run shell commands with PATH set; alpine says it is alpine', async () => {
    const out = await runCtr(c.socket, ['run', '--rm', TEST_IMAGE_NAMES.alpine, 'alpine', 'cat', '/etc/alpine-release']);
    assert.equal(out.stdout, '3.18.4\n');
    const sh = await runCtr(c.socket, ['run', '--rm', TEST_IMAGE_NAMES.busybox, 'bb', 'sh', '-c', 'echo $PATH; id -u']);
    assert.equal(sh.stdout, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n0\n');
  });

  test('localhost/skiff/test:1 runs until SIGTERM', async () => {
    await runCtr(c.socket, ['run', '-d', TEST_IMAGE_NAMES.test, 'skiff-test']);
    assert.match((await runCtr(c.socket, ['tasks', 'ls'])).stdout, /^skiff-test\s+\d+\s+RUNNING/m);
    await stopsOnSigterm('skiff-test');
  });
});
