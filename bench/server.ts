// The server under test for every bench: `bin/skiff.js server` as a child process on a free
// loopback port, and its resident memory read from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/support/cluster.js';

export interface BenchServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The process's resident set in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * The Node.js flags `skiff` runs with (its shebang line), so the bench measures the server as
 * `npx skiff server` runs it, not as a bare `node bin/skiff.js` would.
 */
function skiffNodeFlags(): string[] {
  const shebang = readFileSync(join(repoRoot(), 'bin', 'skiff.js'), 'utf8').split('\n')[0];
  return shebang.split(/\s+/).filter((a) => a.startsWith('--'));
}

/** Starts `skiff server` with `serverArgs` (after `nodeArgs` for Node.js itself) and resolves once it prints its address. */
export async function startBenchServer(dataDir: string, serverArgs: string[], nodeArgs: string[] = []): Promise<BenchServer> {
  const proc = spawn(process.execPath, [...skiffNodeFlags(), ...nodeArgs, join(repoRoot(), 'bin', 'skiff.js'), 'server', '--data-dir', dataDir, '--https-port', '0', '--bind-address', '127.0.0.1', '--log-level', 'error', ...serverArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let found = false;
    proc.stdout!.on('data', (d: Buffer) => {
      // After the address line the server's stdout (e.g. --trace-gc lines) goes to stderr.
      if (found) return void process.stderr.write(d);
      out += d.toString();
      const m = /API server at (https:\/\/\S+)/.exec(out);
      if (m) {
        found = true;
        resolve(m[1]);
      }
    });
    proc.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return {
    url,
    pid: proc.pid!,
    stop: () => new Promise((r) => {
      if (proc.exitCode !== null) return r();
      proc.on('exit', () => r());
      proc.kill('SIGTERM');
    }),
  };
}
