// A small SPDY/3.1 implementation for Kubernetes streaming (remotecommand, portforward), usable
// as the server kubectl talks to and as the client of a CRI streaming server (containerd's).
// Only what those peers use: SYN_STREAM/SYN_REPLY/DATA/RST_STREAM/PING/GOAWAY, header blocks.
// Go's spdystream (kubectl, containerd) never sends WINDOW_UPDATE or SETTINGS and ignores
// ours, so flow control is left out: the send window is treated as unlimited.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { HeaderDeflater, HeaderInflater, type SpdyHeaders } from './spdyHeaders.js';

export type { SpdyHeaders } from './spdyHeaders.js';

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
/** RST_STREAM status codes used here (SPDY/3 §2.4.2). */
export const RstStatus = { ProtocolError: 1, InvalidStream: 2, RefusedStream: 3, Cancel: 5, InternalError: 6 } as const;

const VERSION = 3;
const HEADER_LEN = 8;
/** Largest DATA payload sent in one frame; keeps streams of one connection interleaved. */
const MAX_DATA = 32 * 1024;

export type RawFrame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

export function encodeControlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(HEADER_LEN);
  head.writeUInt16BE(0x8000 | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

export function encodeDataFrameHeader(streamId: number, flags: number, length: number): Buffer {
  const head = Buffer.alloc(HEADER_LEN);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((flags & 0xff) << 24) | length, 4);
  return head;
}

/** Splits a byte stream into frames; feed it chunks as they arrive. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RawFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: RawFrame[] = [];
    let off = 0;
    while (this.buf.length - off >= HEADER_LEN) {
      const word = this.buf.readUInt32BE(off + 4);
      const length = word & 0xffffff;
      if (this.buf.length - off < HEADER_LEN + length) break;
      const flags = word >>> 24;
      const payload = this.buf.subarray(off + HEADER_LEN, off + HEADER_LEN + length);
      const first = this.buf.readUInt32BE(off);
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== VERSION) throw new Error(`spdy: unsupported version ${version}`);
        frames.push({ control: true, type: first & 0xffff, flags, payload });
      } else {
        frames.push({ control: false, streamId: first & 0x7fffffff, flags, payload });
      }
      off += HEADER_LEN + length;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
    return frames;
  }
}

export interface SpdyConnectionOptions {
  /** Who opened the transport: the client's stream and ping ids are odd, the server's even. */
  role: 'client' | 'server';
  /** Told about protocol errors (the connection is closed after them). */
  onError?: (err: Error) => void;
}

/**
 * One SPDY session over a byte stream (socket, or a WebSocket tunnel adapted to a Duplex).
 * Emits 'stream' (SpdyStream, already answered with SYN_REPLY) for each peer-opened stream,
 * 'goaway' and 'close'.
 */
export class SpdyConnection extends EventEmitter {
  private readonly parser = new FrameParser();
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly queue: RawFrame[] = [];
  private readonly pings = new Map<number, () => void>();
  private pumping = false;
  private transportEnded = false;
  private nextStreamId: number;
  private nextPingId: number;
  private closed = false;
  /** Streams whose reader is full; the socket is paused while any is. */
  private readonly stalled = new Set<SpdyStream>();

  constructor(private readonly socket: Duplex, private readonly opts: SpdyConnectionOptions) {
    super();
    this.nextStreamId = opts.role === 'client' ? 1 : 2;
    this.nextPingId = opts.role === 'client' ? 1 : 2;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onTransportEnd());
    socket.on('close', () => this.onTransportEnd());
    socket.on('error', (e: Error) => this.fail(e));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Opens a stream (SYN_STREAM); its data may be written at once. */
  createStream(headers: SpdyHeaders, opts: { fin?: boolean } = {}): SpdyStream {
    if (this.closed) throw new Error('spdy: connection closed');
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    const block = this.deflater.compress(headers);
    const payload = Buffer.alloc(10 + block.length);
    payload.writeUInt32BE(id, 0);
    payload.writeUInt32BE(0, 4); // no associated stream
    payload[8] = 0; // priority 0, slot 0
    payload[9] = 0;
    block.copy(payload, 10);
    this.write(encodeControlFrame(FrameType.SynStream, opts.fin ? FLAG_FIN : 0, payload));
    if (opts.fin) stream.markLocalClosed();
    return stream;
  }

  /** Sends a PING and resolves when the peer echoes it. */
  ping(): Promise<void> {
    const id = this.nextPingId;
    this.nextPingId = (this.nextPingId + 2) >>> 0;
    return new Promise((resolve) => {
      this.pings.set(id, resolve);
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(id);
      this.write(encodeControlFrame(FrameType.Ping, 0, payload));
    });
  }

  /** GOAWAY, then ends the transport once written. */
  close(): void {
    if (this.closed) return;
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(this.lastPeerStreamId(), 0);
    payload.writeUInt32BE(0, 4);
    this.write(encodeControlFrame(FrameType.GoAway, 0, payload));
    this.socket.end();
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    // Streams end rather than vanish: what the peer sent before leaving is still read out.
    for (const s of [...this.streams.values()]) s.transportGone();
    this.streams.clear();
    for (const resolve of this.pings.values()) resolve();
    this.pings.clear();
    this.inflater.close();
    // Half-close and keep reading until the peer closes too: closing a socket with unread input
    // makes the kernel send RST, which can discard output the peer has not read yet. A peer that
    // never closes is cut off after a while.
    if (!this.socket.destroyed) {
      if (!this.socket.writableEnded) this.socket.end();
      this.socket.resume();
      setTimeout(() => this.socket.destroy(), 10_000).unref();
    }
    this.emit('close');
  }

  // --- used by SpdyStream ---

  sendData(stream: SpdyStream, data: Buffer, fin: boolean, cb: (err?: Error | null) => void): void {
    if (this.closed || !this.socket.writable) return cb();
    let ok = true;
    let off = 0;
    this.socket.cork();
    do {
      const piece = data.subarray(off, off + MAX_DATA);
      off += piece.length;
      const last = off >= data.length;
      ok = this.socket.write(encodeDataFrameHeader(stream.id, fin && last ? FLAG_FIN : 0, piece.length));
      if (piece.length) ok = this.socket.write(piece);
    } while (off < data.length);
    this.socket.uncork();
    if (ok) cb();
    else this.socket.once('drain', () => cb());
  }

  sendRst(id: number, status: number): void {
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(id, 0);
    payload.writeUInt32BE(status, 4);
    this.write(encodeControlFrame(FrameType.RstStream, 0, payload));
  }

  forget(stream: SpdyStream): void {
    this.streams.delete(stream.id);
    this.unstall(stream);
  }

  stall(stream: SpdyStream): void {
    this.stalled.add(stream);
    this.socket.pause();
  }

  unstall(stream: SpdyStream): void {
    if (this.stalled.delete(stream) && this.stalled.size === 0 && !this.closed) this.socket.resume();
  }

  // --- incoming ---

  private write(frame: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(frame);
  }

  private lastPeerStreamId(): number {
    let last = 0;
    const peerParity = this.opts.role === 'client' ? 0 : 1;
    for (const id of this.streams.keys()) if (id % 2 === peerParity && id > last) last = id;
    return last;
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.opts.onError?.(err);
    this.destroy();
  }

  /** The peer is gone: finish the frames already received, then close. */
  private onTransportEnd(): void {
    this.transportEnded = true;
    if (!this.pumping) this.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return; // draining a closed session: the bytes are read and dropped
    try {
      this.queue.push(...this.parser.push(chunk));
    } catch (e) {
      return this.fail(e as Error);
    }
    void this.pump();
  }

  /** Frames are handled strictly in order: a header block must be inflated before later frames. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length && !this.closed) {
        const pending = this.handle(this.queue.shift()!);
        if (pending) await pending;
      }
    } catch (e) {
      this.fail(e as Error);
    } finally {
      this.pumping = false;
      if (this.transportEnded) this.destroy();
    }
  }

  private handle(f: RawFrame): Promise<void> | undefined {
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (s) s.receive(f.payload, (f.flags & FLAG_FIN) !== 0);
      return undefined;
    }
    const p = f.payload;
    switch (f.type) {
      case FrameType.SynStream: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        return this.inflater.inflate(p.subarray(10)).then((headers) => this.onSynStream(id, f.flags, headers));
      }
      case FrameType.SynReply: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        return this.inflater.inflate(p.subarray(4)).then((headers) => {
          const s = this.streams.get(id);
          if (!s) return;
          s.replyHeaders = headers;
          s.emit('reply', headers);
          if (f.flags & FLAG_FIN) s.receive(Buffer.alloc(0), true);
        });
      }
      case FrameType.Headers: {
        // Extra headers carry nothing streaming uses, but the block must still be inflated:
        // the peer's compressor state moved on.
        const id = p.readUInt32BE(0) & 0x7fffffff;
        return this.inflater.inflate(p.subarray(4)).then(() => {
          const s = this.streams.get(id);
          if (s && f.flags & FLAG_FIN) s.receive(Buffer.alloc(0), true);
        });
      }
      case FrameType.RstStream: {
        const s = this.streams.get(p.readUInt32BE(0) & 0x7fffffff);
        s?.reset(p.readUInt32BE(4));
        return undefined;
      }
      case FrameType.Ping: {
        const id = p.readUInt32BE(0);
        const mine = (id % 2 === 1) === (this.opts.role === 'client');
        if (mine) {
          this.pings.get(id)?.();
          this.pings.delete(id);
        } else {
          this.write(encodeControlFrame(FrameType.Ping, 0, Buffer.from(p)));
        }
        return undefined;
      }
      case FrameType.GoAway:
        this.emit('goaway');
        return undefined;
      default:
        // SETTINGS, WINDOW_UPDATE, CREDENTIAL and unknown types carry nothing we act on.
        return undefined;
    }
  }

  private onSynStream(id: number, flags: number, headers: SpdyHeaders): void {
    if (this.streams.has(id)) {
      this.sendRst(id, RstStatus.ProtocolError);
      return;
    }
    const stream = new SpdyStream(this, id, headers);
    this.streams.set(id, stream);
    // Answer at once: kubectl waits up to 30 s for the reply before giving up on the stream.
    const block = this.deflater.compress({});
    const payload = Buffer.alloc(4 + block.length);
    payload.writeUInt32BE(id, 0);
    block.copy(payload, 4);
    this.write(encodeControlFrame(FrameType.SynReply, 0, payload));
    if (flags & FLAG_UNIDIRECTIONAL) stream.markLocalClosed();
    if (flags & FLAG_FIN) stream.receive(Buffer.alloc(0), true);
    if (this.listenerCount('stream') === 0) stream.destroy();
    else this.emit('stream', stream);
  }
}

/**
 * One SPDY stream as a Duplex: write() sends DATA, end() sends FIN (half-close), reading ends
 * at the peer's FIN. `headers` are the SYN_STREAM headers (lower-case names).
 */
export class SpdyStream extends Duplex {
  replyHeaders: SpdyHeaders | undefined;
  private localClosed = false;
  private remoteClosed = false;
  private wasReset = false;

  constructor(private readonly conn: SpdyConnection, readonly id: number, readonly headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
  }

  /** True when the peer reset the stream (RST_STREAM) instead of closing it. */
  get isReset(): boolean {
    return this.wasReset;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.localClosed) return cb();
    this.conn.sendData(this, chunk, false, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.localClosed) return cb();
    this.localClosed = true;
    this.conn.sendData(this, Buffer.alloc(0), true, cb);
  }

  override _read(): void {
    this.conn.unstall(this);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.wasReset && !(this.localClosed && this.remoteClosed) && !this.conn.isClosed) this.conn.sendRst(this.id, RstStatus.Cancel);
    this.localClosed = this.remoteClosed = true;
    this.conn.forget(this);
    cb(err);
  }

  markLocalClosed(): void {
    this.localClosed = true;
  }

  receive(data: Buffer, fin: boolean): void {
    if (this.remoteClosed || this.destroyed) return;
    if (data.length && !this.push(data)) this.conn.stall(this);
    if (fin) {
      this.remoteClosed = true;
      this.push(null);
    }
  }

  transportGone(): void {
    this.localClosed = true;
    if (!this.remoteClosed) {
      this.remoteClosed = true;
      this.push(null);
    }
    if (this.readableEnded || this.destroyed) this.destroy();
    else this.once('end', () => this.destroy());
  }

  reset(status: number): void {
    this.wasReset = true;
    this.emit('reset', status);
    if (!this.remoteClosed) {
      this.remoteClosed = true;
      this.push(null);
    }
    this.destroy();
  }
}
