// What a node needs on the host to run real containers, in one list: `skiff install-deps`
// installs what is missing, and the containerd starter refuses to start without it, both
// naming the same Debian packages.
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface HostDependency {
  /** What the user sees, e.g. "containerd". */
  what: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** A program looked up on PATH, or an absolute file. */
  file: string;
  /** Extra check on the found file (e.g. busybox must be statically linked). */
  verify?: (path: string) => string | undefined;
}

/** CNI plugins containerd calls for every pod (conflist + its own loopback). */
export const cniBinDir = '/usr/lib/cni';
const cniPlugins = ['bridge', 'host-local', 'portmap', 'loopback'];

/** An ELF file without a PT_INTERP program header runs without a dynamic loader (in an empty image). */
function staticElf(path: string): string | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return 'unreadable';
  }
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) return 'not a 64-bit ELF program';
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (buf.readUInt32LE(phoff + i * phentsize) === 3) return 'dynamically linked (the package busybox-static provides a static one)';
  }
  return undefined;
}

export const hostDependencies: readonly HostDependency[] = [
  { what: 'containerd', debianPackage: 'containerd', file: 'containerd' },
  { what: 'ctr', debianPackage: 'containerd', file: 'ctr' },
  { what: 'runc', debianPackage: 'runc', file: 'runc' },
  ...cniPlugins.map((p) => ({ what: `CNI plugin ${p}`, debianPackage: 'containernetworking-plugins', file: join(cniBinDir, p) })),
  { what: 'iptables', debianPackage: 'iptables', file: 'iptables' },
  // The sandbox ("pause") image is built from it at first start: no registry needed.
  { what: 'busybox (static)', debianPackage: 'busybox-static', file: 'busybox', verify: staticElf },
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of a program on PATH (plus the sbin directories root has), if any. */
export function findProgram(name: string): string | undefined {
  if (name.startsWith('/')) return executable(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const d of dirs) {
    if (d && executable(join(d, name))) return join(d, name);
  }
  return undefined;
}

export interface MissingDependency {
  dep: HostDependency;
  problem: string;
}

export function missingHostDependencies(deps: readonly HostDependency[] = hostDependencies): MissingDependency[] {
  const missing: MissingDependency[] = [];
  for (const dep of deps) {
    const path = findProgram(dep.file);
    if (!path) {
      missing.push({ dep, problem: 'not found' });
      continue;
    }
    const problem = dep.verify?.(path);
    if (problem) missing.push({ dep, problem: `${path}: ${problem}` });
  }
  return missing;
}

/** The one apt-get line that installs every package of `missing` (or all of them). */
export function installCommand(missing: readonly MissingDependency[] = []): string {
  const pkgs = new Set((missing.length ? missing.map((m) => m.dep) : hostDependencies).map((d) => d.debianPackage));
  return `apt-get install -y ${[...pkgs].join(' ')}`;
}

/** Raised when the node cannot run containers here; the message says how to fix it. */
export class MissingDependencyError extends Error {
  constructor(readonly missing: readonly MissingDependency[]) {
    super(
      `cannot run containers: ${missing.map((m) => `${m.dep.what} ${m.problem}`).join(', ')}.\n` +
        `  install them: ${installCommand(missing)}   (or run: skiff install-deps)\n` +
        `  or start a simulated node instead: skiff server --runtime sim`,
    );
  }
}
