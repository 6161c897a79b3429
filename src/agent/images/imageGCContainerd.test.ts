// Image GC against a private containerd (needs root): the real CRI shapes — ListContainers'
// image_ref matched to ListImages' IDs, ImageFsInfo's mountpoint, RemoveImage by ID. Only the
// disk usage is faked (a "full" image filesystem), so that the collection has to run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ContainerConfig, PodSandboxConfig } from '../cri/api.js';
import { CriClient } from '../cri/criClient.js';
import { ImageGCManager } from './imageGC.js';
import { importImageArchive } from './importImage.js';
import { writeImageArchive, type ImageDescription } from './ociImage.js';
import { ensurePauseImage, PAUSE_IMAGE } from './pauseImage.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from './testContainerd.js';

const skip = containerdSkipReason();

const image = (name: string): ImageDescription => ({ name, busybox: true, files: [{ path: '/name', content: `${name}\n` }], config: { Cmd: ['sh'] } });

describe('image GC on containerd', { skip, timeout: 120_000 }, () => {
  let c: TestContainerd;
  let cri: CriClient;
  let work: string;
  before(async () => {
    c = await startTestContainerd();
    cri = new CriClient(c.socket);
    work = mkdtempSync(join(tmpdir(), 'skiff-igc-'));
  });
  after(async () => {
    if (cri) {
      for (const s of await cri.listPodSandbox().catch(() => [])) {
        await cri.stopPodSandbox(s.id).catch(() => undefined);
        await cri.removePodSandbox(s.id).catch(() => undefined);
      }
      cri.close();
    }
    await c?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('unused images are removed; one a container (even a stopped one) uses and the pinned sandbox image stay', async () => {
    await ensurePauseImage(c.socket, {});
    const archive = join(work, 'imgs.tar');
    writeImageArchive(archive, [image('localhost/igc/used:1'), image('localhost/igc/unused:1')]);
    await importImageArchive(c.socket, archive);
    const used = await cri.imageStatus('localhost/igc/used:1');
    const unused = await cri.imageStatus('localhost/igc/unused:1');
    assert.ok(used && unused);

    // A host-network sandbox (no CNI needed) with a created, never started, container.
    const sandbox: PodSandboxConfig = {
      metadata: { name: 'igc', uid: 'igc-uid', namespace: 'default', attempt: 0 },
      hostname: '', // a host-network sandbox shares the host's UTS namespace
      log_directory: join(work, 'logs'),
      port_mappings: [],
      labels: {},
      annotations: {},
      linux: { cgroup_parent: '', security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
    } as unknown as PodSandboxConfig;
    const sandboxId = await cri.runPodSandbox(sandbox);
    const container = { metadata: { name: 'app', attempt: 0 }, image: { image: used.id }, command: ['sh'], args: [], envs: [], mounts: [], labels: {}, annotations: {}, log_path: 'app/0.log', linux: {} } as unknown as ContainerConfig;
    await cri.createContainer(sandboxId, container, sandbox);

    const mountpoints: string[] = [];
    const gc = new ImageGCManager({
      runtime: cri,
      pinned: [PAUSE_IMAGE],
      minAgeMs: 0,
      fsStats: async (path) => {
        mountpoints.push(path);
        return { capacityBytes: 1_000_000_000, availableBytes: 0 };
      },
    });
    await gc.detectImages();
    // Wants far more than exists: every eligible image goes, then the shortfall is reported.
    await assert.rejects(gc.garbageCollect(), /^Error: Failed to garbage collect required amount of images\. Attempted to free 200000000 bytes, but only found \d+ bytes eligible to free\.$/);
    assert.equal(mountpoints.length, 1);
    assert.ok(existsSync(mountpoints[0]), `the ImageFsInfo mountpoint ${mountpoints[0]} exists`);
    const left = await cri.listImages();
    assert.ok(left.some((i) => i.id === used.id), 'the image of a container stays');
    assert.ok(!left.some((i) => i.id === unused.id), 'the unused image is gone');
    assert.ok(await cri.imageStatus(PAUSE_IMAGE), 'the sandbox image stays');
  });
});
