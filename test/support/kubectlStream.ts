// A long-running kubectl (e.g. `get -w`) as a child process whose output a test can wait on.
import { spawn } from 'node:child_process';
import { kubectlPath, type KubectlVersion, type TestCluster } from './cluster.js';

export interface KubectlStream {
  /**
   * The whole lines printed on stdout so far: output arrives in chunks, and a row cut in two
   * must not satisfy (or fail) a predicate before its newline is there.
   */
  readonly stdout: string;
  /**
   * Resolves with stdout once `predicate` holds for it. The limit only keeps a broken run from
   * hanging: it rejects with what was printed, it measures nothing.
   */
  waitFor(predicate: (stdout: string) => boolean, what: string, limitMs?: number): Promise<string>;
  /** Ends the process (SIGTERM) and waits for it. */
  stop(): Promise<void>;
}

export function streamKubectl(c: TestCluster, args: readonly string[], opts: { version?: KubectlVersion } = {}): KubectlStream {
  const p = spawn(kubectlPath(opts.version ?? '1.33'), ['--kubeconfig', c.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let received = '';
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const exited = new Promise<void>((resolve) => p.on('close', () => resolve()));
  p.stdout.setEncoding('utf8');
  p.stdout.on('data', (d: string) => {
    received += d;
    stdout = received.slice(0, received.lastIndexOf('\n') + 1);
    for (const w of [...waiters]) w();
  });
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  p.on('close', () => {
    for (const w of [...waiters]) w();
  });
  return {
    get stdout() {
      return stdout;
    },
    waitFor(predicate, what, limitMs = 20_000) {
      return new Promise((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        const check = (): void => {
          if (predicate(stdout)) {
            done();
            resolve(stdout);
          } else if (p.exitCode !== null || p.signalCode !== null) {
            done();
            reject(new Error(`kubectl ${args.join(' ')} exited before ${what}:\n${stdout}\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`kubectl ${args.join(' ')}: no ${what}:\nstdout:\n${received}\nstderr:\n${stderr}`));
        }, limitMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
      await exited;
    },
  };
}
