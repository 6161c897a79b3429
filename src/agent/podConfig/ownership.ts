// SetVolumeOwnership (pkg/volume/volume_linux.go) for a pod's fsGroup: every file and
// directory of the volume gets group fsGroup, group read (read-only volumes: 0440 mask) or
// read-write (0660) access, and directories also get group search and setgid so files
// created later inherit the group. Symlinks are left alone (chmod would follow them).
// Ownership failures are logged and skipped, as upstream does.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const rwMask = 0o660;
const roMask = 0o440;
const execMask = 0o110;
const setgid = 0o2000;

/** A file's mode once fsGroup ownership is applied (so rewrites compare like with like). */
export function fsGroupFileMode(mode: number, readOnly: boolean): number {
  return mode | (readOnly ? roMask : rwMask);
}

export async function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean, log: (msg: string) => void): Promise<void> {
  const mask = readOnly ? roMask : rwMask;
  const visit = async (p: string): Promise<void> => {
    const st = await fs.lstat(p);
    if (st.isSymbolicLink()) return;
    try {
      if (st.gid !== fsGroup) await fs.lchown(p, st.uid, fsGroup);
    } catch (err) {
      log(`chown of ${p} to group ${fsGroup} failed: ${String(err)}`);
    }
    const want = (st.mode & 0o7777) | mask | (st.isDirectory() ? setgid | execMask : 0);
    if (want !== (st.mode & 0o7777)) {
      try {
        await fs.chmod(p, want);
      } catch (err) {
        log(`chmod of ${p} failed: ${String(err)}`);
      }
    }
    if (st.isDirectory()) for (const e of await fs.readdir(p)) await visit(path.join(p, e));
  };
  await visit(dir);
}
