// The node side of `skiff server`: the local node (simulated for --runtime sim) and any
// extra simulated nodes (--sim-nodes N), all talking to this server in-process.
import { hostname } from 'node:os';
import { nodesGVR, startAgent, startSimNodes, SimRuntime, type RunningAgent, type SimNodes } from '../agent/index.js';
import { SharedInformer, stripManagedFields } from '../client/informer.js';
import type { Client } from '../client/types.js';
import type { KubeObject } from '../machinery/types.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './log.js';
import { startContainerdNode, type ContainerdNode } from './containerdNode.js';

export interface NodeSide {
  /** The server's own node when it runs real containers (for pod streams and progress). */
  containerd?: ContainerdNode;
  stop(): Promise<void>;
}

/** The smallest per-node pod CIDR (≥ /24 of 10.42.0.0/16, narrower for big simulations) that fits `nodes`. */
function nodeMaskFor(nodes: number): number {
  let mask = 24;
  while (2 ** (mask - 16) < nodes && mask < 30) mask++;
  return mask;
}

/**
 * Test/simulation hook: `kubectl annotate node sim-node-1 skiff.dev/sim-disconnect=true` cuts a
 * simulated node off (no Lease renewals, status posts or pod syncs, as if its kubelet lost the
 * network) so the node lifecycle controller's NotReady/eviction path can be exercised with the
 * real kubectl; removing the annotation (or any other value) reconnects it. Only nodes of
 * `--sim-nodes` react; real nodes ignore it.
 */
export const SIM_DISCONNECT = 'skiff.dev/sim-disconnect';

function watchDisconnectAnnotation(client: Client, sims: SimNodes, signal: AbortSignal, onError: (e: unknown) => void): Promise<void> {
  const ours = new Set(sims.names);
  const disconnected = new Set<string>();
  const sync = (node: KubeObject): void => {
    const name = node.metadata.name ?? '';
    if (!ours.has(name)) return;
    const want = node.metadata.annotations?.[SIM_DISCONNECT] === 'true';
    if (want === disconnected.has(name)) return;
    if (want) {
      disconnected.add(name);
      sims.disconnect(name);
    } else {
      disconnected.delete(name);
      sims.reconnect(name);
    }
  };
  const informer = new SharedInformer(client, nodesGVR, { transform: stripManagedFields, onError: (e) => onError(e) });
  informer.addEventHandler({ onAdd: sync, onUpdate: (_old, node) => sync(node) });
  return informer.start(signal);
}

export async function startNodeSide(config: ServerConfig, client: Client, advertiseIP: string, log: Logger): Promise<NodeSide> {
  const local: RunningAgent[] = [];
  let sims: SimNodes | undefined;
  const total = config.simNodes + 1;
  const mask = nodeMaskFor(total);
  const hookAbort = new AbortController();
  const hooks: Promise<void>[] = [];
  const onError = (e: unknown): void => log.warn(`agent: ${e instanceof Error ? e.message : String(e)}`);
  if (!config.disableAgent && config.runtime === 'sim') {
    const runtime = new SimRuntime({ podCIDR: `10.42.0.0/${mask}`, hostIP: advertiseIP, idSeed: hostname() });
    local.push(startAgent({ client, nodeName: hostname().toLowerCase(), runtime, options: { internalIP: advertiseIP, controlPlane: true, podCIDR: `10.42.0.0/${mask}`, onError } }));
  }
  const containerd = !config.disableAgent && config.runtime === 'containerd' ? await startContainerdNode(config, client, log) : undefined;
  if (config.simNodes > 0) {
    // Upstream sizes the kubelet's Lease (40 s, renewed every 10 s) against the default 40 s
    // --node-monitor-grace-period; a shorter grace (tests) would see healthy nodes go stale,
    // so simulated nodes shrink their Lease to fit it and keep renewing at a quarter of it.
    const leaseDurationSeconds = Math.max(1, Math.min(40, Math.floor(config.nodeMonitorGracePeriodSeconds)));
    sims = startSimNodes({ client, count: config.simNodes, firstIndex: 1, clusterCIDR: '10.42.0.0/16', nodeCIDRMaskSize: mask, leaseDurationSeconds, onError });
    hooks.push(watchDisconnectAnnotation(client, sims, hookAbort.signal, onError));
  }
  return {
    containerd,
    async stop() {
      hookAbort.abort();
      await Promise.all([...hooks.map((h) => h.catch(() => undefined)), ...local.map((a) => a.stop()), sims?.stop(), containerd?.stop()]);
    },
  };
}
