// A minimal, reproducible tar writer (POSIX ustar with PAX extended headers for long or
// non-ASCII names), enough for OCI image layers and OCI layout archives. Go's archive/tar,
// which containerd uses to read both, accepts exactly this form.
//
// Reproducibility: the caller passes every mtime, uid, gid and mode; nothing is read from
// the clock or the host, and uname/gname are left empty so the bytes depend on the entries only.

export type TarEntry =
  | { type: 'file'; path: string; data: Buffer; mode: number; mtime: number; uid?: number; gid?: number }
  | { type: 'dir'; path: string; mode: number; mtime: number; uid?: number; gid?: number }
  | { type: 'symlink'; path: string; target: string; mode?: number; mtime: number; uid?: number; gid?: number };

const BLOCK = 512;
const USTAR_NAME = 100;
const USTAR_LINK = 100;

function octal(value: number, width: number): string {
  // width includes the terminating NUL.
  const s = value.toString(8);
  if (s.length > width - 1) throw new Error(`tar: value ${value} does not fit in a ${width}-byte header field`);
  return s.padStart(width - 1, '0') + '\0';
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** One PAX record: "<len> <key>=<value>\n", where len counts the whole record including itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return `${len}${body}`;
}

function header(fields: { name: string; mode: number; uid: number; gid: number; size: number; mtime: number; typeflag: string; linkname: string }): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  h.write(fields.name, 0, USTAR_NAME, 'utf8');
  h.write(octal(fields.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(fields.uid, 8), 108, 'ascii');
  h.write(octal(fields.gid, 8), 116, 'ascii');
  h.write(octal(fields.size, 12), 124, 'ascii');
  h.write(octal(fields.mtime, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum is computed with its own field as spaces
  h.write(fields.typeflag, 156, 'ascii');
  h.write(fields.linkname, 157, USTAR_LINK, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(octal(0, 8), 329, 'ascii'); // devmajor
  h.write(octal(0, 8), 337, 'ascii'); // devminor
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest, 0);
}

function entryName(e: TarEntry): string {
  const p = e.path.replace(/^\/+/, '');
  if (p === '' || p.split('/').some((c) => c === '..')) throw new Error(`tar: invalid entry path "${e.path}"`);
  return e.type === 'dir' && !p.endsWith('/') ? `${p}/` : p;
}

/** Serialises entries in the order given, followed by the two zero blocks that end an archive. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const chunks: Buffer[] = [];
  for (const e of entries) {
    const name = entryName(e);
    const linkname = e.type === 'symlink' ? e.target : '';
    const pax: string[] = [];
    if (Buffer.byteLength(name) > USTAR_NAME || !isAscii(name)) pax.push(paxRecord('path', name));
    if (Buffer.byteLength(linkname) > USTAR_LINK || !isAscii(linkname)) pax.push(paxRecord('linkpath', linkname));
    const uid = e.uid ?? 0;
    const gid = e.gid ?? 0;
    if (pax.length) {
      const body = Buffer.from(pax.join(''), 'utf8');
      // GNU tar and Go name the extended header after the entry; any short name works.
      chunks.push(header({ name: 'PaxHeader', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: e.mtime, typeflag: 'x', linkname: '' }));
      chunks.push(body, padding(body.length));
    }
    const shortName = Buffer.from(name, 'utf8').subarray(0, USTAR_NAME).toString('latin1');
    const shortLink = Buffer.from(linkname, 'utf8').subarray(0, USTAR_LINK).toString('latin1');
    const fitName = pax.some((r) => r.includes(' path=')) ? shortName.replace(/[^\x20-\x7e]/g, '_') : name;
    const fitLink = pax.some((r) => r.includes(' linkpath=')) ? shortLink.replace(/[^\x20-\x7e]/g, '_') : linkname;
    switch (e.type) {
      case 'file':
        chunks.push(header({ name: fitName, mode: e.mode, uid, gid, size: e.data.length, mtime: e.mtime, typeflag: '0', linkname: '' }));
        chunks.push(e.data, padding(e.data.length));
        break;
      case 'dir':
        chunks.push(header({ name: fitName, mode: e.mode, uid, gid, size: 0, mtime: e.mtime, typeflag: '5', linkname: '' }));
        break;
      case 'symlink':
        chunks.push(header({ name: fitName, mode: e.mode ?? 0o777, uid, gid, size: 0, mtime: e.mtime, typeflag: '2', linkname: fitLink }));
        break;
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(chunks);
}
