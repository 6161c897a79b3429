// The server's own node when it runs real containers: skiff's containerd child (or an existing
// CRI socket), the sandbox image and any air-gapped archives imported, then the same agent the
// simulated nodes use over the CRI runtime, with real probes and pod volumes. Progress goes to
// the log because the first start (image import, containerd boot) takes seconds.
import { existsSync, mkdirSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { startAgent, type RunningAgent } from '../agent/index.js';
import { CriRuntime, superviseContainerd, type RunningContainerd } from '../agent/cri/index.js';
import { ensurePauseImage, importImagesDir, startImageGC, loadRegistries, PAUSE_IMAGE, registryAuthFor, registryHostOf, writeRegistryHosts } from '../agent/images/index.js';
import type { AuthConfig } from '../agent/cri/api.js';
import { createPodConfigSource, type PodConfigSource } from '../agent/podConfig/index.js';
import { RealProber } from '../agent/probes/index.js';
import type { Client } from '../client/types.js';
import { EventRecorder } from '../client/eventRecorder.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './log.js';
import { routeServiceRangeLocally } from './hostNetwork.js';
import { startMetricsProvider, type RunningMetricsProvider } from './metricsProvider.js';

/** The local node's pod range; `--sim-nodes` take the /24s after it. */
export const localPodCIDR = '10.42.0.0/24';

export interface ContainerdNode {
  nodeName: string;
  runtime: CriRuntime;
  agent: RunningAgent;
  /** metrics.k8s.io numbers for this node (CRI stats + root cgroup, every 10 s). */
  metrics: RunningMetricsProvider;
  stop(): Promise<void>;
}

/** The node's InternalIP: the first non-loopback IPv4 address (what the kubelet picks by default). */
export function nodeInternalIP(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function startContainerdNode(config: ServerConfig, client: Client, log: Logger): Promise<ContainerdNode> {
  const nodeName = hostname().toLowerCase();
  const dir = join(config.dataDir, 'containerd');
  const onError = (what: string, e: unknown): void => log.warn(`agent: ${what}: ${e instanceof Error ? e.message : String(e)}`);
  let containerd: RunningContainerd | undefined;
  let endpoint = config.containerRuntimeEndpoint;
  const registries = loadRegistries(join(config.dataDir, 'registries.yaml'));
  const registryAuth = (image: string): AuthConfig | undefined => {
    const a = registryAuthFor(registries, registryHostOf(image), { disableDefaultEndpoint: config.disableDefaultRegistryEndpoint });
    // containerd 1.6 cannot parse a bare host:port server_address: credentials go without it.
    return a && { username: a.username, password: a.password, ...(a.identityToken ? { identity_token: a.identityToken } : {}) };
  };
  if (!endpoint) {
    const registryConfigDir = join(dir, 'certs.d');
    const hosts = writeRegistryHosts(registries, registryConfigDir, { disableDefaultEndpoint: config.disableDefaultRegistryEndpoint });
    for (const w of hosts.warnings) log.warn(w);
    if (hosts.written.length) log.info(`registries.yaml: mirrors for ${hosts.written.join(', ')}`);
    log.info(`starting containerd (state in ${dir})`);
    containerd = await superviseContainerd({ dataDir: dir, podCIDR: localPodCIDR, log: (m) => log.debug(`containerd: ${m}`), registryConfigDir, sandboxImage: PAUSE_IMAGE }, (m) => log.warn(m));
    endpoint = containerd.socket;
    await ensurePauseImage(endpoint, { log: (m: string) => log.info(m) });
    const imagesDir = join(config.dataDir, 'images');
    if (existsSync(imagesDir)) await importImagesDir(endpoint, imagesDir, (m: string) => log.info(m));
  }
  routeServiceRangeLocally(config.serviceCIDR, log);
  const agentRoot = join(config.dataDir, 'agent');
  mkdirSync(join(agentRoot, 'logs'), { recursive: true });
  const podConfig: PodConfigSource = createPodConfigSource({ client, root: agentRoot, nodeName, clusterDomain: config.clusterDomain, log: (m) => log.debug(`volumes: ${m}`) });
  const runtime = new CriRuntime({ endpoint, client, podConfig, podLogRoot: join(agentRoot, 'logs'), clusterDNS: config.clusterDNS, clusterDomain: config.clusterDomain, nodeName, registryAuth });
  const prober = new RealProber({ runtime });
  const metrics = startMetricsProvider(runtime, nodeName, { log: (m) => log.debug(m) });
  const internalIP = nodeInternalIP();
  const agent = startAgent({ client, nodeName, runtime, prober, options: { internalIP, controlPlane: true, podCIDR: localPodCIDR, onError } });
  // Image GC on the kubelet's thresholds (85 % → 80 %); the sandbox image is never a candidate.
  const nodeEvents = new EventRecorder(client, 'kubelet', nodeName);
  const imageGC = startImageGC({
    runtime: runtime.cri,
    pinned: [PAUSE_IMAGE],
    log: (m) => log.info(`image gc: ${m}`),
    recordEvent: (type, reason, message) => void nodeEvents.record({ type, reason, message, involvedObject: { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeName } }),
  });
  return {
    nodeName,
    runtime,
    agent,
    metrics,
    async stop() {
      await agent.stop();
      prober.close();
      podConfig.close();
      metrics.stop();
      imageGC.stop();
      runtime.close();
      // Containers keep running under their shims: the next start adopts them.
      await containerd?.stop();
    },
  };
}
