// A real `skiff server` running containers: its own containerd under a temp data dir, images
// pulled from a local OCI registry that `registries.yaml` names as the only endpoint for
// docker.io and registry.k8s.io (so the seed's manifests run unchanged and nothing leaves the
// machine). Suites take a machine-wide lock first: one node owns the pod bridge and range at a
// time. `dispose()` runs `skiff killall`, which stops every pod and removes what they left.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriClient } from '../../src/agent/cri/index.js';
import { repoRoot, startCluster, type TestCluster } from './cluster.js';
import { acquireE2eLock } from './e2eLock.js';
import { startOciRegistry, type TestRegistry } from './ociRegistry.js';
import { buildTestImages } from './testImages.js';
import { eventually } from './workloads.js';

/** Why the containerd suites cannot run here (one check for every containerd suite). */
export { containerdSkipReason } from '../../src/agent/images/testContainerd.js';

export interface NodeState {
  sandboxes: Array<{ id: string; podUid: string; state: string }>;
  /** Pod IPs host-local has leased. */
  ipLeases: string[];
}

export interface ContainerdCluster extends TestCluster {
  registry: TestRegistry;
  /** What containerd and the CNI IPAM hold right now. */
  nodeState(): Promise<NodeState>;
  /** Starts skiff again on the same data dir (after stop() or kill()). */
  restart(): Promise<void>;
  /** Stops skiff, removes every pod from the node, frees the lock and the temp dir. */
  dispose(): Promise<void>;
}

function skiff(args: string[]): string {
  return execFileSync(process.execPath, [join(repoRoot(), 'bin', 'skiff.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startContainerdCluster(opts: { extraArgs?: string[] } = {}): Promise<ContainerdCluster> {
  const release = await acquireE2eLock();
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  let registry: TestRegistry | undefined;
  let current: TestCluster | undefined;
  const cleanup = async (): Promise<void> => {
    if (current && current.proc.exitCode === null && current.proc.signalCode === null) await current.stop();
    try {
      skiff(['killall', '--data-dir', dataDir]);
    } catch (e) {
      process.stderr.write(`skiff killall failed: ${String((e as { stderr?: string }).stderr ?? e)}\n`);
    }
    await registry?.close();
    rmSync(dataDir, { recursive: true, force: true });
    release();
  };
  try {
    const reg = await startOciRegistry({ images: buildTestImages() });
    registry = reg;
    const endpoint = reg.url;
    writeFileSync(join(dataDir, 'registries.yaml'), `mirrors:\n  docker.io:\n    endpoint: ["${endpoint}"]\n  registry.k8s.io:\n    endpoint: ["${endpoint}"]\n`);
    const args = ['--runtime', 'containerd', '--disable-agent=false', '--disable-default-registry-endpoint', '--log-level', 'info', ...(opts.extraArgs ?? [])];
    const start = async (): Promise<TestCluster> => {
      const cl = await startCluster({ dataDir, controllers: true, extraArgs: args });
      await eventually(async () => {
        const out = await cl.kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}']);
        return out.trim() === 'True' ? true : undefined;
      }, 'the containerd node to be Ready', 60_000);
      return cl;
    };
    current = await start();
    const criSocket = join(dataDir, 'containerd', 'containerd.sock');
    const self: ContainerdCluster = {
      get url() { return current!.url; },
      get port() { return current!.port; },
      get proc() { return current!.proc; },
      get startupOutput() { return current!.startupOutput; },
      dataDir,
      kubeconfig: join(dataDir, 'kubeconfig.yaml'),
      registry: reg,
      kubectl: (a, o) => current!.kubectl(a, o),
      kubectlOk: (a, o) => current!.kubectlOk(a, o),
      stop: () => current!.stop(),
      kill: () => current!.kill(),
      async restart() {
        current = await start();
      },
      async nodeState() {
        const cri = new CriClient(criSocket);
        try {
          const sandboxes = (await cri.listPodSandboxes()).map((s) => ({ id: s.id, podUid: s.podUid, state: s.state }));
          const ipamDir = join(dataDir, 'containerd', 'cni', 'ipam', 'skiff');
          let ipLeases: string[] = [];
          try {
            ipLeases = readdirSync(ipamDir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
          } catch {
            // no lease yet
          }
          return { sandboxes, ipLeases };
        } finally {
          cri.close();
        }
      },
      dispose: cleanup,
    };
    return self;
  } catch (e) {
    await cleanup();
    throw e;
  }
}
