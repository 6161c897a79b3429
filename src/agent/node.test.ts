import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leasesGVR } from '../client/leaderElection.js';
import type { KubeObject } from '../machinery/types.js';
import { nodesGVR } from './node.js';
import { flushUntil, NODE, startHarness } from './testing/fixtures.js';

type Obj = Record<string, unknown>;
const status = (n: KubeObject | undefined): Obj => (n?.status ?? {}) as Obj;
const conds = (n: KubeObject | undefined): Obj[] => (status(n).conditions ?? []) as Obj[];
const ready = (n: KubeObject | undefined): Obj | undefined => conds(n).find((c) => c.type === 'Ready');
const statusPatches = (calls: { verb: string; resource: string; subresource?: string }[]): number =>
  calls.filter((c) => c.resource === 'nodes' && c.verb === 'patch' && c.subresource === 'status').length;

test('registration: the Node carries labels, capacity, addresses, nodeInfo and the kubelet conditions', async () => {
  const h = await startHarness({ agent: { controlPlane: true, labels: { 'topology.kubernetes.io/zone': 'a' } } });
  const [node] = h.fake.objects(nodesGVR);
  assert.equal(node.metadata.name, NODE);
  assert.deepEqual(node.metadata.labels, {
    'beta.kubernetes.io/arch': node.metadata.labels?.['kubernetes.io/arch'],
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': node.metadata.labels?.['kubernetes.io/arch'],
    'kubernetes.io/hostname': NODE,
    'kubernetes.io/os': 'linux',
    'node-role.kubernetes.io/control-plane': 'true',
    'topology.kubernetes.io/zone': 'a',
  });
  assert.deepEqual(node.spec, { podCIDR: '10.42.1.0/24', podCIDRs: ['10.42.1.0/24'] });
  const s = status(node);
  assert.deepEqual(s.capacity, { cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi', pods: '110' });
  assert.deepEqual(s.allocatable, s.capacity);
  assert.deepEqual(s.addresses, [{ type: 'InternalIP', address: '172.16.0.2' }, { type: 'Hostname', address: NODE }]);
  assert.deepEqual(s.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  const info = s.nodeInfo as Obj;
  assert.equal(info.kubeletVersion, 'v1.33.0-skiff');
  assert.equal(info.containerRuntimeVersion, 'sim://0.1.0');
  assert.equal(info.operatingSystem, 'linux');
  assert.equal(typeof info.kernelVersion, 'string');
  assert.deepEqual(conds(node).map((c) => [c.type, c.status, c.reason, c.message]), [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ]);
  assert.equal(ready(node)?.lastHeartbeatTime, '2026-11-28T07:00:00Z');
  await h.stop();
});

test('heartbeat: the Lease is renewed every 10 s; unchanged status is posted only every 5 min', async () => {
  const h = await startHarness();
  const lease = (): KubeObject => h.fake.objects(leasesGVR, 'kube-node-lease')[0];
  const node = h.fake.objects(nodesGVR)[0];
  assert.equal(lease().metadata.name, NODE);
  assert.deepEqual(lease().spec, { holderIdentity: NODE, leaseDurationSeconds: 40, renewTime: '2026-11-28T07:00:00.000000Z' });
  assert.deepEqual(lease().metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: node.metadata.uid }]);
  await h.clock.advance(10_000);
  await flushUntil(() => (lease().spec as Obj).renewTime === '2026-11-28T07:00:10.000000Z', 'renewed at 10 s');
  await h.clock.advance(10_000);
  await flushUntil(() => (lease().spec as Obj).renewTime === '2026-11-28T07:00:20.000000Z', 'renewed at 20 s');
  assert.equal(statusPatches(h.fake.calls), 0, 'nothing changed: no status post');
  await h.clock.advance(280_000);
  await flushUntil(() => statusPatches(h.fake.calls) === 1, 'posted at 5 min');
  const n = h.fake.objects(nodesGVR)[0];
  assert.equal(ready(n)?.lastHeartbeatTime, '2026-11-28T07:05:00Z');
  assert.equal(ready(n)?.lastTransitionTime, '2026-11-28T07:00:00Z');
  await h.stop();
});

test('status: Ready=Unknown set by the node lifecycle controller is answered at the next status check', async () => {
  const h = await startHarness();
  const node = h.fake.objects(nodesGVR)[0];
  const unknown = conds(node).map((c) => ({ ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: '2026-11-28T07:00:03Z' }));
  await h.fake.update(nodesGVR, { ...node, status: { ...status(node), conditions: unknown } }, { subresource: 'status' });
  await h.clock.advance(10_000);
  await flushUntil(() => ready(h.fake.objects(nodesGVR)[0])?.status === 'True', 'Ready again');
  const r = ready(h.fake.objects(nodesGVR)[0]);
  assert.equal(r?.reason, 'KubeletReady');
  assert.equal(r?.lastTransitionTime, '2026-11-28T07:00:10Z');
  await h.stop();
});
