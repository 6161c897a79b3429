import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCriLogLine, parseCriLogLine, parseDockerJsonLogLine, pickLogParser, type LogMessage } from './criFormat.js';
import { formatRfc3339Nano, isBefore, parseLogTimestamp, type LogTimestamp } from './timestamp.js';

function ok(v: LogMessage | string): LogMessage {
  assert.notEqual(typeof v, 'string', `expected a message, got error ${String(v)}`);
  return v as LogMessage;
}

function ts(text: string): LogTimestamp {
  const v = parseLogTimestamp(text);
  assert.equal(typeof v, 'object', `expected ${text} to parse`);
  return v as LogTimestamp;
}

describe('parseLogTimestamp', () => {
  it('keeps nanoseconds and prints the fixed-width RFC3339Nano form', () => {
    const t = ts('2016-10-20T18:39:20.57606443Z');
    assert.equal(t.nanos, 576064430);
    assert.equal(t.seconds, Date.UTC(2016, 9, 20, 18, 39, 20) / 1000);
    assert.equal(t.fixed, '2016-10-20T18:39:20.576064430Z');
  });

  it('accepts no fraction, keeps a non-zero offset and prints a zero one as Z', () => {
    assert.equal(ts('2024-02-29T23:59:59Z').fixed, '2024-02-29T23:59:59.000000000Z');
    const plus = ts('2024-03-01T01:00:00.5+02:00');
    assert.equal(plus.fixed, '2024-03-01T01:00:00.500000000+02:00');
    assert.equal(plus.seconds, Date.UTC(2024, 1, 29, 23, 0, 0) / 1000);
    assert.equal(ts('2024-03-01T01:00:00-00:00').fixed, '2024-03-01T01:00:00.000000000Z');
  });

  it('rejects malformed and out-of-range times as time.Parse does', () => {
    for (const bad of ['2016-10-20 18:39:20Z', '2016-10-20T18:39:20', '2016-13-01T00:00:00Z', '2023-02-29T00:00:00Z',
      '2016-10-20T24:00:00Z', '2016-10-20T18:60:00Z', '2016-10-20T18:39:60Z', '2016-10-20T18:39:20.1234567890Z', 'garbage']) {
      assert.equal(typeof parseLogTimestamp(bad), 'string', bad);
    }
  });

  it('compares against a Date at nanosecond precision (time.Before)', () => {
    const since = new Date('2016-10-20T18:39:20.576Z');
    assert.equal(isBefore(ts('2016-10-20T18:39:20.575999999Z'), since), true);
    assert.equal(isBefore(ts('2016-10-20T18:39:20.576Z'), since), false);
    assert.equal(isBefore(ts('2016-10-20T18:39:20.576000001Z'), since), false);
    assert.equal(isBefore(ts('2016-10-20T20:39:20.575+02:00'), since), true);
  });

  it('formats a Date as Go RFC3339Nano (trimmed fraction, UTC)', () => {
    assert.equal(formatRfc3339Nano(new Date('2024-01-02T03:04:05.060Z')), '2024-01-02T03:04:05.06Z');
    assert.equal(formatRfc3339Nano(new Date('2024-01-02T03:04:05.000Z')), '2024-01-02T03:04:05Z');
  });
});

describe('parseCriLogLine', () => {
  it('parses full stdout and stderr records, keeping the newline', () => {
    const m = ok(parseCriLogLine(Buffer.from('2016-10-20T18:39:20.57606443Z stdout F cri stdout test log\n')));
    assert.equal(m.stream, 'stdout');
    assert.equal(m.timestamp.fixed, '2016-10-20T18:39:20.576064430Z');
    assert.equal(m.log.toString(), 'cri stdout test log\n');
    const e = ok(parseCriLogLine(Buffer.from('2016-10-20T18:39:20.57606443Z stderr F cri stderr test log\n')));
    assert.equal(e.stream, 'stderr');
    assert.equal(e.log.toString(), 'cri stderr test log\n');
  });

  it('drops the newline of partial records, also with extra tags', () => {
    assert.equal(ok(parseCriLogLine(Buffer.from('2016-10-20T18:39:20.57606443Z stdout P partial\n'))).log.toString(), 'partial');
    assert.equal(ok(parseCriLogLine(Buffer.from('2016-10-20T18:39:20.57606443Z stdout P:TAG1:TAG2 partial\n'))).log.toString(), 'partial');
    assert.equal(ok(parseCriLogLine(Buffer.from('2016-10-20T18:39:20.57606443Z stdout F:X full\n'))).log.toString(), 'full\n');
  });

  it('keeps spaces and arbitrary bytes in the content, and empty lines', () => {
    const raw = Buffer.concat([Buffer.from('2016-10-20T18:39:20Z stdout F  a  b '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    assert.deepEqual(ok(parseCriLogLine(raw)).log, Buffer.concat([Buffer.from(' a  b '), Buffer.from([0xff, 0xfe, 0x0a])]));
    assert.equal(ok(parseCriLogLine(Buffer.from('2016-10-20T18:39:20Z stdout F \n'))).log.toString(), '\n');
  });

  it('reports malformed records with upstream reasons', () => {
    assert.equal(parseCriLogLine(Buffer.from('nospaces\n')), 'timestamp is not found');
    assert.match(String(parseCriLogLine(Buffer.from('yesterday stdout F x\n'))), /^unexpected timestamp format/);
    assert.equal(parseCriLogLine(Buffer.from('2016-10-20T18:39:20Z stdout\n')), 'stream type is not found');
    assert.equal(parseCriLogLine(Buffer.from('2016-10-20T18:39:20Z stdin F x\n')), 'unexpected stream type "stdin"');
    assert.equal(parseCriLogLine(Buffer.from('2016-10-20T18:39:20Z stdout F\n')), 'log tag is not found');
  });
});

describe('parseDockerJsonLogLine and pickLogParser', () => {
  it('parses Docker JSON records', () => {
    const m = ok(parseDockerJsonLogLine(Buffer.from('{"log":"docker log\\n","stream":"stderr","time":"2016-10-20T18:39:20.57606443Z"}\n')));
    assert.equal(m.stream, 'stderr');
    assert.equal(m.log.toString(), 'docker log\n');
    assert.equal(m.timestamp.nanos, 576064430);
  });

  it('picks the parser from a sample line, and rejects unknown formats', () => {
    assert.equal(pickLogParser(Buffer.from('2016-10-20T18:39:20Z stdout F x\n')), parseCriLogLine);
    assert.equal(pickLogParser(Buffer.from('{"log":"x","stream":"stdout","time":"2016-10-20T18:39:20Z"}')), parseDockerJsonLogLine);
    assert.throws(() => pickLogParser(Buffer.from('unsupported log format test log\n')), {
      message: 'failed to get parse function: unsupported log format: "unsupported log format test log\\n"',
    });
  });
});

describe('formatCriLogLine', () => {
  it('writes one F record per line and a P record for an unterminated rest', () => {
    const t = new Date('2024-01-02T03:04:05.123Z');
    assert.equal(formatCriLogLine('stdout', 'hello\n', t), '2024-01-02T03:04:05.123Z stdout F hello\n');
    assert.equal(formatCriLogLine('stderr', 'a\n\nb', t),
      '2024-01-02T03:04:05.123Z stderr F a\n2024-01-02T03:04:05.123Z stderr F \n2024-01-02T03:04:05.123Z stderr P b\n');
    assert.equal(formatCriLogLine('stdout', '', t), '');
    assert.equal(formatCriLogLine('stdout', 'x\n', '2024-01-02T05:04:05.000000001+02:00'), '2024-01-02T05:04:05.000000001+02:00 stdout F x\n');
  });

  it('round-trips through the parser', () => {
    const rec = formatCriLogLine('stderr', 'round trip\n', new Date('2024-01-02T03:04:05.1Z'));
    const m = ok(parseCriLogLine(Buffer.from(rec)));
    assert.equal(m.stream, 'stderr');
    assert.equal(m.log.toString(), 'round trip\n');
    assert.equal(m.timestamp.fixed, '2024-01-02T03:04:05.100000000Z');
  });
});
