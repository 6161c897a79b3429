import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { constants as zconst, createDeflate, inflateSync } from 'node:zlib';
import { encodeControlFrame, encodeDataFrameHeader, FLAG_FIN, FrameParser, FrameType, SpdyConnection, type SpdyStream } from './spdy.js';
import { adler32, spdyDictionary } from './spdyDictionary.js';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderDeflater, HeaderInflater } from './spdyHeaders.js';

describe('SPDY/3 dictionary', () => {
  it('is the 1423-byte dictionary whose id Go peers check', () => {
    assert.equal(spdyDictionary.length, 1423);
    assert.equal(spdyDictionary.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
    assert.ok(spdyDictionary.toString('latin1').endsWith(',enq=0.'));
    assert.equal(adler32(spdyDictionary), 0xe3c6a7c2);
  });
});

describe('frames', () => {
  it('parses control and data frames split at every byte', () => {
    const syn = encodeControlFrame(FrameType.SynStream, FLAG_FIN, Buffer.from('0123456789abc'));
    const data = Buffer.concat([encodeDataFrameHeader(5, FLAG_FIN, 3), Buffer.from('xyz')]);
    const ping = encodeControlFrame(FrameType.Ping, 0, Buffer.from([0, 0, 0, 7]));
    const wire = Buffer.concat([syn, data, ping]);
    const p = new FrameParser();
    const frames = [];
    for (let i = 0; i < wire.length; i++) frames.push(...p.push(wire.subarray(i, i + 1)));
    assert.deepEqual(
      frames.map((f) => (f.control ? { type: f.type, flags: f.flags, payload: f.payload.toString('hex') } : { id: f.streamId, flags: f.flags, payload: f.payload.toString() })),
      [
        { type: FrameType.SynStream, flags: FLAG_FIN, payload: Buffer.from('0123456789abc').toString('hex') },
        { id: 5, flags: FLAG_FIN, payload: 'xyz' },
        { type: FrameType.Ping, flags: 0, payload: '00000007' },
      ],
    );
  });

  it('writes the SPDY/3 control header: version 3, type, flags and 24-bit length', () => {
    const f = encodeControlFrame(FrameType.GoAway, 0, Buffer.alloc(8));
    assert.equal(f.subarray(0, 8).toString('hex'), '8003000700000008');
  });

  it('refuses another SPDY version', () => {
    const f = encodeControlFrame(FrameType.Ping, 0, Buffer.alloc(4));
    f.writeUInt16BE(0x8002, 0);
    assert.throws(() => new FrameParser().push(f), /unsupported version 2/);
  });
});

describe('header blocks', () => {
  it('round-trips names (lower-cased) and values', () => {
    const block = encodeHeaderBlock({ StreamType: 'stdout', port: '8080' });
    assert.deepEqual(decodeHeaderBlock(block), { streamtype: 'stdout', port: '8080' });
  });

  it('compresses into zlib with the dictionary id, each block ending in a sync flush', () => {
    const d = new HeaderDeflater();
    const first = d.compress({ streamtype: 'error' });
    const second = d.compress({ streamtype: 'data', port: '80', requestid: '0' });
    assert.equal(first.subarray(0, 6).toString('hex'), '78bbe3c6a7c2');
    for (const b of [first, second]) assert.equal(b.subarray(-5).toString('hex'), '000000ffff');
    const inflated = inflateSync(Buffer.concat([first, second]), { dictionary: spdyDictionary, finishFlush: zconst.Z_SYNC_FLUSH });
    const one = encodeHeaderBlock({ streamtype: 'error' });
    assert.deepEqual(decodeHeaderBlock(inflated.subarray(0, one.length)), { streamtype: 'error' });
    assert.deepEqual(decodeHeaderBlock(inflated.subarray(one.length)), { streamtype: 'data', port: '80', requestid: '0' });
  });

  it('inflates a real deflate stream block by block, as Go peers send it', async () => {
    const z = createDeflate({ dictionary: spdyDictionary });
    const out: Buffer[] = [];
    z.on('data', (c: Buffer) => out.push(c));
    const block = async (h: Record<string, string>): Promise<Buffer> => {
      z.write(encodeHeaderBlock(h));
      await new Promise<void>((r) => z.flush(zconst.Z_SYNC_FLUSH, () => r()));
      return Buffer.concat(out.splice(0));
    };
    const inflater = new HeaderInflater();
    assert.deepEqual(await inflater.inflate(await block({ streamtype: 'stdin' })), { streamtype: 'stdin' });
    assert.deepEqual(await inflater.inflate(await block({ streamtype: 'stdin', x: 'y'.repeat(5000) })), { streamtype: 'stdin', x: 'y'.repeat(5000) });
    inflater.close();
    z.destroy();
  });

  it('rejects a stream primed with another dictionary', async () => {
    const inflater = new HeaderInflater();
    const wrong = Buffer.concat([Buffer.from('78bb00000001', 'hex'), Buffer.from('000000ffff', 'hex')]);
    await assert.rejects(inflater.inflate(wrong));
    inflater.close();
  });
});

describe('connections', () => {
  let server: Server;
  let port = 0;
  const accepted: Socket[] = [];
  before(async () => {
    server = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  });
  after(() => server.close());

  /** A client and a server SpdyConnection over one loopback TCP connection. */
  async function pair(): Promise<{ client: SpdyConnection; server: SpdyConnection }> {
    const n = accepted.length;
    const sock = connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    while (accepted.length === n) await new Promise((r) => setImmediate(r));
    return { client: new SpdyConnection(sock, { role: 'client' }), server: new SpdyConnection(accepted[n], { role: 'server' }) };
  }

  const nextStream = (c: SpdyConnection): Promise<SpdyStream> => new Promise((r) => c.once('stream', r));
  // Reads to the peer's FIN without destroying the stream (an async iterator would, and
  // destroying a stream whose write side is still open resets it).
  const readAll = (s: SpdyStream): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      s.on('data', (c: Buffer) => (text += c.toString()));
      s.once('end', () => resolve(text));
    });

  it('opens streams with headers, answers them, and carries data both ways with half-close', async () => {
    const { client, server } = await pair();
    const incoming = nextStream(server);
    const s = client.createStream({ streamtype: 'stdin', requestid: '0' });
    const replied = new Promise((r) => s.once('reply', r));
    const peer = await incoming;
    assert.deepEqual(peer.headers, { streamtype: 'stdin', requestid: '0' });
    assert.equal(peer.id % 2, 1, 'client streams have odd ids');
    await replied;
    s.end('hello');
    assert.equal(await readAll(peer), 'hello');
    peer.end('world');
    assert.equal(await readAll(s), 'world');
    client.close();
  });

  it('moves a large payload intact through a slow reader', async () => {
    const { client, server } = await pair();
    const incoming = nextStream(server);
    const s = client.createStream({ streamtype: 'data' });
    const payload = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
    s.end(payload);
    const peer = await incoming;
    const chunks: Buffer[] = [];
    for await (const chunk of peer) {
      chunks.push(chunk as Buffer);
      if (chunks.length % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.ok(Buffer.concat(chunks).equals(payload));
    client.close();
  });

  it('ends the peer stream on RST_STREAM', async () => {
    const { client, server } = await pair();
    const incoming = nextStream(server);
    const s = client.createStream({ streamtype: 'data' });
    const peer = await incoming;
    const reset = new Promise((r) => peer.once('reset', r));
    s.destroy();
    await reset;
    assert.equal(peer.isReset, true);
    client.close();
  });

  it('echoes pings in both directions', async () => {
    const { client, server } = await pair();
    await client.ping();
    await server.ping();
    client.close();
  });

  it('lets streams read what arrived before the peer closed', async () => {
    const { client, server } = await pair();
    const incoming = nextStream(client);
    const s = server.createStream({ streamtype: 'stdout' });
    assert.equal(s.id % 2, 0, 'server streams have even ids');
    s.write('last words');
    s.end(() => server.close());
    const peer = await incoming;
    assert.equal(await readAll(peer), 'last words');
    await new Promise((r) => (client.isClosed ? r(null) : client.once('close', r)));
  });
});
