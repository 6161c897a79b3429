import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, flushAsync } from '../../client/testing/fakeClock.js';
import { ImageGCManager, startImageGC, type ImageGCOptions, type ImageGCRuntime } from './imageGC.js';

interface FakeImage {
  id: string;
  tags: string[];
  size: number;
  pinned?: boolean;
}

/** A runtime whose image filesystem holds `other` bytes besides its images, on a disk of `capacity` bytes. */
class FakeRuntime implements ImageGCRuntime {
  images: FakeImage[] = [];
  /** image_ref of every container (running or exited). */
  containers: string[] = [];
  removed: string[] = [];
  failRemoval = new Set<string>();

  constructor(
    readonly capacity: number,
    readonly other: number,
  ) {}

  async listImages(): Promise<Array<{ id: string; repo_tags: string[]; repo_digests: string[]; size: string; pinned: boolean }>> {
    return this.images.map((i) => ({ id: i.id, repo_tags: i.tags, repo_digests: [], size: String(i.size), pinned: i.pinned ?? false }));
  }

  async imageFsInfo(): Promise<{ image_filesystems: Array<{ fs_id: { mountpoint: string }; used_bytes: { value: string } }> }> {
    return { image_filesystems: [{ fs_id: { mountpoint: '/var/lib/fake/snapshots' }, used_bytes: { value: String(this.used() - this.other) } }] };
  }

  async listContainers(): Promise<Array<{ image_ref: string }>> {
    return this.containers.map((image_ref) => ({ image_ref }));
  }

  async removeImage(id: string): Promise<void> {
    if (this.failRemoval.has(id)) throw new Error(`failed to remove image "${id}": image is busy`);
    this.removed.push(id);
    this.images = this.images.filter((i) => i.id !== id);
  }

  used(): number {
    return this.other + this.images.reduce((n, i) => n + i.size, 0);
  }
}

function setup(capacity: number, other: number, extra: Partial<ImageGCOptions> = {}): { rt: FakeRuntime; clock: FakeClock; events: string[]; logs: string[]; opts: ImageGCOptions } {
  const rt = new FakeRuntime(capacity, other);
  const clock = new FakeClock();
  const events: string[] = [];
  const logs: string[] = [];
  const opts: ImageGCOptions = {
    runtime: rt,
    clock,
    pinned: ['localhost/skiff/pause:1'],
    log: (m) => logs.push(m),
    recordEvent: (type, reason, message) => events.push(`${type} ${reason} ${message}`),
    fsStats: async (path) => {
      assert.equal(path, '/var/lib/fake/snapshots');
      return { capacityBytes: rt.capacity, availableBytes: rt.capacity - rt.used() };
    },
    ...extra,
  };
  return { rt, clock, events, logs, opts };
}

test('below the high threshold nothing is removed', async () => {
  const { rt, opts } = setup(1000, 700);
  rt.images = [{ id: 'sha256:a', tags: ['docker.io/library/a:1'], size: 140 }];
  const gc = new ImageGCManager(opts);
  await gc.detectImages();
  await gc.garbageCollect(); // 84% used
  assert.deepEqual(rt.removed, []);
});

test('over the high threshold: unused images go, least recently used first, until usage is down to the low threshold', async () => {
  const { rt, clock, opts, events } = setup(1000, 410);
  rt.images = [
    { id: 'sha256:pause', tags: ['localhost/skiff/pause:1'], size: 100 },
    { id: 'sha256:running', tags: ['docker.io/library/nginx:1.14.2'], size: 100 },
    { id: 'sha256:exited', tags: ['docker.io/library/job:1'], size: 50 },
    { id: 'sha256:old', tags: ['docker.io/library/old:1'], size: 50 },
    { id: 'sha256:recent', tags: ['docker.io/library/recent:1'], size: 60 },
    { id: 'sha256:later', tags: ['docker.io/library/later:1'], size: 70 },
    { id: 'sha256:crpinned', tags: ['registry.k8s.io/pause:3.9'], size: 40, pinned: true },
  ];
  rt.containers = ['sha256:running', 'sha256:exited', 'sha256:recent'];
  const gc = new ImageGCManager(opts);
  await gc.detectImages(); // the first detection: every image counts as detected long ago
  clock.step(60_000);
  rt.containers = ['sha256:running', 'sha256:exited', 'sha256:later'];
  await gc.detectImages();
  clock.step(60_000);
  rt.containers = ['sha256:running', 'sha256:exited'];
  // A fresh pull, younger than minAge (2 min), is spared.
  rt.images.push({ id: 'sha256:fresh', tags: ['docker.io/library/fresh:1'], size: 30 });
  await gc.detectImages();
  // 910 of 1000 used (91% ≥ 85%): free 910 - 800 = 110 bytes: `old` (never used), then
  // `recent` (used 2 min ago); `later` (used 1 min ago) is not needed.
  await gc.garbageCollect();
  assert.deepEqual(rt.removed, ['sha256:old', 'sha256:recent']);
  assert.equal(rt.used(), 800);
  assert.deepEqual(events, []);
  // Everything unused and old enough, pinned and in-use images aside.
  clock.step(120_000);
  assert.equal(await gc.deleteUnusedImages(), 100);
  assert.deepEqual(rt.removed, ['sha256:old', 'sha256:recent', 'sha256:fresh', 'sha256:later']);
});

test('not enough to free: FreeDiskSpaceFailed with upstream\'s message, and the collection fails', async () => {
  const { rt, opts, events } = setup(1000, 800);
  rt.images = [
    { id: 'sha256:used', tags: ['docker.io/library/app:1'], size: 100 },
    { id: 'sha256:spare', tags: ['docker.io/library/spare:1'], size: 40 },
  ];
  rt.containers = ['sha256:used'];
  const gc = new ImageGCManager(opts);
  await gc.detectImages();
  // 940 used: wants 940 - 800 = 140 bytes, only `spare` (40) may go.
  await assert.rejects(gc.garbageCollect(), { message: 'Failed to garbage collect required amount of images. Attempted to free 140 bytes, but only found 40 bytes eligible to free.' });
  assert.deepEqual(rt.removed, ['sha256:spare']);
  assert.deepEqual(events, ['Warning FreeDiskSpaceFailed Failed to garbage collect required amount of images. Attempted to free 140 bytes, but only found 40 bytes eligible to free.']);
});

test('removal errors do not stop the collection; they are reported together', async () => {
  const { rt, opts } = setup(1000, 800);
  rt.images = [
    { id: 'sha256:a', tags: ['docker.io/library/a:1'], size: 100 },
    { id: 'sha256:b', tags: ['docker.io/library/b:1'], size: 100 },
  ];
  rt.failRemoval.add('sha256:a');
  const gc = new ImageGCManager(opts);
  await gc.detectImages();
  await assert.rejects(gc.garbageCollect(), { message: 'wanted to free 200 bytes, but freed 100 bytes space with errors in image deletion: failed to remove image "sha256:a": image is busy' });
  assert.deepEqual(rt.removed, ['sha256:b']);
});

test('policy validation and a zero-capacity filesystem', async () => {
  const { opts, events } = setup(0, 0);
  assert.throws(() => new ImageGCManager({ ...opts, highThresholdPercent: 101 }), { message: 'invalid HighThresholdPercent 101, must be in range [0-100]' });
  assert.throws(() => new ImageGCManager({ ...opts, lowThresholdPercent: -1 }), { message: 'invalid LowThresholdPercent -1, must be in range [0-100]' });
  assert.throws(() => new ImageGCManager({ ...opts, highThresholdPercent: 70, lowThresholdPercent: 75 }), { message: 'LowThresholdPercent 75 can not be higher than HighThresholdPercent 70' });
  await assert.rejects(new ImageGCManager(opts).garbageCollect(), { message: 'invalid capacity 0 on image filesystem' });
  assert.deepEqual(events, ['Warning InvalidDiskCapacity invalid capacity 0 on image filesystem']);
});

test('startImageGC collects every period; two failures in a row record ImageGCFailed; stop ends it', async () => {
  const { rt, clock, opts, events } = setup(1000, 900, { periodMs: 300_000 });
  rt.images = [{ id: 'sha256:a', tags: ['docker.io/library/a:1'], size: 10 }];
  rt.containers = ['sha256:a'];
  const running = startImageGC(opts);
  await flushAsync(10);
  const failure = 'Failed to garbage collect required amount of images. Attempted to free 110 bytes, but only found 0 bytes eligible to free.';
  assert.deepEqual(events, [`Warning FreeDiskSpaceFailed ${failure}`]);
  await clock.advance(300_000);
  await flushAsync(10);
  assert.deepEqual(events, [`Warning FreeDiskSpaceFailed ${failure}`, `Warning FreeDiskSpaceFailed ${failure}`, `Warning ImageGCFailed ${failure}`]);
  // The container is gone: its image goes at the next round (it was detected at the first one, long ago).
  rt.containers = [];
  await clock.advance(300_000);
  await flushAsync(10);
  assert.deepEqual(rt.removed, ['sha256:a']);
  running.stop();
  assert.equal(clock.pending(), 0);
});

test('a high threshold of 100 disables image GC', () => {
  const { opts, clock, logs } = setup(1000, 999, { highThresholdPercent: 100 });
  startImageGC(opts).stop();
  assert.equal(clock.pending(), 0);
  assert.deepEqual(logs, ['ImageGCHighThresholdPercent is set 100, Disable image GC']);
});

test('the default filesystem stats come from statfs of the mountpoint', async () => {
  const { rt, opts, events } = setup(1, 0);
  class RootFs extends FakeRuntime {
    override async imageFsInfo(): Promise<{ image_filesystems: Array<{ fs_id: { mountpoint: string }; used_bytes: { value: string } }> }> {
      return { image_filesystems: [{ fs_id: { mountpoint: '/' }, used_bytes: { value: '0' } }] };
    }
  }
  const { fsStats: _statfsInstead, ...rest } = opts;
  void _statfsInstead;
  const gc = new ImageGCManager({ ...rest, runtime: new RootFs(0, 0) });
  // This machine's root filesystem has a real capacity (no InvalidDiskCapacity); with no
  // images there is nothing to free, whatever its usage.
  await gc.garbageCollect().catch((e: unknown) => assert.match(String(e), /Failed to garbage collect required amount of images/));
  assert.ok(!events.some((e) => e.includes('InvalidDiskCapacity')));
  assert.deepEqual(rt.removed, []);
});
