import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Action, CreateAction, DeleteAction, UpdateStatusAction } from '../shared/actions.js';
import { TestCluster } from '../shared/testCluster.js';
import { BURST_REPLICAS, decideReplicaSet } from './decide.js';
import { slowStartBatches } from './podTemplate.js';

const now = Date.parse('2024-01-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function replicaSet(replicas: number, extra: { minReadySeconds?: number; status?: Record<string, unknown>; deleting?: boolean } = {}): KubeObject {
  return {
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'rs-uid',
      generation: 1,
      resourceVersion: '10',
      ...(extra.deleting ? { deletionTimestamp: iso(now) } : {}),
    },
    spec: {
      replicas,
      minReadySeconds: extra.minReadySeconds ?? 0,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', tier: 'fe' }, annotations: { note: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
    status: extra.status ?? { replicas: 0 },
  };
}

const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }];

function pod(name: string, o: { ready?: number; node?: string; labels?: Record<string, string>; owned?: boolean; deleting?: boolean; phase?: string } = {}): KubeObject {
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      labels: o.labels ?? { app: 'web', tier: 'fe' },
      creationTimestamp: iso(now - 3_600_000),
      ...(o.owned === false ? {} : { ownerReferences: owner }),
      ...(o.deleting ? { deletionTimestamp: iso(now) } : {}),
    },
    spec: o.node === undefined ? { nodeName: 'n1' } : o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      conditions: [o.ready === undefined ? { type: 'Ready', status: 'False' } : { type: 'Ready', status: 'True', lastTransitionTime: iso(o.ready) }],
    },
  };
}

const ofKind = <K extends Action['kind']>(actions: Action[], kind: K): Extract<Action, { kind: K }>[] =>
  actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);

describe('decideReplicaSet', () => {
  it('creates missing pods from the template in slow-start batches, after the status update', () => {
    const actions = decideReplicaSet({ replicaSet: replicaSet(3), pods: [] }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['updateStatus', 'create', 'create', 'create']);
    const creates = ofKind(actions, 'create');
    assert.deepEqual(creates.map((c) => c.batch), [0, 1, 1]);
    const p = creates[0].object;
    assert.equal(p.kind, 'Pod');
    assert.equal(p.metadata.generateName, 'web-');
    assert.equal(p.metadata.name, undefined);
    assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'fe' });
    assert.deepEqual(p.metadata.annotations, { note: 'x' });
    assert.deepEqual(p.metadata.ownerReferences, owner);
    assert.deepEqual(p.spec, { containers: [{ name: 'c', image: 'nginx' }] });
    assert.equal(creates[0].onSuccess?.[0].reason, 'SuccessfulCreate');
    assert.equal(creates[0].onSuccess?.[0].message, 'Created pod: {{name}}');
    assert.equal(creates[0].onFailure?.[0].message, 'Error creating: {{error}}');
    assert.deepEqual(creates[0].onSuccess?.[0].involvedObject, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'default', uid: 'rs-uid', resourceVersion: '10' });
    const status = ofKind(actions, 'updateStatus')[0].object.status;
    assert.deepEqual(status, { replicas: 0, observedGeneration: 1 });
  });

  it('slow-start batches double up to the remainder; a sync creates at most the burst', () => {
    const table: [number, number[]][] = [[0, []], [1, [1]], [3, [1, 2]], [10, [1, 2, 4, 3]], [500, [1, 2, 4, 8, 16, 32, 64, 128, 245]]];
    for (const [n, sizes] of table) assert.deepEqual(slowStartBatches(n), sizes, `count ${n}`);
    const creates = ofKind(decideReplicaSet({ replicaSet: replicaSet(1200), pods: [] }, now), 'create');
    assert.equal(creates.length, BURST_REPLICAS);
  });

  it('deletes surplus pods in upstream order and names them in the Event', () => {
    const pods = [
      pod('ready-old', { ready: now - 7_200_000 }),
      pod('unscheduled', { node: '', phase: 'Pending' }),
      pod('not-ready', {}),
      pod('ready-new', { ready: now - 10_000 }),
    ];
    const actions = decideReplicaSet({ replicaSet: replicaSet(1, { status: { replicas: 4, readyReplicas: 2, availableReplicas: 2, fullyLabeledReplicas: 4, observedGeneration: 1 } }), pods }, now);
    const deletes = ofKind(actions, 'delete');
    assert.deepEqual(deletes.map((d: DeleteAction) => d.ref.name), ['unscheduled', 'not-ready', 'ready-new']);
    assert.deepEqual(deletes[0].preconditions, { uid: 'unscheduled-uid' });
    assert.deepEqual(deletes[0].tolerate, ['NotFound']);
    assert.equal(deletes[2].onSuccess?.[0].message, 'Deleted pod: ready-new');
    assert.equal(deletes[2].onFailure?.[0].reason, 'FailedDelete');
  });

  it('adopts matching orphans, releases owned pods that stopped matching, ignores terminating pods', () => {
    const pods = [
      pod('mine', { ready: now - 60_000 }),
      pod('orphan', { owned: false, ready: now - 60_000 }),
      pod('relabelled', { labels: { app: 'other' } }),
      pod('terminating', { deleting: true, ready: now - 60_000 }),
      pod('finished', { phase: 'Succeeded' }),
    ];
    const actions = decideReplicaSet({ replicaSet: replicaSet(3, { status: { replicas: 2, observedGeneration: 1 } }), pods }, now);
    const patches = ofKind(actions, 'patch');
    assert.deepEqual(patches.map((p) => p.ref.name), ['orphan', 'relabelled']);
    // mine + orphan claimed; one replacement for the terminating pod.
    assert.equal(ofKind(actions, 'create').length, 1);
    const status = ofKind(actions, 'updateStatus')[0].object.status as Record<string, unknown>;
    assert.equal(status.replicas, 2);
    assert.equal(status.readyReplicas, 2);
  });

  it('status counts fully labelled, ready and available pods; requeues for minReadySeconds', () => {
    const pods = [
      pod('a', { ready: now - 60_000 }),
      pod('b', { ready: now - 2_000 }),
      pod('c', {}),
      pod('d', { labels: { app: 'web' }, ready: now - 60_000 }),
    ];
    const actions = decideReplicaSet({ replicaSet: replicaSet(4, { minReadySeconds: 10, status: { replicas: 4 } }), pods }, now);
    const status = ofKind(actions, 'updateStatus')[0].object.status;
    assert.deepEqual(status, { replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 2, observedGeneration: 1 });
    // b becomes available 8 s from now (+1 s, as upstream adds against clock skew).
    assert.deepEqual(actions.at(-1), { kind: 'requeueAfter', ms: 9_000 });
  });

  it('steady state: nothing to do', () => {
    const pods = [pod('a', { ready: now - 60_000 })];
    const rs = replicaSet(1, { status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 } });
    assert.deepEqual(decideReplicaSet({ replicaSet: rs, pods }, now), []);
  });

  it('a ReplicaSet being deleted reports status but creates nothing', () => {
    const actions = decideReplicaSet({ replicaSet: replicaSet(3, { deleting: true }), pods: [] }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['updateStatus']);
  });

  it('a failed create becomes the ReplicaFailure condition, removed once creates succeed', () => {
    const failed: CreateAction = { kind: 'create', object: { kind: 'Pod', metadata: { generateName: 'web-' } } };
    const message = 'pods "web-" is forbidden: exceeded quota: q';
    const actions = decideReplicaSet({ replicaSet: replicaSet(2), pods: [], lastFailure: { action: failed, message } }, now);
    const update = actions[0] as UpdateStatusAction;
    assert.equal(update.kind, 'updateStatus');
    assert.deepEqual((update.object.status as Record<string, unknown>).conditions, [
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: iso(now), message, reason: 'FailedCreate' },
    ]);
    const withCondition = replicaSet(2, { status: update.object.status as Record<string, unknown> });
    const next = decideReplicaSet({ replicaSet: withCondition, pods: [pod('a')] }, now);
    assert.equal((ofKind(next, 'updateStatus')[0].object.status as Record<string, unknown>).conditions, undefined);
  });

  it('through the loop contract: a failing create stops the list and the next sync records it', () => {
    const cluster = new TestCluster();
    cluster.add({ ...replicaSet(3), kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'rs-uid' } });
    cluster.failCreate = () => 'pods "web-" is forbidden: exceeded quota: q';
    const sync = (lastFailure?: ReturnType<TestCluster['apply']>['failure']) =>
      cluster.apply(decideReplicaSet({ replicaSet: cluster.get('ReplicaSet', 'web') as KubeObject, pods: cluster.list('Pod'), ...(lastFailure ? { lastFailure } : {}) }, cluster.now));
    const first = sync();
    assert.equal(first.failure?.reason, 'Forbidden');
    assert.deepEqual(cluster.events.map((e) => `${e.reason}: ${e.message}`), ['FailedCreate: Error creating: pods "web-" is forbidden: exceeded quota: q']);
    sync(first.failure);
    const cond = ((cluster.get('ReplicaSet', 'web')?.status as Record<string, unknown>).conditions as Record<string, unknown>[])[0];
    assert.equal(cond.reason, 'FailedCreate');
    cluster.failCreate = undefined;
    sync();
    assert.equal(cluster.list('Pod').length, 3);
    assert.deepEqual(cluster.events.slice(-3).map((e) => e.message.replace(/web-\w{5}/, 'web-*')), Array(3).fill('Created pod: web-*'));
    sync();
    const status = cluster.get('ReplicaSet', 'web')?.status as Record<string, unknown>;
    assert.equal(status.conditions, undefined);
    assert.equal(status.replicas, 3);
  });
});
