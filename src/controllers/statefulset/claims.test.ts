import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, OwnerReference } from '../../machinery/types.js';
import { TestCluster } from '../shared/testCluster.js';
import { claimOwnerRefsForPolicy, isClaimOwnerUpToDate, retentionPolicy } from './claims.js';
import { decideIn, settle, statefulSet, syncIn } from './testFixtures.js';

const setRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'set-uid', controller: true, blockOwnerDeletion: true };
const podRef = (name: string, uid: string): OwnerReference => ({ apiVersion: 'v1', kind: 'Pod', name, uid, controller: true, blockOwnerDeletion: true });

function withUid(o: KubeObject, uid: string): KubeObject {
  o.metadata.uid = uid;
  return o;
}

const claim = (refs: OwnerReference[]): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-1', ownerReferences: refs } });
const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `${name}-uid` } });

describe('persistentVolumeClaimRetentionPolicy ownership (isClaimOwnerUpToDate / updateClaimOwnerRefForSetAndPod)', () => {
  const cases: { whenDeleted: string; whenScaled: string; inRange: string[]; condemned: string[] }[] = [
    { whenDeleted: 'Retain', whenScaled: 'Retain', inRange: [], condemned: [] },
    { whenDeleted: 'Delete', whenScaled: 'Retain', inRange: ['set'], condemned: ['set'] },
    { whenDeleted: 'Retain', whenScaled: 'Delete', inRange: [], condemned: ['pod'] },
    { whenDeleted: 'Delete', whenScaled: 'Delete', inRange: ['set'], condemned: ['pod'] },
  ];
  for (const tc of cases) {
    it(`whenDeleted=${tc.whenDeleted} whenScaled=${tc.whenScaled}`, () => {
      const set = withUid(statefulSet({ replicas: 1, retention: { whenDeleted: tc.whenDeleted, whenScaled: tc.whenScaled } }), 'set-uid');
      assert.deepEqual(retentionPolicy(set), { whenDeleted: tc.whenDeleted, whenScaled: tc.whenScaled });
      for (const [p, want] of [[pod('db-0'), tc.inRange], [pod('db-1'), tc.condemned]] as const) {
        const refs = claimOwnerRefsForPolicy(claim([]), set, p).map((r) => (r.kind === 'Pod' ? 'pod' : 'set'));
        assert.deepEqual(refs, want, `${p.metadata.name}`);
        const expected = [...(want.includes('set') ? [setRef] : []), ...(want.includes('pod') ? [podRef(p.metadata.name ?? '', `${p.metadata.name}-uid`)] : [])];
        assert.equal(isClaimOwnerUpToDate(claim(expected), set, p), true);
        assert.equal(isClaimOwnerUpToDate(claim([]), set, p), want.length === 0);
      }
    });
  }

  it('leaves claims alone that a previous set (same name, other uid) owns', () => {
    const set = withUid(statefulSet({ retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } }), 'set-uid');
    assert.equal(isClaimOwnerUpToDate(claim([{ ...setRef, uid: 'old-uid' }]), set, pod('db-0')), true);
  });
});

describe('retention policy in the control loop', () => {
  it('Delete/Delete: claims are created owned by the set and handed to the pod when it is scaled away', () => {
    const c = new TestCluster();
    c.add(statefulSet({ replicas: 2, retention: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    settle(c);
    const setUid = c.get('StatefulSet', 'db')?.metadata.uid;
    for (const n of ['data-db-0', 'data-db-1']) {
      assert.deepEqual(c.get('PersistentVolumeClaim', n)?.metadata.ownerReferences?.map((r) => [r.kind, r.uid, r.controller]), [['StatefulSet', setUid, true]]);
    }
    c.editSpec('StatefulSet', 'db', (s) => { s.replicas = 1; });
    const writes = decideIn(c).filter((a) => a.kind === 'update' || a.kind === 'delete').map((a) => (a.kind === 'update' ? `update ${a.object.metadata.name}` : `delete ${a.ref.name}`));
    assert.deepEqual(writes, ['update data-db-1', 'delete db-1'], 'the claim changes hands before the pod goes');
    syncIn(c);
    const podUid = c.get('Pod', 'db-1')?.metadata.uid;
    assert.deepEqual(c.get('PersistentVolumeClaim', 'data-db-1')?.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid]), [['Pod', 'db-1', podUid]]);
    assert.deepEqual(c.get('PersistentVolumeClaim', 'data-db-0')?.metadata.ownerReferences?.map((r) => r.kind), ['StatefulSet']);
  });

  it('whenScaled=Delete: a claim still owned by an earlier pod of the name blocks the new pod', () => {
    const c = new TestCluster();
    c.add(statefulSet({ replicas: 1, retention: { whenDeleted: 'Retain', whenScaled: 'Delete' } }));
    c.add({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-0', ownerReferences: [podRef('db-0', 'gone-uid')] }, spec: {} });
    const actions = decideIn(c);
    assert.ok(!actions.some((a) => a.kind === 'create' && a.object.kind === 'Pod'));
  });

  it('Retain/Retain (the default): scale-down leaves the claims unowned', () => {
    const c = new TestCluster();
    c.add(statefulSet({ replicas: 2 }));
    settle(c);
    c.editSpec('StatefulSet', 'db', (s) => { s.replicas = 0; });
    settle(c);
    assert.deepEqual(c.list('Pod'), []);
    assert.deepEqual(c.list('PersistentVolumeClaim').map((p) => [p.metadata.name, p.metadata.ownerReferences]), [['data-db-0', undefined], ['data-db-1', undefined]]);
  });
});
