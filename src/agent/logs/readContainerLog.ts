// readContainerLog: a container's CRI log file as `kubectl logs` shows it — the kubelet's
// ReadLogs (pkg/kubelet/kuberuntime/logs) over an AsyncIterable<Buffer>.
//
// Behaviour (upstream's unless noted):
// - The path's symlinks are resolved once, synchronously: a missing log throws
//   ContainerLogError from readContainerLog itself, before any streaming starts.
// - tailLines picks the start by reading backwards from the end in blocks; without follow,
//   reading stops after tailLines records.
// - follow: at end of file, wait (fs.watch on the directory + a 250 ms re-check) and read
//   on. When the file at `path` is replaced (inode changes: rename-and-reopen rotation), the
//   old file is drained once more and the new one read from its start; when it shrinks
//   (copytruncate) it is re-read from 0 — upstream does neither for copytruncate. Following
//   ends when stillRunning() returns false and the file is drained (an unterminated last
//   record is then still emitted, as without follow), or when the signal aborts.
// - Abort ends the iteration quietly (no error): the client is gone. The file handle and
//   watch are released on completion, error, early return, and on abort even while the
//   consumer is not pulling.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { FileChangeWaiter } from './changeWaiter.js';
import { ContainerLogError, errnoCode, errnoText, quote, resolveLogPath } from './errors.js';
import { LogRecordWriter } from './logWriter.js';
import { findTailLineStartIndex } from './tail.js';

export interface ReadContainerLogOptions {
  follow: boolean;
  timestamps: boolean;
  /** Last N lines (records); undefined or negative: all. */
  tailLines?: number;
  /** Stop after this many bytes of output (the last line may be cut). */
  limitBytes?: number;
  /** Only records written at or after this time. */
  sinceTime?: Date;
  signal: AbortSignal;
  /** While following: false once the container has exited (the log is then drained and the stream ends). */
  stillRunning?: () => boolean;
}

const NL = 0x0a;
// Large reads keep a full read of a big log to few thread-pool round trips; the buffer is
// reused and only the bytes read are copied out.
const readChunkSize = 256 * 1024;
const empty = Buffer.alloc(0);

/** An open log file read forwards in chunks, handing out complete records. */
class LogFileReader {
  pos = 0;
  private pending: Buffer = empty;
  private closed = false;
  private readonly chunk = Buffer.allocUnsafe(readChunkSize);

  private constructor(readonly path: string, private readonly fh: FileHandle, readonly ino: number, readonly dev: number) {}

  static async open(path: string): Promise<LogFileReader> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw new ContainerLogError(`failed to open log file ${quote(path)}: open ${path}: ${errnoText(err)}`, errnoCode(err));
    }
    try {
      const st = await fh.stat();
      return new LogFileReader(path, fh, st.ino, st.dev);
    } catch (err) {
      await fh.close();
      throw new ContainerLogError(`failed to open log file ${quote(path)}: ${errnoText(err)}`, errnoCode(err));
    }
  }

  async seekToTail(lines: number): Promise<void> {
    try {
      const { size } = await this.fh.stat();
      this.pos = await findTailLineStartIndex(this.fh, size, lines);
    } catch (err) {
      throw new ContainerLogError(`failed to tail ${lines} lines of log file ${quote(this.path)}: ${errnoText(err)}`, errnoCode(err));
    }
  }

  /** Complete records read past `pos` ('\n' included), or undefined at end of file. */
  async readRecords(): Promise<Buffer[] | undefined> {
    let bytesRead: number;
    try {
      ({ bytesRead } = await this.fh.read(this.chunk, 0, readChunkSize, this.pos));
    } catch (err) {
      throw new ContainerLogError(`failed to read log file ${quote(this.path)}: ${errnoText(err)}`, errnoCode(err));
    }
    if (bytesRead === 0) return undefined;
    this.pos += bytesRead;
    // A copy: records handed out (and yielded) must not alias the reused read buffer.
    const data = Buffer.concat([this.pending, this.chunk.subarray(0, bytesRead)]);
    const records: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(NL); nl >= 0; nl = data.indexOf(NL, start)) {
      records.push(data.subarray(start, nl + 1));
      start = nl + 1;
    }
    // Copied so a short unterminated rest does not pin the whole read.
    this.pending = start < data.length ? Buffer.from(data.subarray(start)) : empty;
    return records;
  }

  /** The unterminated last record, if any (consumed). */
  takeIncomplete(): Buffer | undefined {
    const rest = this.pending;
    this.pending = empty;
    return rest.length > 0 ? rest : undefined;
  }

  /** Truncated in place: start over from the beginning. */
  rewind(): void {
    this.pos = 0;
    this.pending = empty;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
  }
}

async function statOrUndefined(path: string): Promise<{ ino: number; dev: number; size: number } | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** Reads a CRI-format log file (`<RFC3339Nano> stdout|stderr F|P <text>`) as kubectl logs shows it. */
export function readContainerLog(path: string, opts: ReadContainerLogOptions): AsyncIterable<Buffer> {
  const resolved = resolveLogPath(path);
  return streamLog(resolved, opts);
}

async function* streamLog(path: string, opts: ReadContainerLogOptions): AsyncGenerator<Buffer, void, undefined> {
  const { signal } = opts;
  if (signal.aborted) return;
  let file = await LogFileReader.open(path);
  let waiter: FileChangeWaiter | undefined;
  // Release the fd and watch as soon as the caller aborts, even if it has stopped pulling.
  const onAbort = (): void => {
    waiter?.close();
    void file.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const tail = opts.tailLines ?? -1;
    await file.seekToTail(tail);
    const writer = new LogRecordWriter({
      timestamps: opts.timestamps,
      sinceTime: opts.sinceTime,
      limitBytes: opts.limitBytes,
      maxRecords: !opts.follow && tail >= 0 ? tail : undefined,
    });
    const emit = (records: Buffer[]): Buffer | undefined => {
      const out: Buffer[] = [];
      for (const r of records) {
        writer.write(r, out);
        if (writer.done) break;
      }
      return out.length === 0 ? undefined : out.length === 1 ? out[0] : Buffer.concat(out);
    };
    let running = true;
    let replacedSeen = false;
    while (!writer.done && !signal.aborted) {
      const records = await file.readRecords();
      if (records) {
        const out = emit(records);
        if (out) yield out;
        continue;
      }
      // End of file.
      if (!opts.follow || !running) {
        const rest = file.takeIncomplete();
        const out = rest && emit([rest]);
        if (out) yield out;
        return;
      }
      if (!waiter) {
        waiter = new FileChangeWaiter(dirname(path), basename(path));
        continue; // a write may have landed before the watch existed: read again first
      }
      const st = await statOrUndefined(path);
      if (st && (st.ino !== file.ino || st.dev !== file.dev)) {
        // Rotated: drain what was written to the old file before the switch, then reopen.
        if (!replacedSeen) {
          replacedSeen = true;
          continue;
        }
        replacedSeen = false;
        const next = await LogFileReader.open(path).catch((err: unknown) => {
          if (errnoCode(err) === 'ENOENT') return undefined; // gone again: keep waiting
          throw err;
        });
        if (next) {
          await file.close();
          file = next;
          continue;
        }
      } else if (st && st.size < file.pos) {
        file.rewind();
        continue;
      }
      if (opts.stillRunning && !opts.stillRunning()) {
        running = false; // read once more to the end, then stop
        continue;
      }
      await waiter.wait(signal);
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    waiter?.close();
    await file.close();
  }
}
