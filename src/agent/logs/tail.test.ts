import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findTailLineStartIndex } from './tail.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-tail-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The obvious forward scan: start of the last n '\n'-terminated lines. */
function naive(content: Buffer, n: number): number {
  if (n < 0) return 0;
  const ends: number[] = [];
  for (let i = 0; i < content.length; i++) if (content[i] === 0x0a) ends.push(i + 1);
  if (n >= ends.length) return 0;
  return ends[ends.length - n - 1]!;
}

async function tailIndex(content: Buffer, n: number, blockSize?: number): Promise<number> {
  const path = join(dir, 'f.log');
  writeFileSync(path, content);
  const fh = await open(path, 'r');
  try {
    return await findTailLineStartIndex(fh, content.length, n, blockSize);
  } finally {
    await fh.close();
  }
}

describe('findTailLineStartIndex', () => {
  it('matches a forward scan on small files, for every n and tiny blocks', async () => {
    const files = ['', 'a\n', 'a\nbb\nccc\n', 'a\nbb\nccc', '\n\n\n', 'no newline'];
    for (const text of files) {
      const content = Buffer.from(text);
      for (const n of [-1, 0, 1, 2, 3, 4, 10]) {
        for (const bs of [1, 2, 3, 1024]) {
          assert.equal(await tailIndex(content, n, bs), naive(content, n), `${JSON.stringify(text)} n=${n} block=${bs}`);
        }
      }
    }
  });

  it('n = 0 points just past the last newline (an unterminated line is not a line)', async () => {
    assert.equal(await tailIndex(Buffer.from('a\nb\n'), 0), 4);
    assert.equal(await tailIndex(Buffer.from('a\nb\npart'), 0), 4);
    assert.equal(await tailIndex(Buffer.from('a\nb\npart'), 1), 2);
  });

  it('finds the tail of a multi-megabyte file across block boundaries', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(`2024-01-01T00:00:00Z stdout F line ${i} ${'x'.repeat(i % 97)}\n`);
    const content = Buffer.from(lines.join(''));
    assert.ok(content.length > 1024 * 1024);
    for (const n of [0, 1, 5, 1000, 20_000, 59_999, 60_000, 70_000]) {
      assert.equal(await tailIndex(content, n), naive(content, n), `n=${n}`);
    }
    const start = await tailIndex(content, 3);
    assert.equal(content.subarray(start).toString(), lines.slice(-3).join(''));
  });
});
