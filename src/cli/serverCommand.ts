// `skiff server`: start a cluster and tell the user how to reach it.
import { defaultClusterDNS, defaultConfig, defaultDataDir, type ServerConfig } from '../server/config.js';
import { createLogger, isLogLevel } from '../server/log.js';
import { startServer, type RunningServer } from '../server/server.js';
import { nodesGVR } from '../agent/index.js';
import { MissingDependencyError } from '../agent/hostDependencies.js';
import { parseFlags, usage, UsageError, type FlagSpec } from './args.js';

const specs: FlagSpec[] = [
  { name: 'data-dir', type: 'string', help: 'where the datastore, certificates and kubeconfig live', defaultText: '/var/lib/skiff as root, ~/.skiff otherwise' },
  { name: 'https-port', type: 'number', help: 'API server port (0 picks a free one)', defaultText: '6443' },
  { name: 'bind-address', type: 'string', help: 'address the API server listens on', defaultText: '0.0.0.0' },
  { name: 'write-kubeconfig', type: 'string', help: 'where to write the admin kubeconfig', defaultText: '<data-dir>/kubeconfig.yaml' },
  { name: 'runtime', type: 'string', help: 'container runtime for the local node: containerd or sim', defaultText: 'containerd' },
  { name: 'container-runtime-endpoint', type: 'string', help: 'use this CRI socket instead of starting skiff\'s own containerd' },
  { name: 'cluster-dns', type: 'string', help: 'cluster DNS address given to pods', defaultText: '10th address of --service-cidr (10.43.0.10)' },
  { name: 'disable-default-registry-endpoint', type: 'boolean', help: 'pull only through the mirrors of <data-dir>/registries.yaml, never from the upstream registry' },
  { name: 'disable-agent', type: 'boolean', help: 'run the control plane only, no local node' },
  { name: 'sim-nodes', type: 'number', help: 'add N simulated nodes (pods on them go through their lifecycle without containers)', defaultText: '0' },
  { name: 'disable-controller-manager', type: 'boolean', help: 'run the API server only: no controllers, no scheduler' },
  { name: 'service-cidr', type: 'string', help: 'virtual IP range of Services', defaultText: '10.43.0.0/16' },
  { name: 'service-node-port-range', type: 'string', help: 'port range of NodePort Services', defaultText: '30000-32767' },
  { name: 'cluster-domain', type: 'string', help: 'DNS domain of the cluster', defaultText: 'cluster.local' },
  { name: 'compact-interval', type: 'number', help: 'seconds between datastore compactions', defaultText: '300' },
  { name: 'compact-keep', type: 'number', help: 'revisions of history kept for watches', defaultText: '10000' },
  { name: 'node-monitor-grace-period', type: 'number', help: 'seconds a node may stay silent before it is marked NotReady (Ready=Unknown)', defaultText: '40' },
  { name: 'log-level', type: 'string', help: 'error, warn, info or debug', defaultText: 'info' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

const summary = 'Starts a Kubernetes API server on an embedded SQLite datastore and writes an admin kubeconfig.';

export function serverUsage(): string {
  return usage('server', summary, specs);
}

export function configFromArgs(argv: readonly string[]): ServerConfig | 'help' {
  const { flags, rest } = parseFlags(argv, specs);
  if (flags.help) return 'help';
  if (rest.length) throw new UsageError(`unexpected argument: ${rest[0]}`);
  const dataDir = (flags['data-dir'] as string | undefined) ?? defaultDataDir();
  const cfg = defaultConfig({ dataDir });
  if (flags['https-port'] !== undefined) cfg.httpsPort = flags['https-port'] as number;
  if (cfg.httpsPort > 65535) throw new UsageError('--https-port must be at most 65535');
  if (flags['bind-address'] !== undefined) cfg.bindAddress = flags['bind-address'] as string;
  if (flags['write-kubeconfig'] !== undefined) cfg.writeKubeconfig = flags['write-kubeconfig'] as string;
  const runtime = flags.runtime as string | undefined;
  if (runtime !== undefined) {
    if (runtime !== 'sim' && runtime !== 'containerd') throw new UsageError(`--runtime must be "containerd" or "sim", not "${runtime}"`);
    cfg.runtime = runtime;
  }
  cfg.disableAgent = flags['disable-agent'] === true;
  if (flags['disable-controller-manager'] === true) cfg.controllerManager = false;
  if (flags['sim-nodes'] !== undefined) cfg.simNodes = flags['sim-nodes'] as number;
  if (flags['service-cidr'] !== undefined) {
    const v = flags['service-cidr'] as string;
    if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(v)) throw new UsageError(`--service-cidr must be an IPv4 CIDR like 10.43.0.0/16, not "${v}"`);
    cfg.serviceCIDR = v;
    cfg.clusterDNS = defaultClusterDNS(v);
  }
  if (flags['cluster-dns'] !== undefined) {
    const v = flags['cluster-dns'] as string;
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(v)) throw new UsageError(`--cluster-dns must be an IPv4 address, not "${v}"`);
    cfg.clusterDNS = v;
  }
  if (flags['container-runtime-endpoint'] !== undefined) cfg.containerRuntimeEndpoint = String(flags['container-runtime-endpoint']).replace(/^unix:\/\//, '');
  cfg.disableDefaultRegistryEndpoint = flags['disable-default-registry-endpoint'] === true;
  if (flags['service-node-port-range'] !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(flags['service-node-port-range'] as string);
    if (!m || Number(m[1]) > Number(m[2])) throw new UsageError('--service-node-port-range must look like 30000-32767');
    cfg.nodePortRange = [Number(m[1]), Number(m[2])];
  }
  if (flags['cluster-domain'] !== undefined) cfg.clusterDomain = flags['cluster-domain'] as string;
  if (flags['compact-interval'] !== undefined) cfg.compactIntervalSeconds = flags['compact-interval'] as number;
  if (flags['compact-keep'] !== undefined) cfg.compactKeepRevisions = flags['compact-keep'] as number;
  if (flags['node-monitor-grace-period'] !== undefined) {
    const v = flags['node-monitor-grace-period'] as number;
    if (!(v > 0)) throw new UsageError('--node-monitor-grace-period must be a positive number of seconds');
    cfg.nodeMonitorGracePeriodSeconds = v;
  }
  const level = flags['log-level'] as string | undefined;
  if (level !== undefined) {
    if (!isLogLevel(level)) throw new UsageError(`--log-level must be one of error, warn, info, debug`);
    cfg.logLevel = level;
  }
  return cfg;
}

/** Progress for the last long step: the local node registering and turning Ready. */
async function reportNodeReady(server: RunningServer, nodeName: string): Promise<void> {
  const began = performance.now();
  process.stdout.write(`waiting for node ${nodeName} to be Ready…\n`);
  const client = server.loopback('skiff-cli');
  try {
    for (let i = 0; i < 600; i++) {
      const node = await client.get(nodesGVR, nodeName).catch(() => undefined);
      const conditions = (node?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) {
        process.stdout.write(`node ${nodeName} is Ready (${((performance.now() - began) / 1000).toFixed(1)}s): pods run in containerd\n`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    process.stdout.write(`node ${nodeName} is not Ready after 2 minutes: see \`kubectl describe node ${nodeName}\`\n`);
  } finally {
    client.close();
  }
}

export async function runServer(argv: readonly string[], startedAt: number): Promise<void> {
  const cfg = configFromArgs(argv);
  if (cfg === 'help') {
    process.stdout.write(serverUsage());
    return;
  }
  const log = createLogger(cfg.logLevel);
  let server;
  try {
    server = await startServer(cfg, log);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new UsageError(`port ${cfg.httpsPort} on ${cfg.bindAddress} is already in use: stop the other server or pass --https-port N (0 picks a free port)`);
    if (e instanceof MissingDependencyError) throw new UsageError(e.message);
    if (err.code === 'EACCES') throw new UsageError(`no permission to write ${cfg.dataDir} or bind port ${cfg.httpsPort}: run as root or pass --data-dir DIR and --https-port N`);
    throw e;
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  process.stdout.write(
    `skiff is ready (${seconds}s): API server at ${server.url}\n` +
      `  kubeconfig: ${server.kubeconfig}\n` +
      `  data dir:   ${cfg.dataDir}\n\n` +
      `Next:\n  export KUBECONFIG=${server.kubeconfig}\n  kubectl get nodes\n\n`,
  );
  if (server.localNode) void reportNodeReady(server, server.localNode);
  let signalled = false;
  const shutdown = (sig: string): void => {
    if (signalled) return;
    signalled = true;
    log.info(`${sig} received: finishing in-flight requests and closing the datastore`);
    server
      .stop()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error(`shutdown failed: ${String(e)}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
