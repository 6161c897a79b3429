// Builds reproducible OCI images without a registry or a container builder: one
// uncompressed layer, an OCI image config and manifest, and an OCI image-layout archive
// (`oci-layout`, `index.json`, `blobs/sha256/…`) that `ctr images import` accepts. The
// index annotation `io.containerd.image.name` carries the full reference, which is what
// containerd's importer names the image after (`org.opencontainers.image.ref.name` alone
// would only give it a tag).
//
// Every timestamp is fixed (IMAGE_EPOCH), entries are sorted, and JSON is written with a
// fixed key order, so the same description on the same host gives the same bytes and digests.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { findProgram } from '../hostDependencies.js';
import { writeTar, type TarEntry } from './tar.js';

/** 2024-01-01T00:00:00Z: the mtime of every layer entry and the image's `created`. */
export const IMAGE_EPOCH = 1704067200;
const CREATED = new Date(IMAGE_EPOCH * 1000).toISOString().replace('.000Z', 'Z');

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export type ImageFile =
  | { path: string; content: string | Buffer; mode?: number; uid?: number; gid?: number }
  | { path: string; hostFile: string; mode?: number; uid?: number; gid?: number }
  | { path: string; symlink: string }
  | { path: string; dir: true; mode?: number; uid?: number; gid?: number };

export interface ImageRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  /** e.g. ["80/tcp"] */
  ExposedPorts?: string[];
  User?: string;
  StopSignal?: string;
  Labels?: Record<string, string>;
}

export interface ImageDescription {
  /** Full reference, e.g. docker.io/library/busybox:latest */
  name: string;
  files?: ImageFile[];
  /** Add /bin/busybox from the host, one symlink per applet, /etc/passwd, /etc/group, /tmp. */
  busybox?: boolean;
  /** Where the host's static busybox is (default: busybox on PATH, else /bin/busybox). */
  busyboxPath?: string;
  config: ImageRuntimeConfig;
}

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  data: Buffer;
}

export interface ImageParts {
  name: string;
  manifest: Blob;
  config: Blob;
  layers: Blob[];
  /** rootfs.diff_ids: for an uncompressed layer, the layer digest itself. */
  diffIds: string[];
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function blob(mediaType: string, data: Buffer): Blob {
  return { mediaType, digest: sha256(data), size: data.length, data };
}

/** Go's GOARCH names, which image configs and platform matchers use. */
export function ociArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

/** The host's busybox (busybox-static puts it in /bin). */
export function defaultBusybox(): string {
  return findProgram('busybox') ?? '/bin/busybox';
}

const busyboxCache = new Map<string, string[]>();

/** The applet paths busybox installs (`bin/sh`, `usr/bin/wget`, …), without leading slashes. */
export function busyboxApplets(busyboxPath = defaultBusybox()): string[] {
  let list = busyboxCache.get(busyboxPath);
  if (!list) {
    let out: string;
    try {
      out = execFileSync(busyboxPath, ['--list-full'], { encoding: 'utf8' });
    } catch (e) {
      throw new Error(`cannot list busybox applets with ${busyboxPath} --list-full (install busybox-static): ${e instanceof Error ? e.message : String(e)}`);
    }
    list = out.split('\n').map((l) => l.trim().replace(/^\/+/, '')).filter((l) => l !== '' && l !== 'bin/busybox');
    busyboxCache.set(busyboxPath, list);
  }
  return list;
}

function busyboxFiles(busyboxPath: string): ImageFile[] {
  const files: ImageFile[] = [
    { path: '/bin/busybox', hostFile: busyboxPath, mode: 0o755 },
    { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n', mode: 0o644 },
    { path: '/etc/group', content: 'root:x:0:\nnobody:x:65534:\n', mode: 0o644 },
    { path: '/tmp', dir: true, mode: 0o1777 },
    { path: '/root', dir: true, mode: 0o700 },
    { path: '/home', dir: true, mode: 0o755 },
  ];
  for (const applet of busyboxApplets(busyboxPath)) files.push({ path: `/${applet}`, symlink: '/bin/busybox' });
  return files;
}

function normalizePath(p: string): string {
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.length === 0 || parts.includes('..')) throw new Error(`image file path "${p}" must be absolute-like and must not contain ".."`);
  return parts.join('/');
}

function comparePaths(a: string, b: string): number {
  // Component-wise, so a directory always precedes its contents ("bin" < "bin/sh" < "bin-x").
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** The layer's tar entries: explicit files win over busybox defaults; missing parent dirs are added (0755). */
export function layerEntries(desc: Pick<ImageDescription, 'files' | 'busybox' | 'busyboxPath'>): TarEntry[] {
  const byPath = new Map<string, ImageFile>();
  if (desc.busybox) for (const f of busyboxFiles(desc.busyboxPath ?? defaultBusybox())) byPath.set(normalizePath(f.path), f);
  for (const f of desc.files ?? []) byPath.set(normalizePath(f.path), f);
  const entries = new Map<string, TarEntry>();
  const addParents = (p: string): void => {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!entries.has(dir) && !byPath.has(dir)) entries.set(dir, { type: 'dir', path: dir, mode: 0o755, mtime: IMAGE_EPOCH });
    }
  };
  for (const [path, f] of byPath) {
    addParents(path);
    if ('symlink' in f) entries.set(path, { type: 'symlink', path, target: f.symlink, mtime: IMAGE_EPOCH });
    else if ('dir' in f) entries.set(path, { type: 'dir', path, mode: f.mode ?? 0o755, mtime: IMAGE_EPOCH, uid: f.uid, gid: f.gid });
    else {
      const data = 'hostFile' in f ? readFileSync(f.hostFile) : Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8');
      entries.set(path, { type: 'file', path, data, mode: f.mode ?? 0o644, mtime: IMAGE_EPOCH, uid: f.uid, gid: f.gid });
    }
  }
  return [...entries.keys()].sort(comparePaths).map((k) => entries.get(k) as TarEntry);
}

function runtimeConfigJson(c: ImageRuntimeConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.User !== undefined) out.User = c.User;
  if (c.ExposedPorts?.length) out.ExposedPorts = Object.fromEntries(c.ExposedPorts.map((p) => [p.includes('/') ? p : `${p}/tcp`, {}]));
  if (c.Env !== undefined) out.Env = c.Env;
  if (c.Entrypoint !== undefined) out.Entrypoint = c.Entrypoint;
  if (c.Cmd !== undefined) out.Cmd = c.Cmd;
  if (c.WorkingDir !== undefined) out.WorkingDir = c.WorkingDir;
  if (c.Labels !== undefined) out.Labels = c.Labels;
  if (c.StopSignal !== undefined) out.StopSignal = c.StopSignal;
  return out;
}

/** Builds the blobs of one image (in memory; a busybox image is about 2 MB). */
export function buildImageParts(desc: ImageDescription): ImageParts {
  validateReference(desc.name);
  const layer = blob(MEDIA_TYPES.layer, writeTar(layerEntries(desc)));
  const diffIds = [layer.digest];
  const config = blob(
    MEDIA_TYPES.config,
    Buffer.from(
      JSON.stringify({
        created: CREATED,
        architecture: ociArchitecture(),
        os: 'linux',
        config: runtimeConfigJson(desc.config),
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: [{ created: CREATED, created_by: 'skiff: image built from a file list', comment: desc.busybox ? 'busybox-static rootfs' : '' }],
      }),
    ),
  );
  const manifest = blob(
    MEDIA_TYPES.manifest,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.manifest,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
      }),
    ),
  );
  return { name: desc.name, manifest, config, layers: [layer], diffIds };
}

/** A full reference with a registry-ish host and a tag: `host/path:tag`. */
function validateReference(name: string): void {
  if (!/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)+:[\w][\w.-]{0,127}$/.test(name)) {
    throw new Error(`image name "${name}" must be a full reference with registry and tag, e.g. docker.io/library/busybox:latest`);
  }
}

function tagOf(name: string): string {
  return name.slice(name.lastIndexOf(':') + 1);
}

/** OCI image-layout archive bytes holding one or more images (shared blobs stored once). */
export function imageLayoutArchive(images: readonly ImageParts[]): Buffer {
  const blobs = new Map<string, Blob>();
  for (const img of images) for (const b of [img.manifest, img.config, ...img.layers]) blobs.set(b.digest, b);
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: images.map((img) => ({
      mediaType: img.manifest.mediaType,
      digest: img.manifest.digest,
      size: img.manifest.size,
      annotations: { 'io.containerd.image.name': img.name, 'org.opencontainers.image.ref.name': tagOf(img.name) },
      platform: { architecture: ociArchitecture(), os: 'linux' },
    })),
  };
  const entries: TarEntry[] = [
    { type: 'file', path: 'oci-layout', data: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })), mode: 0o644, mtime: IMAGE_EPOCH },
    { type: 'file', path: 'index.json', data: Buffer.from(JSON.stringify(index)), mode: 0o644, mtime: IMAGE_EPOCH },
    { type: 'dir', path: 'blobs', mode: 0o755, mtime: IMAGE_EPOCH },
    { type: 'dir', path: 'blobs/sha256', mode: 0o755, mtime: IMAGE_EPOCH },
  ];
  for (const digest of [...blobs.keys()].sort()) {
    const b = blobs.get(digest) as Blob;
    entries.push({ type: 'file', path: `blobs/sha256/${digest.slice('sha256:'.length)}`, data: b.data, mode: 0o644, mtime: IMAGE_EPOCH });
  }
  return writeTar(entries);
}

/** Builds the images and writes one OCI layout archive to `file` (atomically: temp file + rename). */
export function writeImageArchive(file: string, descs: ImageDescription | readonly ImageDescription[]): ImageParts[] {
  const list = Array.isArray(descs) ? (descs as readonly ImageDescription[]) : [descs as ImageDescription];
  const parts = list.map(buildImageParts);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, imageLayoutArchive(parts));
  renameSync(tmp, file);
  return parts;
}
