// `skiff install-deps`: installs what the containerd runtime needs on a Debian/Ubuntu host
// (containerd, runc, CNI plugins, iptables, busybox-static) and says what it does. Run
// before `skiff server` in the README's start line; on a host that has everything it only
// reports and exits 0.
import { spawnSync } from 'node:child_process';
import { findProgram, installCommand, missingHostDependencies } from '../agent/hostDependencies.js';
import { parseFlags, usage, UsageError, type FlagSpec } from './args.js';

const specs: FlagSpec[] = [
  { name: 'dry-run', type: 'boolean', help: 'only print what would be installed' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export function installDepsUsage(): string {
  return usage('install-deps', 'Installs the Debian packages the containerd runtime needs (as root, with apt-get).', specs);
}

function aptGet(args: string[]): boolean {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

export function runInstallDeps(argv: readonly string[]): void {
  const { flags, rest } = parseFlags(argv, specs);
  if (flags.help) {
    process.stdout.write(installDepsUsage());
    return;
  }
  if (rest.length) throw new UsageError(`unexpected argument: ${rest[0]}`);
  const missing = missingHostDependencies();
  if (!missing.length) {
    process.stdout.write('skiff install-deps: containerd, runc, CNI plugins, iptables and busybox-static are present; nothing to do.\n');
    return;
  }
  const cmd = installCommand(missing);
  process.stdout.write(`skiff install-deps: missing ${missing.map((m) => `${m.dep.what} (${m.problem})`).join(', ')}\n  will run: ${cmd}\n`);
  if (flags['dry-run']) return;
  if (process.getuid?.() !== 0) throw new UsageError(`installing packages needs root: run \`sudo ${cmd}\`, or use \`skiff server --runtime sim\``);
  if (!findProgram('apt-get')) throw new UsageError(`apt-get not found: install containerd, runc, the CNI plugins (in /usr/lib/cni), iptables and a static busybox with your package manager, or use \`skiff server --runtime sim\``);
  const args = cmd.split(' ').slice(1);
  // A fresh machine may have no package lists yet: refresh them once if the first try fails.
  if (!aptGet(args) && !(aptGet(['update']) && aptGet(args))) throw new Error(`\`${cmd}\` failed (see apt-get's output above)`);
  const still = missingHostDependencies();
  if (still.length) throw new Error(`still missing after install: ${still.map((m) => `${m.dep.what} (${m.problem})`).join(', ')}`);
  process.stdout.write('skiff install-deps: done.\n');
}
