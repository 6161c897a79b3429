// Runs the node's containerd as a child of skiff with a private config (no systemd here):
// checks the binaries it needs, prepares the kernel (overlay, bridge netfilter, forwarding),
// writes config.toml and the CNI conflist (FACTS-containerd.md: the settings measured to
// work on these machines), and starts containerd — or adopts one a previous skiff left
// running (after `kill -9` of skiff, containerd and its shims keep the pods alive; starting
// a second one on the same root would fight over it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cniBinDir, findProgram, MissingDependencyError, missingHostDependencies } from '../hostDependencies.js';
import { formatCidr, hostAddress, parseCidr } from '../sim/ipam.js';
import { CriClient } from './criClient.js';
import { unmountUnder } from './mounts.js';

export interface ContainerdOptions {
  /** `<data-dir>/containerd`: config, root, state, socket, CNI config and IPAM state live here. */
  dataDir: string;
  /** The node's pod CIDR, e.g. 10.42.0.0/24 (the bridge takes its first address). */
  podCIDR: string;
  log: (msg: string) => void;
  /** containerd's registry `config_path` (hosts.toml directories). */
  registryConfigDir?: string;
  /** The pause image every sandbox runs (must be present: nothing is pulled for it here). */
  sandboxImage: string;
  /** The pod bridge (default skiff0); tests use their own so they never touch a running server's. */
  bridgeName?: string;
  /** How long to wait for CRI to answer after starting (default 30 s). */
  startTimeoutMs?: number;
}

export interface RunningContainerd {
  /** containerd.sock: the CRI endpoint. */
  socket: string;
  pid: number;
  /** True when a containerd left by an earlier skiff was adopted instead of started. */
  adopted: boolean;
  /** SIGTERMs containerd and waits for it; shims and containers keep running (a restart adopts them). */
  stop(): Promise<void>;
}

export { MissingDependencyError };

async function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: -1, output: String(e) });
      return;
    }
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e) => resolve({ code: -1, output: e.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** modprobe overlay br_netfilter, then the forwarding sysctls; a module already loaded or built in is fine. */
async function prepareKernel(log: (msg: string) => void): Promise<void> {
  for (const mod of ['overlay', 'br_netfilter']) {
    const r = await run('modprobe', [mod]);
    if (r.code !== 0) log(`modprobe ${mod} failed (continuing: it may be built in or already loaded): ${r.output.trim()}`);
  }
  for (const [key, value] of [['net/ipv4/ip_forward', '1'], ['net/bridge/bridge-nf-call-iptables', '1']] as const) {
    try {
      const path = `/proc/sys/${key}`;
      if ((await readFile(path, 'utf8')).trim() !== value) await writeFile(path, value);
    } catch (e) {
      log(`sysctl ${key.replaceAll('/', '.')}=${value} failed: ${(e as Error).message}`);
    }
  }
}

const tomlString = (s: string): string => JSON.stringify(s);

/** config.toml as FACTS-containerd.md measured it working here, under `dir`. */
export function containerdConfig(dir: string, opts: { sandboxImage: string; registryConfigDir?: string; runcPath: string }): string {
  const lines = [
    'version = 2',
    `root = ${tomlString(join(dir, 'root'))}`,
    `state = ${tomlString(join(dir, 'state'))}`,
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    '[grpc]',
    `  address = ${tomlString(join(dir, 'containerd.sock'))}`,
    '[ttrpc]',
    `  address = ${tomlString(join(dir, 'containerd.sock.ttrpc'))}`,
    '[plugins]',
    '  [plugins."io.containerd.internal.v1.opt"]',
    `    path = ${tomlString(join(dir, 'opt'))}`,
    '  [plugins."io.containerd.grpc.v1.cri"]',
    `    sandbox_image = ${tomlString(opts.sandboxImage)}`,
    '    stream_server_address = "127.0.0.1"',
    '    stream_server_port = "0"',
    '    netns_mounts_under_state_dir = true',
    '    enable_selinux = false',
    // Without it every RunPodSandbox fails here: CAP_SYS_RESOURCE is missing (FACTS).
    '    restrict_oom_score_adj = true',
    '    disable_apparmor = true',
    '    [plugins."io.containerd.grpc.v1.cri".containerd]',
    '      snapshotter = "overlayfs"',
    '      default_runtime_name = "runc"',
    '      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
    '        runtime_type = "io.containerd.runc.v2"',
    '        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    `          BinaryName = ${tomlString(opts.runcPath)}`,
    `          Root = ${tomlString(join(dir, 'runc'))}`,
    '          SystemdCgroup = false',
    '    [plugins."io.containerd.grpc.v1.cri".cni]',
    `      bin_dir = ${tomlString(cniBinDir)}`,
    `      conf_dir = ${tomlString(join(dir, 'cni', 'net.d'))}`,
    '      max_conf_num = 1',
  ];
  if (opts.registryConfigDir) {
    lines.push('    [plugins."io.containerd.grpc.v1.cri".registry]', `      config_path = ${tomlString(opts.registryConfigDir)}`);
  }
  return lines.join('\n') + '\n';
}

/** bridge skiff0 (gateway = first address of the pod CIDR) + host-local IPAM + portmap (hostPort). */
export function cniConflist(dir: string, podCIDR: string, bridgeName = 'skiff0'): Record<string, unknown> {
  const subnet = formatCidr(parseCidr(podCIDR));
  return {
    cniVersion: '1.0.0',
    name: 'skiff',
    plugins: [
      {
        type: 'bridge',
        bridge: bridgeName,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: 'host-local', dataDir: join(dir, 'cni', 'ipam'), ranges: [[{ subnet, gateway: hostAddress(subnet, 0) }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isOurContainerd(pid: number, configPath: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a.endsWith('containerd')) && cmdline.includes(configPath);
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls CRI Version on the socket until it answers or `deadline` passes (or `gone()` says the process died). */
async function waitForCri(socket: string, deadline: number, gone: () => boolean): Promise<boolean> {
  const client = new CriClient(socket);
  try {
    while (Date.now() < deadline) {
      if (gone()) return false;
      if (existsSync(socket)) {
        try {
          await client.version(1000);
          return true;
        } catch {
          // not up yet
        }
      }
      await sleep(50);
    }
    return false;
  } finally {
    client.close();
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
async function terminate(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (alive(pid) && Date.now() < until) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    while (alive(pid)) await sleep(20);
  }
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function startContainerd(opts: ContainerdOptions): Promise<RunningContainerd> {
  if (process.getuid?.() !== 0) throw new Error('the containerd runtime needs root (run skiff as root), or use --runtime sim');
  const missing = missingHostDependencies();
  if (missing.length > 0) throw new MissingDependencyError(missing);
  const dir = opts.dataDir;
  const socket = join(dir, 'containerd.sock');
  const configPath = join(dir, 'config.toml');
  const pidFile = join(dir, 'containerd.pid');
  const logPath = join(dir, 'containerd.log');
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;

  await prepareKernel(opts.log);
  await mkdir(join(dir, 'cni', 'net.d'), { recursive: true });
  await mkdir(join(dir, 'cni', 'ipam'), { recursive: true });
  const config = containerdConfig(dir, { sandboxImage: opts.sandboxImage, registryConfigDir: opts.registryConfigDir, runcPath: findProgram('runc') ?? 'runc' });
  // containerd watches conf_dir: a changed pod CIDR applies to the next sandbox without a restart.
  await writeFile(join(dir, 'cni', 'net.d', '10-skiff.conflist'), JSON.stringify(cniConflist(dir, opts.podCIDR, opts.bridgeName), null, 2) + '\n');
  const oldConfig = existsSync(configPath) ? await readFile(configPath, 'utf8') : undefined;

  const oldPid = existsSync(pidFile) ? Number((await readFile(pidFile, 'utf8')).trim()) : NaN;
  if (Number.isInteger(oldPid) && oldPid > 0 && alive(oldPid) && isOurContainerd(oldPid, configPath)) {
    const answers = await waitForCri(socket, Date.now() + 10_000, () => !alive(oldPid));
    if (answers && oldConfig === config) {
      opts.log(`adopted containerd (pid ${oldPid}) left running by an earlier skiff`);
      const stopAdopted = async (): Promise<void> => {
        await terminate(oldPid, 10_000);
        await rm(pidFile, { force: true });
      };
      return { socket, pid: oldPid, adopted: true, stop: stopAdopted };
    }
    // A different config (or a containerd that does not answer): replace it. Its shims keep the pods running.
    opts.log(answers ? `restarting containerd (pid ${oldPid}): its config changed` : `containerd (pid ${oldPid}) does not answer: restarting it`);
    await terminate(oldPid, 10_000);
  }

  await writeFile(configPath, config);
  await unlink(socket).catch(() => undefined);
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    // Its own process group: a terminal's Ctrl-C reaches skiff, which then stops containerd in order.
    child = spawn(findProgram('containerd') ?? 'containerd', ['--config', configPath], { stdio: ['ignore', logFd, logFd], detached: true, env: process.env });
  } finally {
    closeSync(logFd);
  }
  let exited = false;
  let spawnError: Error | undefined;
  child.on('error', (e) => {
    spawnError = e;
    exited = true;
  });
  child.on('exit', () => (exited = true));
  // Skiff's exit must not wait for containerd, and an exit without stop() leaves it to be adopted.
  child.unref();
  const pid = child.pid ?? 0;
  await writeFile(pidFile, `${pid}\n`);
  const up = await waitForCri(socket, Date.now() + startTimeoutMs, () => exited);
  if (!up) {
    if (!exited && pid) await terminate(pid, 5_000);
    const why = spawnError ? spawnError.message : exited ? 'containerd exited' : `CRI did not answer within ${startTimeoutMs} ms`;
    throw new Error(`starting containerd failed: ${why}; last lines of ${logPath}:\n${tail(logPath, 20)}`);
  }
  opts.log(`containerd started (pid ${pid}), CRI on ${socket}`);
  return {
    socket,
    pid,
    adopted: false,
    stop: async () => {
      if (exited) return;
      await terminate(pid, 10_000);
      await rm(pidFile, { force: true });
    },
  };
}

/** Stops and removes every pod sandbox (and so every container) the runtime has: `skiff killall`, test teardown. */
export async function removeAllSandboxes(client: CriClient): Promise<number> {
  const sandboxes = await client.listPodSandbox();
  for (const sb of sandboxes) {
    await client.stopPodSandbox(sb.id);
    await client.removePodSandbox(sb.id);
  }
  return sandboxes.length;
}

/** Unmounts whatever is mounted under `dir` (deepest first), then deletes it: teardown of a containerd data dir. */
export async function removeDataDir(dir: string): Promise<void> {
  await unmountUnder(dir);
  await rm(dir, { recursive: true, force: true });
}

/**
 * SIGKILLs every process whose command line names `socket` — the shims of that containerd,
 * which outlive it and would keep its mounts and socket path busy.
 */
export function killShims(socket: string): void {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(socket)) process.kill(Number(d), 'SIGKILL');
    } catch {
      // ended while we looked
    }
  }
}
