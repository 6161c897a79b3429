// Starts a real `skiff server` (the command a user runs) on a temp data dir and a free
// loopback port, and drives it with the real kubectl binaries installed on the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const kubectlVersions = ['1.27', '1.32', '1.33'] as const;
export type KubectlVersion = '1.27' | '1.28' | '1.29' | '1.30' | '1.31' | '1.32' | '1.33';

export function kubectlPath(v: KubectlVersion): string {
  return `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
}

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'skiff') return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found');
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}

export interface KubectlOptions {
  version?: KubectlVersion;
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface TestCluster {
  url: string;
  port: number;
  dataDir: string;
  kubeconfig: string;
  /** Runs kubectl (default version 1.33) against this cluster; `env` adds to the environment (e.g. EDITOR). */
  kubectl(args: readonly string[], opts?: KubectlOptions): Promise<RunResult>;
  /** Like kubectl, but throws with stderr when the exit code is not 0. */
  kubectlOk(args: readonly string[], opts?: KubectlOptions): Promise<string>;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  proc: ChildProcess;
  startupOutput: string;
}

export interface ClusterOptions {
  dataDir?: string;
  port?: number;
  extraArgs?: string[];
  keepDataDir?: boolean;
  /**
   * Run the controllers and scheduler too. Off by default: the API suites check the API
   * server's own semantics (status, scale, namespaces …) without controllers acting on
   * the objects, as upstream's apiserver integration tests do.
   */
  controllers?: boolean;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-test-'));
  const args = [join(repoRoot(), 'bin', 'skiff.js'), 'server', '--data-dir', dataDir, '--https-port', String(opts.port ?? 0), '--bind-address', '127.0.0.1', '--runtime', 'sim', '--disable-agent', '--log-level', 'warn', ...(opts.controllers ? [] : ['--disable-controller-manager']), ...(opts.extraArgs ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30s:\n${out}\n${err}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /API server at (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const exited = new Promise<number>((resolve) => proc.on('exit', (code, sig) => resolve(code ?? (sig ? 128 : -1))));
  const kubectl: TestCluster['kubectl'] = (a, o = {}) => run(kubectlPath(o.version ?? '1.33'), ['--kubeconfig', kubeconfig, ...a], { input: o.input, timeoutMs: o.timeoutMs, env: o.env });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    kubeconfig,
    proc,
    startupOutput: out,
    kubectl,
    async kubectlOk(a, o) {
      const r = await kubectl(a, o);
      if (r.code !== 0) throw new Error(`kubectl ${a.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
      return r.stdout;
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const code = await exited;
      if (!opts.dataDir && !opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
