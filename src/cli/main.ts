// The skiff command.
import { UsageError } from './args.js';
import { runServer, serverUsage } from './serverCommand.js';
import { skiffVersion } from '../server/version.js';

const startedAt = performance.now();

const help = `skiff — a small, complete Kubernetes

Usage:
  skiff server [flags]   start a cluster (API server on an embedded SQLite datastore)
  skiff version          print the version
  skiff help [command]   show help

Run 'skiff server --help' for the server's flags.
`;

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server':
      return runServer(rest, startedAt);
    case 'version':
    case '--version':
      process.stdout.write(`skiff ${skiffVersion()} (node ${process.versions.node})\n`);
      return;
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      process.stdout.write(rest[0] === 'server' ? serverUsage() : help);
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
  process.stderr.write(`skiff: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
