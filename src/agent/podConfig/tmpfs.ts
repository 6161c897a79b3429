// tmpfs mounts for memory-backed volumes (emptyDir medium Memory; secret, projected and
// downwardAPI volumes, which upstream backs with a memory emptyDir so secrets never touch
// disk) and their removal. Mount points are read from /proc/self/mountinfo, so setup is
// idempotent across agent restarts. Uses mount(8)/umount(8): Node has no mount syscall.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

export async function mountPoints(): Promise<string[]> {
  const text = await fs.readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''));
}

/** mountinfo shows resolved paths; a root reached through a symlink must be compared resolved. */
const resolved = (p: string): Promise<string> => fs.realpath(p).catch(() => p);

export async function isMountPoint(dir: string): Promise<boolean> {
  return (await mountPoints()).includes(await resolved(dir));
}

/** Mount points at or below `dir` (as mountinfo names them), deepest first: the order to unmount them in. */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  dir = await resolved(dir);
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return (await mountPoints()).filter((m) => m === dir || m.startsWith(prefix)).sort((a, b) => b.length - a.length);
}

/** `mount -t tmpfs -o size=<bytes> tmpfs <dir>` unless already mounted. */
export async function mountTmpfs(dir: string, sizeBytes?: number): Promise<void> {
  if (await isMountPoint(dir)) return;
  const args = ['-t', 'tmpfs'];
  if (sizeBytes !== undefined && sizeBytes > 0) args.push('-o', `size=${sizeBytes}`);
  args.push('tmpfs', dir);
  await run('mount', args);
}

/** umount, falling back to a lazy unmount when the mount is busy. */
export async function unmount(dir: string): Promise<void> {
  try {
    await run('umount', [dir]);
  } catch {
    await run('umount', ['-l', dir]);
  }
}
