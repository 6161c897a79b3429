// Errors worded as the kubelet's ReadLogs words them, since kubectl shows them verbatim
// (e.g. `failed to try resolving symlinks in path "…/0.log": lstat …/0.log: no such file or
// directory` for a container whose log is gone).
import { lstatSync, realpathSync } from 'node:fs';

export class ContainerLogError extends Error {
  override readonly name = 'ContainerLogError';
  /** The errno code behind it (ENOENT for a missing log), when there is one. */
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

// Go's syscall.Errno texts for the errors a log read meets.
const errnoTexts: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EISDIR: 'is a directory',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errnoText(err: unknown): string {
  const code = errnoCode(err);
  if (code && errnoTexts[code]) return errnoTexts[code];
  return err instanceof Error ? err.message : String(err);
}

/** Go's %q for a path (ASCII paths quote identically). */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * filepath.EvalSymlinks, synchronously so a missing log fails before any streaming starts.
 * Go reports the first component that lstat fails on; so do we.
 */
export function resolveLogPath(path: string): string {
  try {
    return realpathSync(path);
  } catch (err) {
    let failed = path;
    let cause: unknown = err;
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (prefix === '') continue;
      try {
        lstatSync(prefix);
      } catch (e) {
        failed = prefix;
        cause = e;
        break;
      }
    }
    throw new ContainerLogError(
      `failed to try resolving symlinks in path ${quote(path)}: lstat ${failed}: ${errnoText(cause)}`,
      errnoCode(cause) ?? errnoCode(err),
    );
  }
}
