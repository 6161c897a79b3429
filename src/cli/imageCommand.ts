// `skiff image import FILE.tar [FILE…]`: loads image archives (OCI layout or `docker save`,
// optionally gzipped) into the containerd of a skiff data dir, like `k3s ctr images import`,
// so pods can use images no registry serves. containerd must be running (it outlives a
// stopped skiff); otherwise archives dropped into <data-dir>/images/ are imported at start.
import { join } from 'node:path';
import { containerdAnswers } from '../agent/images/ctr.js';
import { importImageArchive } from '../agent/images/importImage.js';
import { defaultDataDir } from '../server/config.js';
import { parseFlags, usage, UsageError, type FlagSpec } from './args.js';

const specs: FlagSpec[] = [
  { name: 'data-dir', type: 'string', help: "the skiff data dir whose containerd gets the images", defaultText: '/var/lib/skiff as root, ~/.skiff otherwise' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export function imageUsage(): string {
  return usage(
    'image import FILE.tar [FILE…]',
    'Imports image archives (OCI image layout or `docker save` tars, .tar.gz too) into skiff\'s containerd (namespace k8s.io),\nunpacked and ready for pods.',
    specs,
  );
}

export interface ImageCommandIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: ImageCommandIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Runs `skiff image …` (argv after "image"); resolves to the exit code. */
export async function imageCommand(argv: string[], io: ImageCommandIO = stdio): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.out(imageUsage());
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'import') {
    io.err(`skiff image: unknown subcommand "${sub}" (only "import" exists)\n\n${imageUsage()}`);
    return 2;
  }
  let flags: Record<string, string | number | boolean>;
  let files: string[];
  try {
    ({ flags, rest: files } = parseFlags(rest, specs));
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`skiff image import: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (flags.help) {
    io.out(imageUsage());
    return 0;
  }
  if (files.length === 0) {
    io.err(`skiff image import: name at least one archive, e.g. skiff image import nginx.tar\n`);
    return 2;
  }
  const dataDir = (flags['data-dir'] as string | undefined) ?? defaultDataDir();
  const socket = join(dataDir, 'containerd', 'containerd.sock');
  if (!(await containerdAnswers(socket))) {
    io.err(
      `skiff image import: skiff's containerd is not running (no answer on ${socket}): start \`skiff server\` first, ` +
        `or drop the archive into ${join(dataDir, 'images')}/ to import it at start\n`,
    );
    return 1;
  }
  let failed = 0;
  for (const file of files) {
    try {
      await importImageArchive(socket, file, (img) => io.out(`imported ${img.name}${img.size ? ` (${img.size})` : ''}\n`));
    } catch (e) {
      failed++;
      io.err(`skiff image import: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
