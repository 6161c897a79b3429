import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leasesGVR } from '../client/leaderElection.js';
import { FakeClient } from '../client/testing/fakeClient.js';
import { FakeClock } from '../client/testing/fakeClock.js';
import type { KubeObject } from '../machinery/types.js';
import { startSimNodes } from './agent.js';
import { nodesGVR } from './node.js';
import { podsGVR } from './podWorkers.js';
import { boundPod, flushUntil, getPod, phase } from './testing/fixtures.js';

type Obj = Record<string, unknown>;
const renewTime = (l: KubeObject): unknown => (l.spec as Obj).renewTime;

test('50 simulated nodes register, share one pod watch and one node watch, and run their pods', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const errors: unknown[] = [];
  const sims = startSimNodes({ client: fake, clock, count: 50, labels: { 'skiff.dev/pool': 'sim' }, onError: (_w, e) => errors.push(e) });
  await sims.registered;
  assert.equal(sims.names[7], 'sim-node-7');
  const nodes = fake.objects(nodesGVR);
  assert.equal(nodes.length, 50);
  assert.equal(fake.objects(leasesGVR, 'kube-node-lease').length, 50);
  const n7 = nodes.find((n) => n.metadata.name === 'sim-node-7');
  assert.deepEqual((n7?.spec as Obj).podCIDRs, ['10.42.7.0/24']);
  assert.equal(n7?.metadata.labels?.['skiff.dev/pool'], 'sim');
  assert.deepEqual(((n7?.status as Obj).addresses as Obj[])[0], { type: 'InternalIP', address: '172.16.0.8' });
  assert.equal(fake.watchCount(podsGVR), 1);
  assert.equal(fake.watchCount(nodesGVR), 1);

  await fake.create(podsGVR, boundPod('a', { node: 'sim-node-7' }));
  await fake.create(podsGVR, boundPod('b', { node: 'sim-node-42' }));
  await fake.create(podsGVR, boundPod('elsewhere', { node: 'real-node' }));
  await flushUntil(() => phase(getPod(fake, 'a')) === 'Running' && phase(getPod(fake, 'b')) === 'Running', 'running');
  assert.equal((getPod(fake, 'a')?.status as Obj).podIP, '10.42.7.2');
  assert.equal((getPod(fake, 'b')?.status as Obj).podIP, '10.42.42.2');
  assert.equal((getPod(fake, 'b')?.status as Obj).hostIP, '172.16.0.43');
  assert.equal(getPod(fake, 'elsewhere')?.status && (getPod(fake, 'elsewhere')?.status as Obj).containerStatuses, undefined, 'not ours');

  // Renewals are spread over the 10 s period: after 5 s about half the leases moved on.
  await clock.advance(5000);
  await flushUntil(() => true, 'settle');
  const renewed = fake.objects(leasesGVR, 'kube-node-lease').filter((l) => renewTime(l) !== '2026-11-28T07:00:00.000000Z').length;
  assert.ok(renewed >= 20 && renewed <= 30, `${renewed} of 50 renewed after half a period`);
  await clock.advance(5000);
  await flushUntil(() => fake.objects(leasesGVR, 'kube-node-lease').every((l) => renewTime(l) !== '2026-11-28T07:00:00.000000Z'), 'all renewed within one period');

  // A disconnected node stops renewing; the others go on.
  sims.disconnect('sim-node-3');
  const leaseOf = (name: string): KubeObject | undefined => fake.objects(leasesGVR, 'kube-node-lease').find((l) => l.metadata.name === name);
  const frozen = renewTime(leaseOf('sim-node-3') as KubeObject);
  await clock.advance(30_000);
  await flushUntil(() => true, 'settle');
  assert.equal(renewTime(leaseOf('sim-node-3') as KubeObject), frozen);
  assert.notEqual(renewTime(leaseOf('sim-node-4') as KubeObject), frozen);
  sims.reconnect('sim-node-3');
  await flushUntil(() => renewTime(leaseOf('sim-node-3') as KubeObject) === '2026-11-28T07:00:40.000000Z', 'renewed on reconnect');

  await sims.stop();
  assert.equal(fake.watchCount(), 0);
  assert.deepEqual(errors, []);
});

test('simulated node CIDRs: a cluster CIDR too small for the node count is refused with advice', () => {
  const fake = new FakeClient();
  assert.throws(() => startSimNodes({ client: fake, count: 2, firstIndex: 255 }), /10\.42\.0\.0\/16 holds 256 \/24 node subnets; use a wider cluster CIDR/);
});
