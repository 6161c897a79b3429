// Running containerd's `ctr` client. Image import goes through ctr because it is exactly
// containerd's own importer (archive formats, platform filtering, unpack into the
// snapshotter) — reimplementing it over the content/images/leases gRPC services would copy
// a lot of containerd for no behaviour gain. Everything here is in namespace `k8s.io`,
// the one containerd's CRI plugin serves.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { findProgram } from '../hostDependencies.js';

export const CRI_NAMESPACE = 'k8s.io';
/** ctr from PATH (plus the sbin dirs), resolved once. */
export const CTR = findProgram('ctr') ?? '/usr/bin/ctr';

export class CtrError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface CtrResult {
  stdout: string;
  stderr: string;
}

/** Runs `ctr -a socket -n k8s.io ...args`; rejects with the ctr message on a non-zero exit. */
export function runCtr(
  socket: string,
  args: readonly string[],
  opts: { input?: Readable; onStdoutLine?: (line: string) => void; namespace?: string; timeoutMs?: number; globalArgs?: readonly string[] } = {},
): Promise<CtrResult> {
  return new Promise((resolve, reject) => {
    // Dialling a local socket is instant when containerd listens; without a limit ctr waits 10 s+.
    const globals = opts.globalArgs ?? ['--connect-timeout', '5s'];
    const full = ['-a', socket, '-n', opts.namespace ?? CRI_NAMESPACE, ...globals, ...args];
    const p = spawn(CTR, full, { stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    p.stdout?.on('data', (d: Buffer) => {
      const s = d.toString();
      stdout += s;
      if (!opts.onStdoutLine) return;
      partial += s;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) opts.onStdoutLine(l);
    });
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs) : undefined;
    if (opts.input && p.stdin) {
      opts.input.on('error', (e) => p.stdin?.destroy(e));
      p.stdin.on('error', () => undefined); // ctr exiting early closes the pipe; its exit code tells why
      opts.input.pipe(p.stdin);
    }
    p.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new Error(`${CTR} not found: install containerd (apt-get install -y containerd)`) : e);
    });
    p.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (partial.trim() && opts.onStdoutLine) opts.onStdoutLine(partial);
      if (code === 0) return resolve({ stdout, stderr });
      const msg = stderr.trim().replace(/^ctr: /, '') || (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(new CtrError(msg, code ?? -1, stderr));
    });
  });
}

/** True when containerd answers a Version call on `socket` within a few seconds. */
export async function containerdAnswers(socket: string): Promise<boolean> {
  try {
    await runCtr(socket, ['version'], { globalArgs: ['--connect-timeout', '2s', '--timeout', '5s'], timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export interface ListedImage {
  name: string;
  /** Digest of the image's target (manifest or index). */
  digest: string;
  /** Human-readable content size as ctr prints it, e.g. "2.1 MiB". */
  size: string;
}

/** `ctr images ls` in k8s.io: every image name with its target digest and size. */
export async function listImages(socket: string): Promise<ListedImage[]> {
  const { stdout } = await runCtr(socket, ['images', 'ls']);
  const out: ListedImage[] = [];
  for (const line of stdout.split('\n').slice(1)) {
    // REF TYPE DIGEST SIZE PLATFORMS LABELS; SIZE is "<number> <unit>".
    const m = /^(\S+)\s+(\S+)\s+(sha256:[0-9a-f]{64})\s+(\S+ \S+)\s/.exec(line);
    if (m) out.push({ name: m[1], digest: m[3], size: m[4] });
  }
  return out;
}
