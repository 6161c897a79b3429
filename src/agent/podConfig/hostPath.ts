// hostPath volume type checks (pkg/volume/hostpath checkType), with upstream's texts:
// DirectoryOrCreate creates a missing directory 0755 (and parents), FileOrCreate an empty
// file 0644 (its parent must exist); the other types only check what is there. The type
// is read through symlinks (os.Stat), like upstream's GetFileType.
import { constants as fsc, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';

const descriptions: Record<string, string> = {
  Directory: 'directory',
  File: 'file',
  Socket: 'socket file',
  CharDevice: 'character device',
  BlockDevice: 'block device',
};

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** hostutil GetFileType. */
function fileType(st: Stats): string {
  if (st.isDirectory()) return 'Directory';
  if (st.isSocket()) return 'Socket';
  if (st.isCharacterDevice()) return 'CharDevice';
  if (st.isBlockDevice()) return 'BlockDevice';
  if (st.isFile()) return 'File';
  throw new Error('only recognise file, directory, socket, block device and character device');
}

async function typeMatchedOrError(p: string, expected: string): Promise<void> {
  const st = await statOrUndefined(p);
  if (!st) throw new Error(`hostPath ${p} doesn't exist`);
  let actual: string;
  try {
    actual = fileType(st);
  } catch (err) {
    throw new Error(`hostPath type check failed, ${p} is not a ${descriptions[expected]}, unable to determine its type: ${(err as Error).message}`);
  }
  if (actual !== expected) throw new Error(`hostPath type check failed: ${p} is not a ${descriptions[expected]}, it's a ${actual}`);
}

/** Checks (and for the *OrCreate types, creates) `p` for hostPath type `type` ('' = no checks). */
export async function checkHostPathType(p: string, type: string): Promise<void> {
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!(await statOrUndefined(p))) await fs.mkdir(p, { recursive: true, mode: 0o755 });
      return typeMatchedOrError(p, 'Directory');
    case 'FileOrCreate':
      if (!(await statOrUndefined(p))) await (await fs.open(p, fsc.O_CREAT | fsc.O_RDONLY, 0o644)).close();
      return typeMatchedOrError(p, 'File');
    case 'Directory':
    case 'File':
    case 'Socket':
    case 'CharDevice':
    case 'BlockDevice':
      return typeMatchedOrError(p, type);
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}
