// Test support: a node agent on a FakeClient and a FakeClock with a SimRuntime, bound pods,
// and a recorder of every status a pod went through.
import { FakeClient } from '../../client/testing/fakeClient.js';
import { FakeClock } from '../../client/testing/fakeClock.js';
import { until } from '../../client/testing/until.js';
import type { Client } from '../../client/types.js';
import type { KubeObject } from '../../machinery/types.js';
import { startAgent, type AgentOptions, type RunningAgent } from '../agent.js';
import { podsGVR } from '../podWorkers.js';
import { simProber } from '../sim/simProber.js';
import { SimRuntime, type SimRuntimeOptions } from '../sim/simRuntime.js';
import { GracefulDeletionClient } from './gracefulClient.js';

export const NODE = 'node-1';
export const NODE_IP = '172.16.0.2';
export const POD_CIDR = '10.42.1.0/24';

export interface Harness {
  clock: FakeClock;
  fake: FakeClient;
  client: Client;
  runtime: SimRuntime;
  agent: RunningAgent;
  stop(): Promise<void>;
}

export async function startHarness(opts: { graceful?: boolean; agent?: Partial<AgentOptions>; sim?: Partial<SimRuntimeOptions>; runtime?: SimRuntime; fake?: FakeClient; clock?: FakeClock } = {}): Promise<Harness> {
  const clock = opts.clock ?? new FakeClock();
  const fake = opts.fake ?? new FakeClient({ clock });
  const client: Client = opts.graceful ? new GracefulDeletionClient(fake, clock) : fake;
  const runtime = opts.runtime ?? new SimRuntime({ podCIDR: POD_CIDR, hostIP: NODE_IP, clock, idSeed: NODE, ...opts.sim });
  const errors: string[] = [];
  const agent = startAgent({
    client,
    nodeName: NODE,
    runtime,
    clock,
    prober: simProber,
    options: { internalIP: NODE_IP, podCIDR: POD_CIDR, onError: (what, err) => errors.push(`${what}: ${String(err)}`), ...opts.agent },
  });
  await flushUntil(() => fake.objects({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }).length > 0, 'registration');
  await agent.registered;
  return {
    clock,
    fake,
    client,
    runtime,
    agent,
    async stop() {
      await agent.stop();
      if (errors.length > 0) throw new Error(`agent reported errors:\n${errors.join('\n')}`);
    },
  };
}

export async function flushUntil(cond: () => boolean, what: string): Promise<void> {
  await until(cond, what, 2000);
}

export function boundPod(name: string, extra: { spec?: Record<string, unknown>; annotations?: Record<string, string>; node?: string } = {}): KubeObject {
  const meta: KubeObject['metadata'] = { name, namespace: 'default' };
  if (extra.annotations) meta.annotations = extra.annotations;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta,
    spec: {
      nodeName: extra.node ?? NODE,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'app', image: 'nginx:1.14.2' }],
      ...extra.spec,
    },
    status: {
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-28T06:59:00Z' }],
    },
  };
}

export function getPod(fake: FakeClient, name: string): KubeObject | undefined {
  return fake.objects(podsGVR, 'default').find((p) => p.metadata.name === name);
}

export function phase(p: KubeObject | undefined): unknown {
  const st = p?.status;
  return st && typeof st === 'object' && !Array.isArray(st) ? (st as Record<string, unknown>).phase : undefined;
}

/** Every distinct status a pod was written with, in order (from a watch). */
export async function recordStatuses(fake: FakeClient, name: string): Promise<{ statuses: Record<string, unknown>[]; stop(): void }> {
  const statuses: Record<string, unknown>[] = [];
  const w = await fake.watch(podsGVR, { namespace: 'default', fieldSelector: `metadata.name=${name}`, resourceVersion: fake.resourceVersion });
  let last = '';
  void (async () => {
    for await (const ev of w) {
      if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') continue;
      const s = JSON.stringify(ev.object.status ?? {});
      if (s !== last) statuses.push(JSON.parse(s) as Record<string, unknown>);
      last = s;
    }
  })();
  return { statuses, stop: () => w.stop() };
}
