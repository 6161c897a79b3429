// Test support only: a private containerd in a temp dir (cri's containerdConfig, with
// `config_path` for registry hosts), and a teardown that leaves nothing behind — shims it
// started, mounts under the dir, and the dir itself. Production code starts containerd
// through src/agent/cri (startContainerd); these tests only need the image side of it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerdConfig, killShims, removeDataDir } from '../cri/containerd.js';
import { findProgram, installCommand, missingHostDependencies } from '../hostDependencies.js';
import { containerdAnswers, runCtr } from './ctr.js';
import { PAUSE_IMAGE } from './pauseImage.js';

export interface TestContainerd {
  dir: string;
  socket: string;
  hostsDir: string;
  stop(): Promise<void>;
}

/** Why containerd tests cannot run here, or undefined when they can (shared by every containerd suite). */
export function containerdSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'containerd needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (containerd runs as root)';
  const missing = missingHostDependencies();
  if (missing.length) return `missing ${missing.map((m) => m.dep.what).join(', ')} (${installCommand(missing)})`;
  return undefined;
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Kills and deletes every task and container in every namespace of this containerd. */
async function removeAllTasks(socket: string): Promise<void> {
  let namespaces: string[] = [];
  try {
    namespaces = (await runCtr(socket, ['namespaces', 'ls', '-q'], { timeoutMs: 10_000 })).stdout.split('\n').filter(Boolean);
  } catch {
    return; // containerd is not answering: nothing to ask it to clean.
  }
  for (const ns of namespaces) {
    const ids = await runCtr(socket, ['containers', 'ls', '-q'], { namespace: ns, timeoutMs: 10_000 }).then((r) => r.stdout.split('\n').filter(Boolean), () => []);
    for (const id of ids) {
      await runCtr(socket, ['tasks', 'kill', '-s', 'SIGKILL', id], { namespace: ns, timeoutMs: 10_000 }).catch(() => undefined);
      await runCtr(socket, ['tasks', 'delete', '-f', id], { namespace: ns, timeoutMs: 10_000 }).catch(() => undefined);
      await runCtr(socket, ['containers', 'delete', id], { namespace: ns, timeoutMs: 10_000 }).catch(() => undefined);
    }
  }
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

/** Starts containerd in `opts.dir` (created; removed by stop()) or in a new temp dir. */
export async function startTestContainerd(opts: { dir?: string } = {}): Promise<TestContainerd> {
  // Short prefix: the socket path must stay under the 108-byte sun_path limit.
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'skiff-img-'));
  mkdirSync(dir, { recursive: true });
  const hostsDir = join(dir, 'certs.d');
  mkdirSync(hostsDir, { recursive: true });
  mkdirSync(join(dir, 'cni', 'net.d'), { recursive: true });
  writeFileSync(join(dir, 'config.toml'), containerdConfig(dir, { sandboxImage: PAUSE_IMAGE, registryConfigDir: hostsDir, runcPath: findProgram('runc') ?? 'runc' }));
  const socket = join(dir, 'containerd.sock');
  const logFd = openSync(join(dir, 'containerd.log'), 'a');
  const proc = spawn(findProgram('containerd') ?? 'containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', logFd, logFd], detached: false });
  closeSync(logFd);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await removeAllTasks(socket);
    // Shims exit once their tasks are deleted; any left would keep the socket path busy.
    killShims(socket);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited(proc), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited(proc);
      }
    }
    await removeDataDir(dir);
  };
  try {
    await waitFor(async () => {
      if (proc.exitCode !== null) throw new Error(`containerd exited with ${proc.exitCode}: ${readFileSync(join(dir, 'containerd.log'), 'utf8').slice(-2000)}`);
      return containerdAnswers(socket);
    }, 'containerd to answer');
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, socket, hostsDir, stop };
}
