import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { decideNodeLifecycle } from './decide.js';
import { summarizeZones, type ZoneSummary } from './health.js';

type Obj = Record<string, unknown>;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): number => T0 + s * 1000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const micro = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

function node(opts: { ready?: string | null; heartbeat?: number; taints?: Obj[]; unschedulable?: boolean; zone?: string; name?: string } = {}): KubeObject {
  const hb = iso(opts.heartbeat ?? T0);
  const cond = (type: string, status: string, reason: string): Obj => ({ type, status, reason, message: 'm', lastHeartbeatTime: hb, lastTransitionTime: iso(T0 - 3600_000) });
  const conditions = opts.ready === null ? [] : [
    cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
    cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
    cond('PIDPressure', 'False', 'KubeletHasSufficientPID'),
    cond('Ready', opts.ready ?? 'True', opts.ready === 'False' ? 'KubeletNotReady' : 'KubeletReady'),
  ];
  const spec: Obj = {};
  if (opts.taints) spec.taints = opts.taints;
  if (opts.unschedulable) spec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: opts.name ?? 'n1', uid: 'node-uid', resourceVersion: '7', creationTimestamp: iso(T0 - 7200_000), labels: opts.zone ? { 'topology.kubernetes.io/zone': opts.zone } : {} },
    spec,
    status: { conditions },
  };
}
const lease = (renew: number, name = 'n1'): KubeObject => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: micro(renew) } });
const defaultTolerations = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];
function pod(name: string, tolerations: Obj[] = defaultTolerations, ready = true): KubeObject {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '3' },
    spec: { nodeName: 'n1', tolerations },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: iso(T0 - 600_000) }] },
  };
}
const normal: ZoneSummary = { key: '', state: 'Normal', size: 4, notReady: 1, allZonesFullyDisrupted: false };

const kinds = (actions: Action[]): string[] => actions.map((a) => (a.kind === 'updateStatus' || a.kind === 'update' || a.kind === 'create' ? `${a.kind}:${a.object.kind}` : a.kind === 'patch' || a.kind === 'delete' ? `${a.kind}:${a.ref.kind}` : a.kind));
const requeue = (actions: Action[]): number | undefined => {
  const r = actions.find((a) => a.kind === 'requeueAfter');
  return r && r.kind === 'requeueAfter' ? r.ms : undefined;
};
const taintPatch = (actions: Action[]): Obj[] | null | undefined => {
  const p = actions.find((a) => a.kind === 'patch');
  return p && p.kind === 'patch' ? ((p.patch as Obj).spec as Obj).taints as Obj[] | null : undefined;
};
const nodeStatus = (actions: Action[]): Obj[] | undefined => {
  const u = actions.find((a) => a.kind === 'updateStatus' && a.object.kind === 'Node');
  return u && u.kind === 'updateStatus' ? ((u.object.status as Obj).conditions as Obj[]) : undefined;
};

test('node lifecycle timing: a node whose Lease stops is left alone for 40 s, then goes Unknown and is tainted', () => {
  const rows: [number, boolean, number | undefined][] = [
    // [seconds after the last renewal, conditions go Unknown, requeue ms]
    [10, false, 30_001],
    [39, false, 1001],
    [40, false, 1], // upstream: probe + grace must be strictly before now
    [40.001, true, 5000],
    [300, true, 5000],
  ];
  for (const [s, stale, wait] of rows) {
    const actions = decideNodeLifecycle({ node: node(), lease: lease(T0), pods: [], zone: normal }, at(s));
    assert.equal(nodeStatus(actions) !== undefined, stale, `stale at +${s}s`);
    assert.equal(requeue(actions), wait, `requeue at +${s}s`);
  }
  const actions = decideNodeLifecycle({ node: node(), lease: lease(T0), pods: [pod('a')], zone: normal }, at(41));
  assert.deepEqual(kinds(actions), ['updateStatus:Node', 'patch:Node', 'updateStatus:Pod', 'requeueAfter']);
  assert.deepEqual(nodeStatus(actions)?.map((c) => [c.type, c.status, c.reason, c.message, c.lastHeartbeatTime, c.lastTransitionTime]), [
    ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', '2026-01-01T00:00:00Z', '2026-01-01T00:00:41Z'],
    ['DiskPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', '2026-01-01T00:00:00Z', '2026-01-01T00:00:41Z'],
    ['PIDPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', '2026-01-01T00:00:00Z', '2026-01-01T00:00:41Z'],
    ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', '2026-01-01T00:00:00Z', '2026-01-01T00:00:41Z'],
  ]);
  const upd = actions[0];
  assert.ok(upd.kind === 'updateStatus');
  assert.deepEqual(upd.onSuccess?.map((e) => [e.type, e.reason, e.message]), [['Normal', 'NodeNotReady', 'Node n1 status is now: NodeNotReady']]);
  assert.deepEqual(taintPatch(actions), [
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:41Z' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:41Z' },
  ]);
  const podUpd = actions[2];
  assert.ok(podUpd.kind === 'updateStatus');
  assert.deepEqual(((podUpd.object.status as Obj).conditions as Obj[])[0], { type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:00:41Z' });
  assert.deepEqual(podUpd.onSuccess?.map((e) => [e.type, e.reason, e.message]), [['Warning', 'NodeNotReady', 'Node is not ready']]);
});

test('the Ready heartbeat counts like the Lease; a node that never reported gets the 60 s startup grace', () => {
  assert.equal(nodeStatus(decideNodeLifecycle({ node: node({ heartbeat: at(30) }), pods: [] }, at(69))), undefined);
  assert.notEqual(nodeStatus(decideNodeLifecycle({ node: node({ heartbeat: at(30) }), pods: [] }, at(71))), undefined);
  const fresh = node({ ready: null });
  fresh.metadata.creationTimestamp = iso(T0);
  assert.equal(nodeStatus(decideNodeLifecycle({ node: fresh, pods: [] }, at(60))), undefined);
  const conds = nodeStatus(decideNodeLifecycle({ node: fresh, pods: [] }, at(61)));
  assert.deepEqual(conds?.map((c) => [c.type, c.status, c.reason, c.message, c.lastHeartbeatTime]), [
    ['Ready', 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.', '2026-01-01T00:00:00Z'],
    ['MemoryPressure', 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.', '2026-01-01T00:00:00Z'],
    ['DiskPressure', 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.', '2026-01-01T00:00:00Z'],
    ['PIDPressure', 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.', '2026-01-01T00:00:00Z'],
  ]);
});

test('NoExecute eviction: untolerated pods at once, the default 300 s toleration when it runs out, Exists-forever never', () => {
  const tainted = (ready: string): KubeObject => node({
    ready,
    heartbeat: T0,
    taints: [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: iso(at(41)) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(at(41)) },
    ],
  });
  const stale = (n: KubeObject): KubeObject => {
    for (const c of (n.status as Obj).conditions as Obj[]) Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', lastTransitionTime: iso(at(41)) });
    return n;
  };
  const pods = [pod('tolerates'), pod('bare', []), pod('forever', [{ operator: 'Exists', effect: 'NoExecute' }]), pod('short', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }])];
  const run = (s: number): Action[] => decideNodeLifecycle({ node: stale(tainted('Unknown')), lease: lease(T0), pods: pods.map((p) => ({ ...p, status: { phase: 'Running', conditions: [] } })), zone: normal }, at(s));
  const deleted = (actions: Action[]): string[] => actions.filter((a) => a.kind === 'delete').map((a) => (a.kind === 'delete' ? a.ref.name : ''));

  let actions = run(50);
  assert.deepEqual(deleted(actions), ['bare']);
  assert.equal(requeue(actions), 5000, 'the monitor period while not Ready');
  const evict = actions.filter((a) => a.kind !== 'requeueAfter');
  assert.deepEqual(kinds(evict), ['event', 'updateStatus:Pod', 'delete:Pod']);
  assert.ok(evict[0].kind === 'event');
  assert.deepEqual([evict[0].event.reason, evict[0].event.message], ['TaintManagerEviction', 'Marking for deletion Pod default/bare']);
  assert.ok(evict[1].kind === 'updateStatus');
  assert.deepEqual(((evict[1].object.status as Obj).conditions as Obj[]).at(-1), {
    type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:50Z', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
  });
  assert.ok(evict[2].kind === 'delete');
  assert.deepEqual(evict[2].preconditions, { uid: 'uid-bare' });

  assert.deepEqual(deleted(run(71)), ['bare', 'short'], '30 s after the taint');
  assert.deepEqual(deleted(run(340)), ['bare', 'short']);
  actions = run(341);
  assert.deepEqual(deleted(actions), ['tolerates', 'bare', 'short'], '300 s after the taint; forever stays');
  // Without a stale node the wait for the next toleration is the requeue.
  // A node Ready again loses the taints, and its pods are no longer evicted, even when due.
  const recovered = decideNodeLifecycle({ node: tainted('True'), lease: lease(at(400)), pods: [pod('tolerates'), pod('bare', [])], zone: normal }, at(400));
  assert.deepEqual(kinds(recovered), ['patch:Node', 'requeueAfter']);
  assert.equal(taintPatch(recovered), null);
});

test('recovery removes the controller taints (keeping others); cordon adds unschedulable; Ready=False swaps at once', () => {
  const user = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const recovered = node({ taints: [user, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(T0) }] });
  assert.deepEqual(taintPatch(decideNodeLifecycle({ node: recovered, lease: lease(at(5)), pods: [], zone: normal }, at(6))), [user]);
  const only = node({ taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(T0) }] });
  assert.equal(taintPatch(decideNodeLifecycle({ node: only, lease: lease(at(5)), pods: [] }, at(6))), null);

  const cordoned = node({ unschedulable: true });
  assert.deepEqual(taintPatch(decideNodeLifecycle({ node: cordoned, lease: lease(at(5)), pods: [] }, at(6))), [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:06Z' }]);

  // The kubelet reports Ready=False on a node tainted unreachable: the NoExecute taint swaps
  // even though the zone's rate limit would hold back a new one.
  const notReady = node({ ready: 'False', heartbeat: at(5), taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(T0) }] });
  const limited: ZoneSummary = { ...normal, lastNoExecuteTaintAt: at(4) };
  assert.deepEqual(taintPatch(decideNodeLifecycle({ node: notReady, lease: lease(at(5)), pods: [], zone: limited }, at(6))), [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:06Z' },
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:06Z' },
  ]);
});

test('zone rate limit and disruption: 0.1 node/s, none in a small partially disrupted zone, taints lifted when every zone is down', () => {
  const stale = node({ ready: 'Unknown', heartbeat: T0 });
  const run = (zone: ZoneSummary, s = 50): Action[] => decideNodeLifecycle({ node: stale, lease: lease(T0), pods: [], zone }, at(s));
  const noExecute = (actions: Action[]): boolean => (taintPatch(actions) ?? []).some((t) => t.effect === 'NoExecute');
  assert.equal(noExecute(run({ ...normal, lastNoExecuteTaintAt: at(43) })), false);
  assert.equal(requeue(run({ ...normal, lastNoExecuteTaintAt: at(43) })), 3000);
  assert.equal(noExecute(run({ ...normal, lastNoExecuteTaintAt: at(40) })), true);
  assert.equal(noExecute(run({ key: '', state: 'PartialDisruption', size: 5, notReady: 3, allZonesFullyDisrupted: false })), false);
  assert.equal(noExecute(run({ key: '', state: 'PartialDisruption', size: 60, notReady: 40, allZonesFullyDisrupted: false })), true, 'large zones keep the secondary rate');
  assert.equal(noExecute(run({ key: 'b', state: 'FullDisruption', size: 2, notReady: 2, allZonesFullyDisrupted: false })), true, 'one zone down, others up');
  const down = node({ ready: 'Unknown', heartbeat: T0, taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(T0) }] });
  for (const c of (down.status as Obj).conditions as Obj[]) c.status = 'Unknown';
  const all = decideNodeLifecycle({ node: down, lease: lease(T0), pods: [pod('p')], zone: { key: '', state: 'FullDisruption', size: 1, notReady: 1, allZonesFullyDisrupted: true } }, at(50));
  assert.deepEqual(taintPatch(all), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
});

test('summarizeZones counts each node with the Ready status this pass gives it', () => {
  const nodes = ['a1', 'a2', 'a3', 'a4'].map((name) => node({ name, zone: 'a' }));
  nodes.push(node({ name: 'b1', zone: 'b', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(at(20)) }] }));
  const leases = new Map([['a1', lease(at(100), 'a1')], ['a2', lease(T0, 'a2')], ['a3', lease(T0, 'a3')], ['a4', lease(T0, 'a4')], ['b1', lease(T0, 'b1')]]);
  const zones = summarizeZones(nodes, leases, at(101));
  assert.deepEqual([zones.get('a1')?.state, zones.get('a1')?.notReady, zones.get('a1')?.size], ['PartialDisruption', 3, 4]);
  assert.deepEqual([zones.get('b1')?.state, zones.get('b1')?.lastNoExecuteTaintAt], ['FullDisruption', at(20)]);
  assert.equal(zones.get('a1')?.allZonesFullyDisrupted, false);
  const allDown = summarizeZones(nodes, new Map(), at(101));
  assert.equal(allDown.get('a1')?.allZonesFullyDisrupted, true);
});
