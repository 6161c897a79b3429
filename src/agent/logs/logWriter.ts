// Turns raw log records into what `kubectl logs` shows, applying the options the way the
// kubelet's logWriter and ReadLogs loop do:
// - the parser is picked from the first record (unsupported format → error); later records
//   that fail to parse are skipped;
// - records older than sinceTime are dropped;
// - with timestamps, the fixed-width RFC3339Nano time of a record prefixes it only when it
//   starts a new line, so P records joined with their F record carry one timestamp;
// - limitBytes counts output bytes (prefixes included) and cuts the last record;
// - tailLines without follow stops after N records, as upstream counts them (P records count).
import { pickLogParser, type LogParser } from './criFormat.js';
import { isBefore } from './timestamp.js';

export interface LogWriterOptions {
  timestamps: boolean;
  sinceTime?: Date;
  limitBytes?: number;
  /** Stop after this many records (upstream's limitedMode: tailLines set and not following). */
  maxRecords?: number;
}

const NL = 0x0a;
const SPACE = Buffer.from(' ');

export class LogRecordWriter {
  private parse: LogParser | undefined;
  private newLine = true;
  private remain: number;
  private recordsLeft: number;
  private finished: boolean;

  constructor(private readonly opts: LogWriterOptions) {
    this.remain = opts.limitBytes ?? Infinity;
    this.recordsLeft = opts.maxRecords ?? Infinity;
    this.finished = this.remain <= 0 || this.recordsLeft <= 0;
  }

  /** True once a limit (bytes or records) is reached: nothing more will be written. */
  get done(): boolean {
    return this.finished;
  }

  /** Processes one raw record (with or without its '\n'), appending output parts to `out`. */
  write(raw: Buffer, out: Buffer[]): void {
    if (this.finished) return;
    this.parse ??= pickLogParser(raw);
    const msg = this.parse(raw);
    if (typeof msg === 'string') return;
    if (!this.opts.sinceTime || !isBefore(msg.timestamp, this.opts.sinceTime)) {
      if (msg.stream !== 'stdout' && msg.stream !== 'stderr') {
        throw new Error(`unexpected stream type ${JSON.stringify(msg.stream)}`);
      }
      let parts = [msg.log];
      if (this.opts.timestamps && this.newLine) parts = [Buffer.from(msg.timestamp.fixed, 'latin1'), SPACE, msg.log];
      for (const p of parts) {
        if (this.remain <= 0) break;
        const cut = p.length > this.remain ? p.subarray(0, this.remain) : p;
        if (cut.length > 0) out.push(cut);
        this.remain -= cut.length;
      }
      if (this.remain <= 0) {
        this.finished = true;
        return;
      }
    }
    if (--this.recordsLeft <= 0) this.finished = true;
    this.newLine = msg.log.length === 0 || msg.log[msg.log.length - 1] === NL;
  }
}
