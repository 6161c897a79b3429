// Upstream's AtomicWriter (pkg/volume/util/atomic_writer.go): the files of a configMap,
// secret, downwardAPI or projected volume are written to a fresh hidden directory
// `..<UTC timestamp>.<random>`, and become visible at once by renaming a temporary
// symlink `..data_tmp` over `..data`. The user-visible names are symlinks
// `key -> ..data/key` (only the first path element is linked: `a/b` shows as `a -> ..data/a`).
// After the swap, user-visible links no longer in the payload and the previous
// timestamped directory are removed. A write whose files (contents and modes) match what
// is on disk does nothing, so consumers watching `..data` see only real changes.
// Paths starting with `..` are reserved. Not safe for concurrent writes to one directory:
// callers serialise them.
import { constants as fsc } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** File mode bits (e.g. 0o644). */
  mode: number;
}

export type Payload = Map<string, FileProjection>;

const dataDirName = '..data';
const newDataDirName = '..data_tmp';
const maxFileNameLength = 255;
const maxPathLength = 4096;

/** validatePath: relative, no `..` element, not starting with `..`, length limits. */
export function validatePayloadPath(p: string): void {
  if (p === '') throw new Error(`invalid path: must not be empty: ""`);
  if (path.posix.isAbsolute(p)) throw new Error(`invalid path: must be relative path: ${p}`);
  if (p.length > maxPathLength) throw new Error(`invalid path: must be less than or equal to ${maxPathLength} characters`);
  const items = p.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${p}`);
    if (item.length > maxFileNameLength) throw new Error(`invalid path: filenames must be less than or equal to ${maxFileNameLength} characters`);
  }
  if (items[0].startsWith('..') && items[0].length > 2) throw new Error(`invalid path: must not start with '..': ${p}`);
}

/** filepath.Clean for relative paths. */
function cleanRelative(p: string): string {
  const n = path.posix.normalize(p);
  return n.endsWith('/') && n.length > 1 ? n.slice(0, -1) : n;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Go's `..2006_01_02_15_04_05.` prefix for the timestamped directory. */
function tsPrefix(ms: number): string {
  const d = new Date(ms);
  return `..${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}.`;
}

const isErrno = (err: unknown, code: string): boolean => (err as NodeJS.ErrnoException | undefined)?.code === code;

export interface AtomicWriterOptions {
  /** Called on the new timestamped directory before it becomes visible (ownership, fsGroup). */
  setPerms?: (tsDir: string) => Promise<void>;
  now?: () => number;
}

export class AtomicWriter {
  constructor(
    readonly targetDir: string,
    private readonly opts: AtomicWriterOptions = {},
  ) {}

  /** Projects `payload` into the target directory; resolves true when anything changed on disk. */
  async write(payload: Payload): Promise<boolean> {
    const clean: Payload = new Map();
    for (const [p, proj] of payload) {
      validatePayloadPath(p);
      clean.set(cleanRelative(p), proj);
    }
    await fs.access(this.targetDir);
    const dataDirPath = path.join(this.targetDir, dataDirName);
    let oldTsDir = '';
    try {
      oldTsDir = await fs.readlink(dataDirPath);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    const oldTsPath = oldTsDir ? path.join(this.targetDir, oldTsDir) : '';
    let toRemove = new Set<string>();
    if (oldTsPath) {
      toRemove = await this.pathsToRemove(clean, oldTsPath);
      const should = (await this.payloadDiffers(clean, oldTsPath)) || (await this.visibleLinksMissing(clean));
      if (!should && toRemove.size === 0) return false;
    }

    const tsDir = await fs.mkdtemp(path.join(this.targetDir, tsPrefix((this.opts.now ?? Date.now)())));
    const tsDirName = path.basename(tsDir);
    try {
      // 0755 so group and other can traverse it whatever the umask.
      await fs.chmod(tsDir, 0o755);
      await writePayloadToDir(clean, tsDir);
      if (this.opts.setPerms) await this.opts.setPerms(tsDir);
      await this.createUserVisibleFiles(clean);
      const newDataDirPath = path.join(this.targetDir, newDataDirName);
      await fs.rm(newDataDirPath, { force: true });
      await fs.symlink(tsDirName, newDataDirPath);
      try {
        await fs.rename(newDataDirPath, dataDirPath);
      } catch (err) {
        await fs.rm(newDataDirPath, { force: true });
        throw err;
      }
    } catch (err) {
      await fs.rm(tsDir, { recursive: true, force: true });
      throw err;
    }
    for (const p of toRemove) {
      // Only links in the volume root are user-visible; deeper paths went with the old dir.
      if (!p.includes('/')) await fs.rm(path.join(this.targetDir, p), { force: true });
    }
    // The previous payload, and any left by an interrupted earlier write.
    for (const entry of await fs.readdir(this.targetDir, { withFileTypes: true })) {
      if (entry.name.startsWith('..') && entry.isDirectory() && entry.name !== tsDirName) {
        await fs.rm(path.join(this.targetDir, entry.name), { recursive: true, force: true });
      }
    }
    return true;
  }

  /** Everything under the old payload dir that the new payload (and its parent dirs) lacks. */
  private async pathsToRemove(payload: Payload, oldTsPath: string): Promise<Set<string>> {
    const existing = new Set<string>();
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return;
        throw err;
      }
      for (const e of entries) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        existing.add(r);
        if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      }
    };
    await walk(oldTsPath, '');
    const wanted = new Set<string>();
    for (const file of payload.keys()) {
      for (let sub = file; sub !== '' && sub !== '.'; sub = path.posix.dirname(sub)) wanted.add(sub);
    }
    return new Set([...existing].filter((p) => !wanted.has(p)));
  }

  private async payloadDiffers(payload: Payload, oldTsPath: string): Promise<boolean> {
    for (const [p, proj] of payload) {
      const full = path.join(oldTsPath, p);
      let st;
      try {
        st = await fs.lstat(full);
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return true;
        throw err;
      }
      if (!st.isFile() || (st.mode & 0o7777) !== (proj.mode & 0o7777)) return true;
      if (!proj.data.equals(await fs.readFile(full))) return true;
    }
    return false;
  }

  private async visibleLinksMissing(payload: Payload): Promise<boolean> {
    for (const p of payload.keys()) {
      try {
        await fs.lstat(path.join(this.targetDir, p.split('/')[0]));
      } catch (err) {
        if (isErrno(err, 'ENOENT')) return true;
        throw err;
      }
    }
    return false;
  }

  /** `name -> ..data/name` for each first path element not yet linked. */
  private async createUserVisibleFiles(payload: Payload): Promise<void> {
    for (const p of payload.keys()) {
      const linkName = p.split('/')[0];
      const visible = path.join(this.targetDir, linkName);
      try {
        await fs.lstat(visible);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
        await fs.symlink(path.posix.join(dataDirName, linkName), visible);
      }
    }
  }
}

async function writePayloadToDir(payload: Payload, dir: string): Promise<void> {
  for (const [p, proj] of payload) {
    const full = path.join(dir, p);
    await fs.mkdir(path.dirname(full), { recursive: true, mode: 0o755 });
    // O_EXCL|O_NOFOLLOW: the directory is brand new, so anything already there is an attack.
    const fh = await fs.open(full, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, proj.mode & 0o7777);
    try {
      await fh.writeFile(proj.data);
    } finally {
      await fh.close();
    }
    // The umask applied at create time; the mode asked for is what must stick.
    await fs.chmod(full, proj.mode & 0o7777);
  }
}

/** Where `..data` of an atomic-writer directory points (undefined before the first write). */
export async function currentDataDir(targetDir: string): Promise<string | undefined> {
  try {
    return await fs.readlink(path.join(targetDir, dataDirName));
  } catch {
    return undefined;
  }
}
