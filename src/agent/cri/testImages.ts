// Test support only (the product's image builder is src/agent/images): an OCI image archive
// whose single layer is busybox-static with one symlink per applet, imported into
// containerd's k8s.io namespace with ctr — no registry involved (FACTS-containerd.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  data?: Buffer;
  link?: string;
  mode: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A ustar archive (fixed mtime and owner, so the same input gives the same bytes). */
function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const h = Buffer.alloc(512);
    const data = e.type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
    h.write(name, 0, 100);
    h.write(octal(e.mode, 8), 100);
    h.write(octal(0, 8), 108);
    h.write(octal(0, 8), 116);
    h.write(octal(data.length, 12), 124);
    h.write(octal(1704067200, 12), 136);
    h.write('        ', 148);
    h.write(e.type === 'file' ? '0' : e.type === 'dir' ? '5' : '2', 156);
    if (e.link) h.write(e.link, 157, 100);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function busyboxLayer(): Buffer {
  const applets = execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const dirs = new Set<string>(['bin', 'etc', 'tmp', 'root']);
  for (const a of applets) {
    const parts = a.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: TarEntry[] = [...dirs].sort().map((d) => ({ name: d, type: 'dir', mode: d === 'tmp' ? 0o1777 : 0o755 }));
  entries.push({ name: 'bin/busybox', type: 'file', data: readFileSync('/bin/busybox'), mode: 0o755 });
  entries.push({ name: 'etc/passwd', type: 'file', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'), mode: 0o644 });
  entries.push({ name: 'etc/group', type: 'file', data: Buffer.from('root:x:0:\nnogroup:x:65534:\n'), mode: 0o644 });
  for (const a of applets.sort()) if (a !== 'bin/busybox') entries.push({ name: a, type: 'symlink', link: '/bin/busybox', mode: 0o777 });
  return tar(entries);
}

export interface TestImage {
  /** e.g. localhost/skiff-test/busybox:1 */
  name: string;
  entrypoint?: string[];
  cmd?: string[];
}

/** Writes one OCI layout archive holding every image (all sharing the busybox layer). */
export function writeBusyboxImages(file: string, images: TestImage[]): void {
  const layer = busyboxLayer();
  const layerDigest = sha(layer);
  const blobs = new Map<string, Buffer>([[layerDigest, layer]]);
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const manifests = images.map((img) => {
    const config = Buffer.from(
      JSON.stringify({
        architecture: arch,
        os: 'linux',
        config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...(img.entrypoint ? { Entrypoint: img.entrypoint } : {}), Cmd: img.cmd ?? ['sh'] },
        rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
      }),
    );
    blobs.set(sha(config), config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layer.length }],
      }),
    );
    blobs.set(sha(manifest), manifest);
    return {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${sha(manifest)}`,
      size: manifest.length,
      annotations: { 'io.containerd.image.name': img.name, 'org.opencontainers.image.ref.name': img.name.split(':').pop() ?? 'latest' },
    };
  });
  const entries: TarEntry[] = [
    { name: 'oci-layout', type: 'file', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}'), mode: 0o644 },
    { name: 'index.json', type: 'file', data: Buffer.from(JSON.stringify({ schemaVersion: 2, manifests })), mode: 0o644 },
    { name: 'blobs', type: 'dir', mode: 0o755 },
    { name: 'blobs/sha256', type: 'dir', mode: 0o755 },
    ...[...blobs].map(([d, b]): TarEntry => ({ name: `blobs/sha256/${d}`, type: 'file', data: b, mode: 0o644 })),
  ];
  writeFileSync(file, tar(entries));
}

/** `ctr images import` into the CRI namespace (k8s.io) of the containerd at `socket`. */
export function importImages(socket: string, archive: string): void {
  const r = spawnSync('ctr', ['-a', socket, '-n', 'k8s.io', 'images', 'import', archive], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ctr images import failed: ${r.stderr || r.stdout}`);
}

export function buildAndImport(socket: string, dir: string, images: TestImage[]): void {
  const file = join(dir, 'images.tar');
  writeBusyboxImages(file, images);
  importImages(socket, file);
}
