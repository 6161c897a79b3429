// `skiff killall`: what k3s-killall.sh does for k3s. After `skiff server` has stopped, pods keep
// running under their containerd shims (so a restart adopts them); this stops and removes every
// pod sandbox of the data dir's containerd, then its leftovers on the host: shims, mounts under
// the data dir, the pod bridge, the service-range route and empty pod cgroups.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { CriClient, killShims, removeAllSandboxes, startContainerd, unmountUnder } from '../agent/cri/index.js';
import { PAUSE_IMAGE } from '../agent/images/index.js';
import { defaultDataDir } from '../server/config.js';
import { localPodCIDR } from '../server/containerdNode.js';
import { removeServiceRangeRoute } from '../server/hostNetwork.js';
import { parseFlags, usage, UsageError, type FlagSpec } from './args.js';

const specs: FlagSpec[] = [
  { name: 'data-dir', type: 'string', help: 'the data dir of the skiff server to clean up', defaultText: '/var/lib/skiff as root, ~/.skiff otherwise' },
  { name: 'service-cidr', type: 'string', help: 'the service range whose local route to remove', defaultText: '10.43.0.0/16' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export function killallUsage(): string {
  return usage('killall', 'Stops every pod container of a stopped skiff server and removes what pods leave on the host.', specs);
}

function removeEmptyPodCgroups(): void {
  for (const ctl of readdirSync('/sys/fs/cgroup')) {
    const root = join('/sys/fs/cgroup', ctl, 'kubepods');
    if (!existsSync(root)) continue;
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
      try {
        rmdirSync(dir);
      } catch {
        // still in use (another node's pods) or not empty
      }
    };
    walk(root);
  }
}

export async function runKillall(argv: readonly string[]): Promise<void> {
  const { flags, rest } = parseFlags(argv, specs);
  if (flags.help) {
    process.stdout.write(killallUsage());
    return;
  }
  if (rest.length) throw new UsageError(`unexpected argument: ${rest[0]}`);
  if (process.getuid?.() !== 0) throw new UsageError('killall needs root (it stops containers and removes mounts)');
  const dataDir = (flags['data-dir'] as string | undefined) ?? defaultDataDir();
  const dir = join(dataDir, 'containerd');
  if (!existsSync(dir)) {
    process.stdout.write(`skiff killall: no containerd state under ${dataDir}; nothing to do\n`);
    return;
  }
  const containerd = await startContainerd({ dataDir: dir, podCIDR: localPodCIDR, log: () => undefined, sandboxImage: PAUSE_IMAGE });
  const cri = new CriClient(containerd.socket);
  try {
    const removed = await removeAllSandboxes(cri);
    process.stdout.write(`skiff killall: removed ${removed} pod sandbox${removed === 1 ? '' : 'es'}\n`);
  } finally {
    cri.close();
    await containerd.stop();
  }
  killShims(containerd.socket);
  await unmountUnder(dataDir);
  spawnSync('ip', ['link', 'del', 'skiff0']);
  removeServiceRangeRoute((flags['service-cidr'] as string | undefined) ?? '10.43.0.0/16');
  removeEmptyPodCgroups();
}
