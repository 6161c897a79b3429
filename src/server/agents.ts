// The node side of `skiff server`: the local node (simulated for --runtime sim) and any
// extra simulated nodes (--sim-nodes N), all talking to this server in-process.
import { hostname } from 'node:os';
import { startAgent, startSimNodes, SimRuntime, type RunningAgent, type SimNodes } from '../agent/index.js';
import type { Client } from '../client/types.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './log.js';

export interface NodeSide {
  stop(): Promise<void>;
}

/** The smallest per-node pod CIDR (≥ /24 of 10.42.0.0/16, narrower for big simulations) that fits `nodes`. */
function nodeMaskFor(nodes: number): number {
  let mask = 24;
  while (2 ** (mask - 16) < nodes && mask < 30) mask++;
  return mask;
}

export function startNodeSide(config: ServerConfig, client: Client, advertiseIP: string, log: Logger): NodeSide {
  const local: RunningAgent[] = [];
  let sims: SimNodes | undefined;
  const total = config.simNodes + 1;
  const mask = nodeMaskFor(total);
  const onError = (e: unknown): void => log.warn(`agent: ${e instanceof Error ? e.message : String(e)}`);
  if (!config.disableAgent && config.runtime === 'sim') {
    const runtime = new SimRuntime({ podCIDR: `10.42.0.0/${mask}`, hostIP: advertiseIP, idSeed: hostname() });
    local.push(startAgent({ client, nodeName: hostname().toLowerCase(), runtime, options: { internalIP: advertiseIP, controlPlane: true, podCIDR: `10.42.0.0/${mask}`, onError } }));
  }
  if (config.simNodes > 0) {
    sims = startSimNodes({ client, count: config.simNodes, firstIndex: 1, clusterCIDR: '10.42.0.0/16', nodeCIDRMaskSize: mask, onError });
  }
  return {
    async stop() {
      await Promise.all([...local.map((a) => a.stop()), sims?.stop()]);
    },
  };
}
