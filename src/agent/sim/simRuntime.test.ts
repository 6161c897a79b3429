import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../client/testing/fakeClock.js';
import type { KubeObject } from '../../machinery/types.js';
import type { RuntimeEvent } from '../runtime.js';
import { SimRuntime } from './simRuntime.js';

const pod = (policy: string, annotations: Record<string, string> = {}, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'p', namespace: 'default', uid: 'uid-1', annotations },
  spec: { restartPolicy: policy, containers: [{ name: 'app', image: 'busybox' }], ...extra },
});

test('sim runtime: sandboxes get IPs from the pod CIDR (host network pods the node IP); stop releases them', async () => {
  const clock = new FakeClock();
  const rt = new SimRuntime({ podCIDR: '10.42.5.0/24', hostIP: '172.16.0.6', clock });
  const a = await rt.runPodSandbox(pod('Always'));
  const b = await rt.runPodSandbox(pod('Always'));
  const h = await rt.runPodSandbox(pod('Always', {}, { hostNetwork: true }));
  assert.deepEqual([a.podIP, b.podIP, h.podIP], ['10.42.5.2', '10.42.5.3', '172.16.0.6']);
  assert.equal(rt.ipsInUse, 2);
  await rt.stopPodSandbox(a.sandboxId);
  await rt.stopPodSandbox(a.sandboxId);
  assert.equal(rt.ipsInUse, 1);
  await rt.removePodSandbox(b.sandboxId);
  await rt.removePodSandbox(h.sandboxId);
  assert.equal(rt.ipsInUse, 0);
  assert.deepEqual((await rt.listPodSandboxes()).map((s) => s.state), ['notready']);
  assert.deepEqual(await rt.version(), { runtimeName: 'sim', runtimeVersion: '0.1.0' });
});

test('sim runtime: Never containers exit 0 after completeAfterMs; crash-loop containers exit 1 every attempt', async () => {
  const clock = new FakeClock();
  const rt = new SimRuntime({ podCIDR: '10.42.5.0/24', hostIP: '172.16.0.6', clock, completeAfterMs: 3000, crashAfterMs: 500 });
  const events: RuntimeEvent[] = [];
  rt.subscribe((e) => events.push(e));
  const never = pod('Never');
  const sb = await rt.runPodSandbox(never);
  const c = await rt.createContainer(sb.sandboxId, never, { name: 'app', image: 'busybox' }, 0);
  await rt.startContainer(c);
  assert.equal((await rt.containerStatus(c))?.state, 'running');
  clock.step(3000);
  assert.deepEqual(await rt.containerStatus(c), {
    id: c, state: 'exited', exitCode: 0, reason: 'Completed', createdAt: clock.now() - 3000, startedAt: clock.now() - 3000, finishedAt: clock.now(),
    restartCount: 0, image: 'docker.io/library/busybox:latest', imageRef: (await rt.imageStatus('busybox')) ?? '',
  });
  assert.deepEqual(events.filter((e) => e.type === 'stopped').map((e) => [e.containerId, e.podUid]), [[c, 'uid-1']]);

  const crashing = pod('Always', { 'skiff.dev/sim-crashloop': 'true' });
  const sb2 = await rt.runPodSandbox(crashing);
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = await rt.createContainer(sb2.sandboxId, crashing, { name: 'app', image: 'busybox' }, attempt);
    await rt.startContainer(id);
    clock.step(500);
    const s = await rt.containerStatus(id);
    assert.deepEqual([s?.state, s?.exitCode, s?.reason, s?.restartCount], ['exited', 1, 'Error', attempt]);
  }
});

test('sim runtime: stopContainer honours sim-stop-ms within the timeout, SIGKILLs (137) past it', async () => {
  const clock = new FakeClock();
  const rt = new SimRuntime({ podCIDR: '10.42.5.0/24', hostIP: '172.16.0.6', clock });
  const p = pod('Always', { 'skiff.dev/sim-stop-ms': '3000' });
  const sb = await rt.runPodSandbox(p);
  const quick = await rt.createContainer(sb.sandboxId, p, { name: 'app', image: 'busybox' }, 0);
  const slow = await rt.createContainer(sb.sandboxId, p, { name: 'app', image: 'busybox' }, 1);
  await rt.startContainer(quick);
  await rt.startContainer(slow);
  let quickDone = false;
  const q = rt.stopContainer(quick, 30).then(() => (quickDone = true));
  const s = rt.stopContainer(slow, 2);
  await clock.advance(2000);
  await s;
  assert.deepEqual([(await rt.containerStatus(slow))?.exitCode, quickDone], [137, false]);
  await clock.advance(1000);
  await q;
  assert.equal((await rt.containerStatus(quick))?.exitCode, 0);
});
