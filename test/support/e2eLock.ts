// One containerd node at a time on this machine: the e2e suites share the pod bridge (skiff0)
// and the node's pod range, so a suite waits here until the previous one has cleaned up. The
// lock is a directory holding the owner's pid; a lock whose owner died is taken over.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lockDir = join(tmpdir(), 'skiff-e2e.lock');

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    if (!pid) return true; // being written
    process.kill(pid, 0);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // No pid file yet: its owner is between mkdir and write, unless that was long ago.
    if (code === 'ENOENT') return Date.now() - statMs() < 5000;
    return code === 'EPERM';
  }
}

function statMs(): number {
  try {
    return statSync(lockDir).mtimeMs;
  } catch {
    return 0;
  }
}

export async function acquireE2eLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!ownerAlive()) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
}
