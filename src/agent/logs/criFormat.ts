// The container log file formats the kubelet reads (pkg/kubelet/kuberuntime/logs):
//   CRI:    `<RFC3339Nano> <stdout|stderr> <tag>[:<tag>…] <content>\n`, tag P (partial) or F
//           (full); a long or unterminated line is written as P records closed by an F one.
//   Docker: `{"log":"…","stream":"stdout","time":"…"}` (kept because upstream picks the
//           parser from the first line and falls back to it).
// The writer half (formatCriLogLine) writes what containerd's CRI logger writes.
import { formatRfc3339Nano, parseLogTimestamp, zeroLogTimestamp, type LogTimestamp } from './timestamp.js';

export type CriStream = 'stdout' | 'stderr';

export interface LogMessage {
  timestamp: LogTimestamp;
  stream: string;
  /** Content as written to the stream: an F record keeps its '\n', a P record drops it. */
  log: Buffer;
}

/** Parses one record (with or without its '\n'); returns the reason when it is malformed. */
export type LogParser = (line: Buffer) => LogMessage | string;

const SPACE = 0x20;
const NL = 0x0a;
const P = 0x50;
const COLON = 0x3a;

export const parseCriLogLine: LogParser = (line) => {
  let idx = line.indexOf(SPACE);
  if (idx < 0) return 'timestamp is not found';
  const timestamp = parseLogTimestamp(line.toString('latin1', 0, idx));
  if (typeof timestamp === 'string') return `unexpected timestamp format "2006-01-02T15:04:05.999999999Z07:00": ${timestamp}`;
  let rest = line.subarray(idx + 1);
  idx = rest.indexOf(SPACE);
  if (idx < 0) return 'stream type is not found';
  const stream = idx === 6 ? rest.toString('latin1', 0, 6) : '';
  if (stream !== 'stdout' && stream !== 'stderr') return `unexpected stream type ${JSON.stringify(rest.toString('utf8', 0, idx))}`;
  rest = rest.subarray(idx + 1);
  idx = rest.indexOf(SPACE);
  if (idx < 0) return 'log tag is not found';
  // Tags are ':'-separated for forward compatibility; only the first (P/F) means anything.
  const partial = rest[0] === P && (idx === 1 || rest[1] === COLON);
  if (partial && rest[rest.length - 1] === NL) rest = rest.subarray(0, rest.length - 1);
  return { timestamp, stream, log: rest.subarray(idx + 1) };
};

export const parseDockerJsonLogLine: LogParser = (line) => {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch (err) {
    return `failed with ${(err as Error).message} to unmarshal log`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'failed to unmarshal log: not an object';
  const rec = value as Record<string, unknown>;
  let timestamp = zeroLogTimestamp;
  if (rec.time !== undefined && rec.time !== null) {
    if (typeof rec.time !== 'string') return 'failed to unmarshal log: time is not a string';
    const ts = parseLogTimestamp(rec.time);
    if (typeof ts === 'string') return `failed to unmarshal log: ${ts}`;
    timestamp = ts;
  }
  const log = typeof rec.log === 'string' ? rec.log : '';
  const stream = typeof rec.stream === 'string' ? rec.stream : '';
  return { timestamp, stream, log: Buffer.from(log, 'utf8') };
};

const parsers: LogParser[] = [parseCriLogLine, parseDockerJsonLogLine];

/** Upstream's getParseFunc: the first parser that accepts the sample line, else an error. */
export function pickLogParser(sample: Buffer): LogParser {
  for (const p of parsers) if (typeof p(sample) !== 'string') return p;
  throw new Error(`failed to get parse function: unsupported log format: ${JSON.stringify(sample.toString('utf8'))}`);
}

/**
 * CRI records for `text` as containerd writes them: one F record per '\n'-terminated line
 * and a P record for a trailing unterminated piece. `time` is a Date (written RFC3339Nano in
 * UTC) or a ready RFC3339Nano string (for other offsets or nanosecond precision).
 */
export function formatCriLogLine(stream: CriStream, text: string, time: Date | string = new Date()): string {
  const ts = typeof time === 'string' ? time : formatRfc3339Nano(time);
  let out = '';
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out += `${ts} ${stream} P ${text.slice(start)}\n`;
      break;
    }
    out += `${ts} ${stream} F ${text.slice(start, nl)}\n`;
    start = nl + 1;
  }
  return out;
}
