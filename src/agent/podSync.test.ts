import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../client/testing/fakeClock.js';
import type { KubeObject } from '../machinery/types.js';
import type { NodeHandle, PodRecord } from './podRecord.js';
import type { ProbeInput } from './prober.js';
import { observationOf, probeKillGraceSeconds } from './podSync.js';
import { podsGVR } from './podWorkers.js';
import { SimRuntime } from './sim/simRuntime.js';
import { boundPod, flushUntil, getPod, NODE, NODE_IP, POD_CIDR, startHarness } from './testing/fixtures.js';

type Obj = Record<string, unknown>;

test('a create error carrying a reason (ContainerConfigError) waits with that reason and the error text', async () => {
  class ConfigError extends Error {
    readonly reason = 'CreateContainerConfigError';
  }
  class FailingSim extends SimRuntime {
    override async createContainer(sandboxId: string, pod: KubeObject, container: Record<string, unknown>, attempt: number): Promise<string> {
      if (container.name === 'cfg') throw new ConfigError('configmap "x" not found');
      if (container.name === 'plain') throw new Error('boom');
      return super.createContainer(sandboxId, pod, container, attempt);
    }
  }
  const clock = new FakeClock();
  const h = await startHarness({ clock, runtime: new FailingSim({ podCIDR: POD_CIDR, hostIP: NODE_IP, clock, idSeed: NODE }) });
  await h.fake.create(podsGVR, boundPod('cfg', { spec: { containers: [{ name: 'cfg', image: 'nginx:1.14.2' }, { name: 'plain', image: 'nginx:1.14.2' }] } }));
  const waiting = (name: string): Obj | undefined => {
    const statuses = ((getPod(h.fake, 'cfg')?.status as Obj | undefined)?.containerStatuses ?? []) as Obj[];
    return (statuses.find((c) => c.name === name)?.state as Obj | undefined)?.waiting as Obj | undefined;
  };
  await flushUntil(() => waiting('cfg')?.reason === 'CreateContainerConfigError' && waiting('plain')?.reason === 'CreateContainerError', 'waiting reasons');
  assert.deepEqual(waiting('cfg'), { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' });
  assert.deepEqual(waiting('plain'), { reason: 'CreateContainerError', message: 'boom' });
  await h.stop();
});

test('the grace period of a probe kill: deletion grace, else the probe\'s, else the pod\'s; at least 2 s', () => {
  const pod = (spec: Obj, deletion?: number): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(deletion !== undefined ? { deletionGracePeriodSeconds: deletion } : {}) }, spec });
  const c = { name: 'app', livenessProbe: { terminationGracePeriodSeconds: 5 }, startupProbe: {} };
  assert.equal(probeKillGraceSeconds(pod({ terminationGracePeriodSeconds: 30 }), c, 'liveness'), 5);
  assert.equal(probeKillGraceSeconds(pod({ terminationGracePeriodSeconds: 30 }), c, 'startup'), 30);
  assert.equal(probeKillGraceSeconds(pod({ terminationGracePeriodSeconds: 30 }, 7), c, 'liveness'), 7);
  assert.equal(probeKillGraceSeconds(pod({ terminationGracePeriodSeconds: 0 }), {}, 'liveness'), 2);
  assert.equal(probeKillGraceSeconds(pod({}), c, 'liveness'), 2);
});

test('probes of a running container are given the pod IP, or the node IP for a hostNetwork pod without one', () => {
  const seen: ProbeInput[] = [];
  const node = { name: NODE, hostIP: NODE_IP, runtimeName: 'sim', paused: false, runtime: new SimRuntime({ podCIDR: POD_CIDR, hostIP: NODE_IP }), prober: { check: (i: ProbeInput) => (seen.push(i), { started: true, ready: true }) } } satisfies NodeHandle;
  const record = (pod: KubeObject, podIP?: string): PodRecord => ({
    uid: 'u', key: 'default/p', node, pod, lastPod: pod, lifecycle: 'active', sandboxReady: true, killDone: false, finalDeleteSent: false,
    ...(podIP ? { podIP } : {}),
    containers: new Map([['app', { id: 'c1', attempt: 0, status: { id: 'c1', state: 'running', startedAt: 1 } }]]),
  });
  const pod = boundPod('p');
  observationOf(record(pod, '10.42.1.7'), pod, 2, false);
  const host = boundPod('h', { spec: { hostNetwork: true } });
  observationOf(record(host), host, 2, false);
  observationOf(record(pod), pod, 2, false);
  assert.deepEqual(seen.map((i) => i.podIP), ['10.42.1.7', NODE_IP, undefined]);
  assert.deepEqual([seen[0].containerId, seen[0].startedAt, seen[0].now], ['c1', 1, 2]);
});
