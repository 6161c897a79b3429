// SPDY/3 name/value header blocks and their compression. Each direction of a connection is
// one zlib stream primed with the SPDY dictionary; every block ends with a sync flush
// (`00 00 00 ff ff`) so the peer can decode it on arrival — a block without it hangs kubectl.
import { constants as zconst, createInflate, type Inflate } from 'node:zlib';
import { adler32, spdyDictionary } from './spdyDictionary.js';

export type SpdyHeaders = Record<string, string>;

/** The uncompressed block: count, then length-prefixed lower-case names and values. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses a decompressed block; a repeated or NUL-separated value keeps its first part. */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const out: SpdyHeaders = {};
  if (block.length < 4) throw new Error('spdy: header block too short');
  const count = block.readUInt32BE(0);
  let off = 4;
  const take = (): string => {
    if (off + 4 > block.length) throw new Error('spdy: truncated header block');
    const len = block.readUInt32BE(off);
    off += 4;
    if (off + len > block.length) throw new Error('spdy: truncated header block');
    const s = block.toString('utf8', off, off + len);
    off += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    const value = take().split('\0')[0];
    if (!(name in out)) out[name] = value;
  }
  return out;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

const syncFlushMarker = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/**
 * Outgoing compression. Header blocks are a few hundred bytes, so they are sent as deflate
 * "stored" blocks: valid zlib that any inflater reads, built synchronously, which keeps the
 * frame order trivially right. The first block carries the zlib header with the dictionary id.
 */
export class HeaderDeflater {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32 KiB window), FLG 0xbb (FDICT set, check bits valid), then DICTID.
      const head = Buffer.alloc(6);
      head[0] = 0x78;
      head[1] = 0xbb;
      head.writeUInt32BE(adler32(spdyDictionary), 2);
      parts.push(head);
    }
    for (let off = 0; off < raw.length; off += 0xffff) {
      const piece = raw.subarray(off, Math.min(off + 0xffff, raw.length));
      const h = Buffer.alloc(5);
      h[0] = 0x00; // BFINAL=0, BTYPE=00 (stored); byte-aligned since every block before was stored
      h.writeUInt16LE(piece.length, 1);
      h.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(h, piece);
    }
    parts.push(syncFlushMarker);
    return Buffer.concat(parts);
  }
}

/** Incoming decompression: one inflater for the connection's life, fed blocks in order. */
export class HeaderInflater {
  private readonly z: Inflate;
  private out: Buffer[] = [];
  private failure: Error | undefined;
  private pending: ((e: Error) => void) | undefined;

  constructor() {
    this.z = createInflate({ dictionary: spdyDictionary });
    this.z.on('data', (d: Buffer) => this.out.push(d));
    this.z.on('error', (e: Error) => {
      this.failure = e;
      this.pending?.(e);
    });
  }

  /** Callers must await each block before sending the next (the connection serialises frames). */
  inflate(compressed: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending = reject;
      this.z.write(compressed);
      this.z.flush(zconst.Z_SYNC_FLUSH, () => {
        this.pending = undefined;
        if (this.failure) return reject(this.failure);
        const block = Buffer.concat(this.out);
        this.out = [];
        try {
          resolve(decodeHeaderBlock(block));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  close(): void {
    this.z.destroy();
  }
}
