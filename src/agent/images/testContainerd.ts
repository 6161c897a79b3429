// Test support only: a private containerd in a temp dir (config from FACTS-containerd.md, with
// `config_path` for registry hosts), and a teardown that leaves nothing behind — shims it
// started, mounts under the dir, and the dir itself. Production code starts containerd
// through src/agent/cri (startContainerd); these tests only need the image side of it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerdAnswers, runCtr } from './ctr.js';

export interface TestContainerd {
  dir: string;
  socket: string;
  hostsDir: string;
  stop(): Promise<void>;
}

/** Why containerd tests cannot run here, or undefined when they can. */
export function containerdSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (containerd runs as root)';
  for (const bin of ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', '/bin/busybox']) {
    if (!existsSync(bin)) return `${bin} is missing (apt-get install -y containerd runc busybox-static)`;
  }
  return undefined;
}

function config(dir: string, hostsDir: string): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs","io.containerd.snapshotter.v1.btrfs","io.containerd.snapshotter.v1.zfs","io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "${dir}/containerd.sock"
[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "${dir}/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "localhost/skiff/pause:1"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    netns_mounts_under_state_dir = true
    enable_selinux = false
    restrict_oom_score_adj = true
    disable_apparmor = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "/usr/sbin/runc"
          Root = "${dir}/runc"
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "${dir}/cni/net.d"
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "${hostsDir}"
`;
}

function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const out: string[] = [];
  for (const l of lines) {
    const mp = l.split(' ')[4];
    if (mp && (mp === dir || mp.startsWith(`${dir}/`))) out.push(mp.replace(/\\040/g, ' '));
  }
  // Deepest first.
  return out.sort((a, b) => b.length - a.length);
}

/** Processes whose command line mentions `needle` (the shims of this containerd name its socket). */
function pidsMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes(needle)) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
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
  writeFileSync(join(dir, 'config.toml'), config(dir, hostsDir));
  const socket = join(dir, 'containerd.sock');
  const logFd = openSync(join(dir, 'containerd.log'), 'a');
  const proc = spawn('/usr/bin/containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', logFd, logFd], detached: false });
  closeSync(logFd);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await removeAllTasks(socket);
    // Shims exit once their tasks are deleted; any left would keep the socket path busy.
    for (const pid of pidsMentioning(socket)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
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
    for (const mp of mountsUnder(dir)) {
      try {
        execFileSync('umount', ['-l', mp], { stdio: 'ignore' });
      } catch {
        // Already unmounted (a parent's lazy unmount took it).
      }
    }
    rmSync(dir, { recursive: true, force: true });
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
