// Mount-table helpers for tearing down a containerd data dir: containerd leaves overlay
// rootfs, sandbox shm and netns mounts under root/state while pods exist, and rm -rf over
// a live mount would fail (or, worse, walk into it).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points at or under `dir`, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const root = dir.replace(/\/+$/, '');
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    const mp = unescapeMountPath(fields[4]);
    if (mp === root || mp.startsWith(root + '/')) points.add(mp);
  }
  return [...points].sort((a, b) => b.length - a.length);
}

function umount(path: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('umount', ['-l', path], { stdio: 'ignore' });
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
}

/** Lazily unmounts everything mounted at or under `dir` (stacked mounts included). */
export async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const points = await mountsUnder(dir);
    if (points.length === 0) return;
    for (const p of points) await umount(p);
  }
}
