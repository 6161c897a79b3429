// Importing image archives (OCI image layout or `docker save` tars, optionally gzipped)
// into containerd's `k8s.io` namespace, unpacked into the overlayfs snapshotter so CRI can
// create containers from them at once. This is k3s's airgap-images behaviour: archives in
// `<data-dir>/images/` are imported at start, and a file already imported (same size,
// same sha256) is not imported again.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CtrError, listImages, runCtr } from './ctr.js';

export interface ImportedImage {
  name: string;
  /** Digest of the image's manifest (or index). */
  digest: string;
  /** Content size as containerd reports it, e.g. "2.0 MiB" ('' when unknown). */
  size: string;
}

export interface ImportOptions {
  /** Snapshotter to unpack into; must be the CRI plugin's (FACTS: overlayfs). */
  snapshotter?: string;
}

const ARCHIVE_SUFFIXES = ['.tar', '.tar.gz', '.tgz'];

function isGzip(file: string): boolean {
  return file.endsWith('.gz') || file.endsWith('.tgz');
}

/**
 * Imports every image of one archive; resolves to the images it named, in archive order.
 * `onProgress` is called once per image after containerd has unpacked it.
 */
export async function importImageArchive(
  socket: string,
  file: string,
  onProgress?: (image: ImportedImage) => void,
  opts: ImportOptions = {},
): Promise<ImportedImage[]> {
  if (!existsSync(file)) throw new Error(`image archive ${file} does not exist`);
  if (!statSync(file).isFile()) throw new Error(`image archive ${file} is not a regular file`);
  if (!existsSync(socket)) throw new Error(`importing ${file} into containerd at ${socket}: containerd is not answering (no socket there)`);
  const imported: Array<{ name: string; digest: string }> = [];
  let input: Readable | undefined;
  let source = file;
  if (isGzip(file)) {
    // ctr reads a plain tar stream; gunzip on our side and feed it through stdin.
    input = createReadStream(file).pipe(createGunzip());
    source = '-';
  }
  try {
    await runCtr(socket, ['images', 'import', '--snapshotter', opts.snapshotter ?? 'overlayfs', source], {
      input,
      onStdoutLine: (line) => {
        // ctr prints "unpacking <name> (<digest>)...done" for each image it unpacks.
        const m = /^unpacking (\S+) \((sha256:[0-9a-f]{64})\)/.exec(line.trim());
        if (m) imported.push({ name: m[1], digest: m[2] });
      },
    });
  } catch (e) {
    const why = e instanceof CtrError ? explainCtrError(e.message) : e instanceof Error ? e.message : String(e);
    throw new Error(`importing ${file} into containerd at ${socket}: ${why}`);
  }
  if (imported.length === 0) {
    throw new Error(
      `importing ${file}: the archive named no images (an OCI archive needs the index annotation io.containerd.image.name, a docker archive needs RepoTags)`,
    );
  }
  const sizes = new Map((await listImages(socket).catch(() => [])).map((i) => [i.name, i.size]));
  const result = imported.map((i) => ({ ...i, size: sizes.get(i.name) ?? '' }));
  for (const r of result) onProgress?.(r);
  return result;
}

function explainCtrError(msg: string): string {
  if (/invalid tar header|unexpected EOF/.test(msg)) return `not a tar archive (${msg}); expected an OCI image layout or docker save tar`;
  if (/unrecognized image format|unsupported/.test(msg)) return `${msg}; expected an OCI image layout or docker save tar`;
  if (/connection refused|no such file or directory.*sock|context deadline exceeded/.test(msg)) return `containerd is not answering (${msg})`;
  return msg;
}

interface ImportRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
  images: string[];
}

type ImportLedger = Record<string, ImportRecord>;

export const IMPORT_LEDGER = '.imported.json';

function readLedger(dir: string): ImportLedger {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, IMPORT_LEDGER), 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ImportLedger) : {};
  } catch {
    return {};
  }
}

function writeLedger(dir: string, ledger: ImportLedger): void {
  const file = join(dir, IMPORT_LEDGER);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(ledger, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export interface ImportDirResult {
  imported: ImportedImage[];
  /** Archives skipped because they were already imported and their images are still present. */
  skipped: string[];
  /** Archives that failed, with why; the others are still imported. */
  failed: Array<{ file: string; error: string }>;
}

/**
 * Imports `<dir>/*.tar` (and .tar.gz/.tgz) in name order. An archive is skipped when the
 * ledger `<dir>/.imported.json` has the same size and sha256 for it and every image it
 * brought is still in containerd (so wiping containerd's root re-imports everything).
 * The sha256 is only recomputed when size or mtime changed.
 */
export async function importImagesDir(socket: string, dir: string, log?: (msg: string) => void, opts: ImportOptions = {}): Promise<ImportDirResult> {
  const result: ImportDirResult = { imported: [], skipped: [], failed: [] };
  if (!existsSync(dir)) return result;
  const files = readdirSync(dir)
    .filter((f) => !f.startsWith('.') && ARCHIVE_SUFFIXES.some((s) => f.endsWith(s)))
    .sort();
  if (files.length === 0) return result;
  const ledger = readLedger(dir);
  const present = new Set((await listImages(socket)).map((i) => i.name));
  const next: ImportLedger = {};
  for (const f of files) {
    const path = join(dir, f);
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      const prev = ledger[f];
      const sameStat = prev !== undefined && prev.size === st.size && prev.mtimeMs === st.mtimeMs;
      const sha = sameStat ? prev.sha256 : await fileSha256(path);
      if (prev && prev.size === st.size && prev.sha256 === sha && prev.images.every((n) => present.has(n))) {
        next[f] = { ...prev, mtimeMs: st.mtimeMs };
        result.skipped.push(f);
        continue;
      }
      const images = await importImageArchive(socket, path, (img) => log?.(`imported ${img.name} (${img.size}) from ${path}`), opts);
      result.imported.push(...images);
      next[f] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha, images: images.map((i) => i.name) };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      log?.(`image archive ${path} not imported: ${error}`);
      result.failed.push({ file: f, error });
    }
  }
  writeLedger(dir, next);
  return result;
}
