// Image garbage collection, as the kubelet's image GC manager (pkg/kubelet/images
// image_gc_manager.go) with its default policy: every 5 minutes, when the filesystem holding
// the images is at or over 85% used (100 − available·100/capacity, from statfs of the CRI
// ImageFsInfo mountpoint, as cadvisor measures it), delete images no container uses —
// running or exited — least recently used first (ties: first detected), skipping pinned ones
// and those detected less than 2 minutes ago, until enough is freed to get back to 80%.
// First-detected and last-used times live in memory only; images found by the first
// detection count as detected long ago, as upstream's zero time. A shortfall records Warning
// FreeDiskSpaceFailed ("Failed to garbage collect required amount of images. …") and, when
// it happens twice in a row, Warning ImageGCFailed with the same message, both on the Node.
import { statfs } from 'node:fs/promises';
import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';
import { normalizeImage } from '../imageName.js';

/** The CRI ImageService/RuntimeService calls the GC needs (CriClient has them, snake_case as on the wire). */
export interface ImageGCRuntime {
  listImages(): Promise<Array<{ id: string; repo_tags: string[]; repo_digests: string[]; size: string | number; pinned?: boolean }>>;
  imageFsInfo(): Promise<{ image_filesystems: Array<{ fs_id: { mountpoint: string } | null; used_bytes: { value: string | number } | null }> }>;
  /** Every container, running or not. */
  listContainers(): Promise<Array<{ image_ref: string; image?: { image: string } | null }>>;
  removeImage(image: string): Promise<void>;
}

/** Capacity and space available to unprivileged users of the filesystem at `path` (cadvisor's Capacity/Available). */
export interface FsStats {
  capacityBytes: number;
  availableBytes: number;
}

export type NodeEventRecorder = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ImageGCOptions {
  runtime: ImageGCRuntime;
  /** imageGCHighThresholdPercent (default 85; 100 disables image GC, as the kubelet). */
  highThresholdPercent?: number;
  /** imageGCLowThresholdPercent (default 80). */
  lowThresholdPercent?: number;
  /** imageMinimumGCAge (default 2 minutes). */
  minAgeMs?: number;
  /** ImageGCPeriod (default 5 minutes); images are detected on the same period. */
  periodMs?: number;
  /** Images never collected (the sandbox image), by name or ID. */
  pinned?: string[];
  log?: (msg: string) => void;
  /** Events on the Node (FreeDiskSpaceFailed, ImageGCFailed, InvalidDiskCapacity). */
  recordEvent?: NodeEventRecorder;
  /** Filesystem stats of a path (default: statfs). */
  fsStats?: (path: string) => Promise<FsStats>;
  clock?: Clock;
}

interface ImageRecord {
  /** ms since the epoch; 0: before the first detection ("unknown, in the past"). */
  firstDetected: number;
  /** 0 when never seen in use. */
  lastUsed: number;
  size: number;
  pinned: boolean;
}

export const defaultImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 2 * 60_000, periodMs: 5 * 60_000 };

async function statfsStats(path: string): Promise<FsStats> {
  const s = await statfs(path);
  return { capacityBytes: Number(s.blocks) * Number(s.bsize), availableBytes: Number(s.bavail) * Number(s.bsize) };
}

/** The GC decisions, without timers (startImageGC runs them on the period). */
export class ImageGCManager {
  readonly high: number;
  readonly low: number;
  private readonly minAgeMs: number;
  private readonly records = new Map<string, ImageRecord>();
  private readonly pinnedNames: Set<string>;
  private initialized = false;

  constructor(private readonly opts: ImageGCOptions) {
    this.high = opts.highThresholdPercent ?? defaultImageGCPolicy.highThresholdPercent;
    this.low = opts.lowThresholdPercent ?? defaultImageGCPolicy.lowThresholdPercent;
    this.minAgeMs = opts.minAgeMs ?? defaultImageGCPolicy.minAgeMs;
    if (this.high < 0 || this.high > 100) throw new Error(`invalid HighThresholdPercent ${this.high}, must be in range [0-100]`);
    if (this.low < 0 || this.low > 100) throw new Error(`invalid LowThresholdPercent ${this.low}, must be in range [0-100]`);
    if (this.low > this.high) throw new Error(`LowThresholdPercent ${this.low} can not be higher than HighThresholdPercent ${this.high}`);
    this.pinnedNames = new Set((opts.pinned ?? []).flatMap((n) => [n, normalizeImage(n)]));
  }

  private get clock(): Clock {
    return this.opts.clock ?? realClock;
  }

  private isPinned(img: { id: string; repo_tags: string[]; repo_digests: string[]; pinned?: boolean }): boolean {
    if (img.pinned === true || this.pinnedNames.has(img.id)) return true;
    return [...img.repo_tags, ...img.repo_digests].some((n) => this.pinnedNames.has(n) || this.pinnedNames.has(normalizeImage(n)));
  }

  /**
   * detectImages: records new images (first detected `at`, or long ago on the first run),
   * marks those used by any container as used now, forgets removed ones; returns the IDs in use.
   */
  async detectImages(at = this.initialized ? this.clock.now() : 0): Promise<Set<string>> {
    const [images, containers] = await Promise.all([this.opts.runtime.listImages(), this.opts.runtime.listContainers()]);
    const refs = new Set<string>();
    for (const c of containers) {
      if (c.image_ref) refs.add(c.image_ref);
      if (c.image?.image) refs.add(c.image.image);
    }
    const now = this.clock.now();
    const inUse = new Set<string>();
    const current = new Set<string>();
    for (const img of images) {
      current.add(img.id);
      let r = this.records.get(img.id);
      if (!r) this.records.set(img.id, (r = { firstDetected: at, lastUsed: 0, size: 0, pinned: false }));
      // containerd reports a container's image_ref as the image ID; tags and digests are matched for other runtimes.
      if (refs.has(img.id) || img.repo_digests.some((d) => refs.has(d)) || img.repo_tags.some((t) => refs.has(t))) {
        inUse.add(img.id);
        r.lastUsed = now;
      }
      r.size = Number(img.size) || 0;
      r.pinned = this.isPinned(img);
    }
    for (const id of [...this.records.keys()]) if (!current.has(id)) this.records.delete(id);
    this.initialized = true;
    return inUse;
  }

  /** ImageFsStats: the image filesystem's mountpoint (CRI ImageFsInfo) measured with statfs. */
  private async imageFsStats(): Promise<FsStats & { mountpoint: string; usedBytes: number }> {
    const info = await this.opts.runtime.imageFsInfo();
    const fs = info.image_filesystems[0];
    const mountpoint = fs?.fs_id?.mountpoint;
    if (!mountpoint) throw new Error('the runtime reported no image filesystem (ImageFsInfo)');
    const stats = await (this.opts.fsStats ?? statfsStats)(mountpoint);
    return { ...stats, mountpoint, usedBytes: Number(fs.used_bytes?.value ?? 0) };
  }

  /**
   * GarbageCollect: frees images when usage is at or over the high threshold; throws (after
   * the Events) when it could not get down to the low one.
   */
  async garbageCollect(): Promise<void> {
    const fs = await this.imageFsStats();
    const capacity = fs.capacityBytes;
    const available = Math.min(fs.availableBytes, capacity);
    if (capacity === 0) {
      const msg = 'invalid capacity 0 on image filesystem';
      this.opts.recordEvent?.('Warning', 'InvalidDiskCapacity', msg);
      throw new Error(msg);
    }
    const usagePercent = 100 - Math.trunc((available * 100) / capacity);
    if (usagePercent < this.high) return;
    const amountToFree = Math.trunc((capacity * (100 - this.low)) / 100) - available;
    this.opts.log?.(
      `Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold usage=${usagePercent} highThreshold=${this.high} amountToFree=${amountToFree} lowThreshold=${this.low} imagesUsedBytes=${fs.usedBytes} mountpoint=${fs.mountpoint}`,
    );
    const freed = await this.freeSpace(amountToFree, this.clock.now());
    if (freed < amountToFree) {
      const msg = `Failed to garbage collect required amount of images. Attempted to free ${amountToFree} bytes, but only found ${freed} bytes eligible to free.`;
      this.opts.recordEvent?.('Warning', 'FreeDiskSpaceFailed', msg);
      throw new Error(msg);
    }
  }

  /** Removes every unused image old enough (DeleteUnusedImages, the eviction manager's last resort). */
  async deleteUnusedImages(): Promise<number> {
    return this.freeSpace(Number.MAX_SAFE_INTEGER, this.clock.now());
  }

  /** freeSpace: removes eligible images in eviction order until `bytesToFree` are freed; returns the bytes freed. */
  private async freeSpace(bytesToFree: number, freeTime: number): Promise<number> {
    const inUse = await this.detectImages(freeTime);
    const candidates = [...this.records.entries()]
      .filter(([id, r]) => !inUse.has(id) && !r.pinned)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed || a.firstDetected - b.firstDetected);
    const errors: string[] = [];
    let freed = 0;
    for (const [id, r] of candidates) {
      // Used at this very detection, or pulled too recently (a container may be about to use it).
      if (r.lastUsed >= freeTime) continue;
      if (freeTime - r.firstDetected < this.minAgeMs) continue;
      this.opts.log?.(`Removing image to free bytes imageID=${id} size=${r.size}`);
      try {
        await this.opts.runtime.removeImage(id);
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
        continue;
      }
      this.records.delete(id);
      freed += r.size;
      if (freed >= bytesToFree) break;
    }
    if (errors.length > 0) {
      const aggregate = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
      throw Object.assign(new Error(`wanted to free ${bytesToFree} bytes, but freed ${freed} bytes space with errors in image deletion: ${aggregate}`), { freed });
    }
    return freed;
  }
}

export interface RunningImageGC {
  manager: ImageGCManager;
  stop(): void;
}

/**
 * Starts image GC: detection at once (images already present count as old), then a
 * collection every period, the first at once. A failure is logged; two in a row also
 * record Warning ImageGCFailed (the first may just be stats not being ready yet).
 */
export function startImageGC(opts: ImageGCOptions): RunningImageGC {
  const manager = new ImageGCManager(opts);
  const clock = opts.clock ?? realClock;
  const periodMs = opts.periodMs ?? defaultImageGCPolicy.periodMs;
  const log = opts.log ?? (() => undefined);
  let stopped = false;
  let timer: TimerHandle | undefined;
  if (manager.high === 100) {
    log('ImageGCHighThresholdPercent is set 100, Disable image GC');
    return { manager, stop: () => undefined };
  }
  let prevFailed = false;
  const round = async (): Promise<void> => {
    try {
      await manager.detectImages();
    } catch (e) {
      log(`Failed to monitor images: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      await manager.garbageCollect();
      prevFailed = false;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (prevFailed) {
        log(`Image garbage collection failed multiple times in a row: ${msg}`);
        opts.recordEvent?.('Warning', 'ImageGCFailed', msg);
      } else log(`Image garbage collection failed once. Stats initialization may not have completed yet: ${msg}`);
      prevFailed = true;
    }
  };
  const loop = (): void => {
    void round().finally(() => {
      if (!stopped) timer = clock.setTimeout(loop, periodMs);
    });
  };
  loop();
  return {
    manager,
    stop(): void {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
