import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogRecordWriter, type LogWriterOptions } from './logWriter.js';

const T1 = '2024-01-01T00:00:01.5Z';
const T1_FIXED = '2024-01-01T00:00:01.500000000Z';
const T2 = '2024-01-01T00:00:02Z';
const T2_FIXED = '2024-01-01T00:00:02.000000000Z';

function run(opts: LogWriterOptions, records: string[]): { out: string; done: boolean } {
  const w = new LogRecordWriter(opts);
  const out: Buffer[] = [];
  for (const r of records) w.write(Buffer.from(r), out);
  return { out: Buffer.concat(out).toString(), done: w.done };
}

describe('LogRecordWriter', () => {
  const abc = [`${T1} stdout F abcdefg\n`, `${T1} stdout F abcdefg\n`, `${T1} stderr F abcdefg\n`];

  it('writes stdout and stderr content in file order', () => {
    assert.equal(run({ timestamps: false }, abc).out, 'abcdefg\n'.repeat(3));
  });

  it('cuts at limitBytes, within a line or across lines, and is done after', () => {
    assert.deepEqual(run({ timestamps: false, limitBytes: 3 }, abc), { out: 'abc', done: true });
    assert.deepEqual(run({ timestamps: false, limitBytes: 11 }, abc), { out: 'abcdefg\nabc', done: true });
    assert.deepEqual(run({ timestamps: false, limitBytes: 24 }, abc), { out: 'abcdefg\n'.repeat(3), done: true });
    assert.deepEqual(run({ timestamps: false, limitBytes: 100 }, abc), { out: 'abcdefg\n'.repeat(3), done: false });
    assert.deepEqual(run({ timestamps: false, limitBytes: 0 }, abc), { out: '', done: true });
  });

  it('counts the timestamp prefix against limitBytes', () => {
    const limit = T1_FIXED.length + 1 + 8 + 2;
    assert.equal(run({ timestamps: true, limitBytes: limit }, abc).out, `${T1_FIXED} abcdefg\n${T1_FIXED.slice(0, 2)}`);
  });

  it('prefixes one timestamp per line: partial records join with the record that ends them', () => {
    const recs = [`${T1} stdout P hel\n`, `${T2} stdout P lo \n`, `${T2} stdout F world\n`, `${T2} stdout F next\n`];
    assert.equal(run({ timestamps: false }, recs).out, 'hello world\nnext\n');
    assert.equal(run({ timestamps: true }, recs).out, `${T1_FIXED} hello world\n${T2_FIXED} next\n`);
  });

  it('drops records before sinceTime (at or after are kept)', () => {
    const recs = [`${T1} stdout F one\n`, `${T2} stdout F two\n`, `2024-01-01T00:00:02.000000001Z stdout F three\n`];
    assert.equal(run({ timestamps: false, sinceTime: new Date('2024-01-01T00:00:02Z') }, recs).out, 'two\nthree\n');
    assert.equal(run({ timestamps: false, sinceTime: new Date('2024-01-01T00:00:01.501Z') }, recs).out, 'two\nthree\n');
    assert.equal(run({ timestamps: false, sinceTime: new Date('2024-01-01T00:00:01.5Z') }, recs).out, 'one\ntwo\nthree\n');
  });

  it('skips malformed records after the first, and counts only parsed ones against maxRecords', () => {
    const recs = [`${T1} stdout F a\n`, 'garbage\n', `${T1} stdin F x\n`, `${T1} stdout F b\n`, `${T1} stdout F c\n`];
    assert.equal(run({ timestamps: false }, recs).out, 'a\nb\nc\n');
    assert.deepEqual(run({ timestamps: false, maxRecords: 2 }, recs), { out: 'a\nb\n', done: true });
    assert.deepEqual(run({ timestamps: false, maxRecords: 0 }, recs), { out: '', done: true });
  });

  it('fails when the first record is in no known format', () => {
    assert.throws(() => run({ timestamps: false }, ['hello world\n']), /failed to get parse function: unsupported log format/);
  });

  it('reads Docker JSON logs too', () => {
    const recs = ['{"log":"one\\n","stream":"stdout","time":"2024-01-01T00:00:01Z"}\n', '{"log":"two\\n","stream":"stderr","time":"2024-01-01T00:00:02Z"}\n'];
    assert.equal(run({ timestamps: true }, recs).out, `2024-01-01T00:00:01.000000000Z one\n${T2_FIXED} two\n`);
  });
});
