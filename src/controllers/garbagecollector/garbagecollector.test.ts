import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptToDelete, classifyReferences } from './decide.js';
import { controllerRef, GcWorld, ref } from './gcTestWorld.js';
import { type GraphObject, type ObjectIdentity, OwnershipGraph } from './graph.js';
import { deleteOwnerRefsPatch, supportsStrategicMerge } from './patches.js';

const id = (kind: string, name: string, uid: string, apiVersion = kind === 'Pod' ? 'v1' : 'apps/v1'): ObjectIdentity => ({ apiVersion, kind, namespace: 'default', name, uid });

/** A Deployment → ReplicaSet → two pods chain, all observed. */
function deploymentChain(w: GcWorld): { deploy: GraphObject; rs: GraphObject; pods: GraphObject[] } {
  const deploy = w.add(id('Deployment', 'web', 'd1'));
  const rs = w.add(id('ReplicaSet', 'web-abc', 'rs1'), [controllerRef(deploy)]);
  const pods = [w.add(id('Pod', 'web-abc-1', 'p1'), [controllerRef(rs)]), w.add(id('Pod', 'web-abc-2', 'p2'), [controllerRef(rs)])];
  w.drain();
  return { deploy, rs, pods };
}

const alive = (w: GcWorld): string[] => [...w.objects.values()].map((o) => o.ref.name).sort();

describe('ownership graph', () => {
  it('links dependents to owners and creates virtual owners for unseen ones', () => {
    const g = new OwnershipGraph();
    const pod: GraphObject = { ref: id('Pod', 'p', 'p1'), owners: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs1', controller: true }] };
    const work = g.observe(pod);
    assert.deepEqual(work.attemptToDelete, ['rs1'], 'the virtual owner is checked against the API');
    assert.equal(g.get('rs1')?.virtual, true);
    assert.deepEqual(g.get('rs1')?.identity, { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default', name: 'rs', uid: 'rs1' });
    assert.deepEqual(g.dependentsOf('rs1').map((n) => n.identity.name), ['p']);

    const seen = g.observe({ ref: id('ReplicaSet', 'rs', 'rs1'), owners: [] });
    assert.deepEqual(seen, { attemptToDelete: [], attemptToOrphan: [] });
    assert.equal(g.get('rs1')?.virtual, false);

    const gone = g.observeDeleted({ ref: id('ReplicaSet', 'rs', 'rs1'), owners: [] });
    assert.deepEqual(gone.attemptToDelete, ['p1'], 'dependents of a deleted owner are re-checked');
    assert.equal(g.get('rs1'), undefined);
    assert.equal(g.isKnownAbsent({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs1' }, 'default'), true);
  });

  it('queues the owner for orphaning, or marks it deleting-dependents, on the finalizer transitions', () => {
    const g = new OwnershipGraph();
    const owner = id('ReplicaSet', 'rs', 'rs1');
    g.observe({ ref: owner, owners: [] });
    g.observe({ ref: id('Pod', 'p', 'p1'), owners: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs1' }] });
    assert.deepEqual(g.observe({ ref: owner, owners: [], deletionTimestamp: 'now', finalizers: ['orphan'] }).attemptToOrphan, ['rs1']);
    assert.deepEqual(g.observe({ ref: owner, owners: [], deletionTimestamp: 'now', finalizers: ['orphan'] }), { attemptToDelete: [], attemptToOrphan: [] }, 'no transition, no work');

    const d = id('Deployment', 'd', 'd1');
    g.observe({ ref: d, owners: [] });
    g.observe({ ref: id('ReplicaSet', 'x', 'x1'), owners: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'd1' }] });
    const w = g.observe({ ref: d, owners: [], deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] });
    assert.deepEqual(w.attemptToDelete, ['x1', 'd1']);
    assert.equal(g.get('d1')?.deletingDependents, true);
  });

  it('dropping a blocking reference re-queues the waiting owner', () => {
    const g = new OwnershipGraph();
    g.observe({ ref: id('Deployment', 'd', 'd1'), owners: [] });
    const owners = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'd1', blockOwnerDeletion: true }];
    g.observe({ ref: id('ReplicaSet', 'x', 'x1'), owners });
    assert.deepEqual(g.observe({ ref: id('ReplicaSet', 'x', 'x1'), owners: [{ ...owners[0], blockOwnerDeletion: false }] }).attemptToDelete, ['d1']);
    assert.deepEqual(g.dependentsOf('d1').length, 1);
  });
});

describe('garbage collection (upstream propagation policies)', () => {
  it('Background: deleting the Deployment collects its ReplicaSet, then the pods', () => {
    const w = new GcWorld();
    const { deploy } = deploymentChain(w);
    w.delete(deploy.ref.uid, 'Background');
    w.drain();
    assert.deepEqual(alive(w), []);
    assert.deepEqual(w.log, [
      'delete Deployment/web Background',
      'gone Deployment/web',
      'delete ReplicaSet/web-abc Background',
      'gone ReplicaSet/web-abc',
      'delete Pod/web-abc-1 Background',
      'gone Pod/web-abc-1',
      'delete Pod/web-abc-2 Background',
      'gone Pod/web-abc-2',
    ]);
  });

  it('Foreground: the owner stays until its blocking dependents are gone, then loses its finalizer', () => {
    const w = new GcWorld();
    const { deploy } = deploymentChain(w);
    w.delete(deploy.ref.uid, 'Foreground');
    w.drain();
    assert.deepEqual(alive(w), []);
    assert.deepEqual(w.log, [
      'delete Deployment/web Foreground',
      // The ReplicaSet has dependents of its own, so it goes in the foreground too.
      'delete ReplicaSet/web-abc Foreground',
      'delete Pod/web-abc-1 Background',
      'gone Pod/web-abc-1',
      'delete Pod/web-abc-2 Background',
      'gone Pod/web-abc-2',
      'patch ReplicaSet/web-abc finalizers=[]',
      'gone ReplicaSet/web-abc',
      'patch Deployment/web finalizers=[]',
      'gone Deployment/web',
    ]);
  });

  it('Foreground waits for pods that are still terminating', () => {
    const w = new GcWorld();
    const rs = w.add(id('ReplicaSet', 'web', 'rs1'));
    const pod = w.add(id('Pod', 'web-1', 'p1'), [controllerRef(rs)], ['example.com/slow']);
    w.drain();
    w.delete(rs.ref.uid, 'Foreground');
    w.drain();
    assert.deepEqual(alive(w), ['web', 'web-1'], 'the pod holds a finalizer, so the ReplicaSet waits');
    assert.equal(w.objects.get('p1')?.deletionTimestamp !== undefined, true);
    w.execute([{ kind: 'patch', ref: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: pod.ref.uid }, patchType: 'merge', patch: { metadata: { finalizers: null } } }]);
    w.drain();
    assert.deepEqual(alive(w), []);
  });

  it('Foreground does not wait for non-blocking dependents, but still deletes them', () => {
    const w = new GcWorld();
    const owner = w.add(id('ConfigMap', 'owner', 'c1', 'v1'));
    w.add(id('Pod', 'loose', 'p1'), [ref(owner)], ['example.com/slow']);
    w.drain();
    w.delete(owner.ref.uid, 'Foreground');
    w.drain();
    assert.deepEqual(alive(w), ['loose'], 'the owner is gone while the non-blocking pod still terminates');
    assert.equal(w.objects.get('p1')?.deletionTimestamp !== undefined, true);
  });

  it('Orphan: dependents lose the reference and survive; the owner loses its orphan finalizer', () => {
    const w = new GcWorld();
    const { rs } = deploymentChain(w);
    w.delete(rs.ref.uid, 'Orphan');
    w.drain();
    assert.deepEqual(alive(w), ['web', 'web-abc-1', 'web-abc-2']);
    assert.deepEqual(w.objects.get('p1')?.owners, []);
    assert.deepEqual(w.log, [
      'delete ReplicaSet/web-abc Orphan',
      'patch Pod/web-abc-1 owners=[]',
      'patch Pod/web-abc-2 owners=[]',
      'patch ReplicaSet/web-abc finalizers=[]',
      'gone ReplicaSet/web-abc',
    ]);
  });

  it('an object with one live owner keeps it and only drops the dangling reference', () => {
    const w = new GcWorld();
    const a = w.add(id('ConfigMap', 'a', 'a1', 'v1'));
    const b = w.add(id('ConfigMap', 'b', 'b1', 'v1'));
    w.add(id('Pod', 'shared', 'p1'), [ref(a), ref(b)]);
    w.drain();
    w.delete(a.ref.uid);
    w.drain();
    assert.deepEqual(alive(w), ['b', 'shared']);
    assert.deepEqual(w.objects.get('p1')?.owners.map((r) => r.name), ['b']);
  });

  it('an owner that never existed: the virtual node is confirmed absent and the dependent collected', () => {
    const w = new GcWorld();
    w.add(id('Pod', 'stray', 'p1'), [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: 'ghost-uid', controller: true }]);
    const decisions = w.drain();
    assert.equal(decisions[0].absent, true, 'the virtual owner is reported absent');
    assert.deepEqual(alive(w), []);
    assert.equal(w.graph.get('ghost-uid'), undefined);
  });

  it('an owner name now held by another uid counts as gone', () => {
    const w = new GcWorld();
    w.add(id('ReplicaSet', 'web', 'new-uid'));
    w.add(id('Pod', 'old-pod', 'p1'), [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'old-uid' }]);
    w.drain();
    assert.deepEqual(alive(w), ['web']);
  });

  it('an owner that exists but was not yet observed is kept and retried', () => {
    const w = new GcWorld();
    w.unobserved.add('rs1');
    const rs = w.add(id('ReplicaSet', 'web', 'rs1'));
    w.add(id('Pod', 'web-1', 'p1'), [controllerRef(rs)]);
    const [first] = w.drain();
    assert.equal(first.absent, undefined);
    assert.equal(first.requeue, true, 'virtual nodes are retried until an informer sees them');
    assert.deepEqual(first.actions, []);
    assert.deepEqual(alive(w), ['web', 'web-1']);
    w.observe('rs1');
    assert.equal(w.graph.get('rs1')?.virtual, false);
  });

  it('breaks a possible foreground cycle: un-block the references, then delete in the foreground', () => {
    const w = new GcWorld();
    const a = w.add(id('ConfigMap', 'a', 'a1', 'v1'));
    const b = w.add(id('ConfigMap', 'b', 'b1', 'v1'), [ref(a, { blockOwnerDeletion: true })]);
    const c = w.add(id('ConfigMap', 'c', 'c1', 'v1'), [ref(b, { blockOwnerDeletion: true })]);
    const d = w.add(id('ConfigMap', 'd', 'd1', 'v1'), [ref(c, { blockOwnerDeletion: true })], ['example.com/slow']);
    w.drain();
    // c waits for d (held by a finalizer) when a starts its own foreground deletion.
    w.delete(c.ref.uid, 'Foreground');
    w.drain();
    assert.equal(w.graph.get('c1')?.deletingDependents, true);
    w.delete(a.ref.uid, 'Foreground');
    const bNode = w.graph.get('b1');
    assert.ok(bNode);
    const decision = attemptToDelete(bNode, w.objects.get('b1'), new Map([[a.ref.uid, w.objects.get('a1')]]));
    assert.deepEqual(decision.actions, [
      {
        kind: 'patch',
        ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'b', uid: 'b1' },
        patchType: 'strategic',
        patch: { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'a1', blockOwnerDeletion: false }], uid: 'b1' } },
      },
      { kind: 'delete', ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'b', uid: 'b1' }, preconditions: { uid: 'b1' }, propagationPolicy: 'Foreground', tolerate: ['NotFound'] },
    ]);
    w.drain();
    assert.deepEqual(alive(w), ['b', 'c', 'd'], 'a no longer waits for b once b stops blocking it');
    w.execute([{ kind: 'patch', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'd', uid: d.ref.uid }, patchType: 'merge', patch: { metadata: { finalizers: null } } }]);
    w.drain();
    assert.deepEqual(alive(w), []);
  });

  it('classifies references as upstream classifyReferences does', () => {
    const item: GraphObject = {
      ref: id('Pod', 'p', 'p1'),
      owners: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'solid', uid: 's' },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'g' },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'replaced', uid: 'r' },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'waiting', uid: 'w' },
      ],
    };
    const owners = new Map<string, GraphObject | undefined>([
      ['s', { ref: id('ConfigMap', 'solid', 's', 'v1'), owners: [] }],
      ['r', { ref: id('ConfigMap', 'replaced', 'other', 'v1'), owners: [] }],
      ['w', { ref: id('ConfigMap', 'waiting', 'w', 'v1'), owners: [], deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] }],
    ]);
    const c = classifyReferences(item, owners);
    assert.deepEqual([c.solid, c.dangling, c.waiting].map((l) => l.map((r) => r.name)), [['solid'], ['gone', 'replaced'], ['waiting']]);
  });

  it('patches dependents by strategic merge for built-in kinds and by merge patch for custom resources', () => {
    const builtin = deleteOwnerRefsPatch({ ref: id('Pod', 'p', 'p1'), owners: [] }, ['o1']);
    assert.deepEqual(builtin.patch, { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'o1' }], uid: 'p1' } });
    assert.equal(builtin.patchType, 'strategic');
    const custom = deleteOwnerRefsPatch(
      { ref: id('Widget', 'w', 'w1', 'example.com/v1'), owners: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'o1' }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: 'o2' }], resourceVersion: '7' },
      ['o1'],
    );
    assert.equal(custom.patchType, 'merge');
    assert.deepEqual(custom.patch, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: 'o2' }], resourceVersion: '7' } });
    assert.equal(supportsStrategicMerge('networking.k8s.io/v1'), true);
    assert.equal(supportsStrategicMerge('apps/v1'), true);
    assert.equal(supportsStrategicMerge('stable.example.com/v1'), false);
  });
});
