// Where the last N lines of a file start, found by reading backwards from the end in blocks
// (pkg/util/tail.FindTailLineStartIndex), so `--tail` costs O(tail), not O(file).
import type { FileHandle } from 'node:fs/promises';

const NL = 0x0a;
export const tailBlockSize = 64 * 1024;

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(NL); i >= 0; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

async function readFully(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let off = 0;
  while (off < length) {
    const { bytesRead } = await fh.read(buf, off, length - off, position + off);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  return buf.subarray(0, off);
}

/**
 * Offset of the start of the last `n` lines of the first `size` bytes of the file.
 * n < 0 → 0 (everything). A last line without its '\n' is not counted as a line, as upstream;
 * n = 0 → just past the last '\n'.
 */
export async function findTailLineStartIndex(fh: FileHandle, size: number, n: number, blockSize = tailBlockSize): Promise<number> {
  if (n < 0) return 0;
  let left = 0;
  let count = 0;
  let block: Buffer = Buffer.alloc(0);
  for (let right = size; right > 0 && count <= n; right = left) {
    left = Math.max(0, right - blockSize);
    block = await readFully(fh, left, right - left);
    count += countNewlines(block);
  }
  // The leftmost block read holds the excess lines; skip them from its start.
  let idx = 0;
  for (; count > n; count--) idx = block.indexOf(NL, idx) + 1;
  return left + idx;
}
