// The skiff command.
import { UsageError } from './args.js';
import { imageCommand, imageUsage } from './imageCommand.js';
import { installDepsUsage, runInstallDeps } from './installDepsCommand.js';
import { killallUsage, runKillall } from './killallCommand.js';
import { runServer, serverUsage } from './serverCommand.js';
import { skiffVersion } from '../server/version.js';

const startedAt = performance.now();

const help = `skiff — a small, complete Kubernetes

Usage:
  skiff server [flags]         start a cluster (API server on an embedded SQLite datastore)
  skiff install-deps           install containerd, runc, CNI plugins (Debian/Ubuntu, as root)
  skiff image import FILE.tar  load image archives (OCI or docker save) into skiff's containerd
  skiff killall                stop every pod of a stopped server and clean the host (as k3s-killall.sh)
  skiff version                print the version
  skiff help [command]         show help

Run 'skiff server --help' for the server's flags.
`;

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server':
      return runServer(rest, startedAt);
    case 'install-deps':
      return runInstallDeps(rest);
    case 'image':
      process.exitCode = await imageCommand(rest);
      return;
    case 'killall':
      return runKillall(rest);
    case 'version':
    case '--version':
      process.stdout.write(`skiff ${skiffVersion()} (node ${process.versions.node})\n`);
      return;
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      process.stdout.write(rest[0] === 'server' ? serverUsage() : rest[0] === 'install-deps' ? installDepsUsage() : rest[0] === 'killall' ? killallUsage() : rest[0] === 'image' ? imageUsage() : help);
      return;
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`skiff: ${e.message}\nRun 'skiff help' for usage.\n`);
    process.exit(2);
  }
  // A message says what went wrong and how to fix it; the stack is for skiff's developers.
  const detail = e instanceof Error ? (process.env.SKIFF_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
  process.stderr.write(`skiff: ${detail}\n`);
  process.exit(1);
});
