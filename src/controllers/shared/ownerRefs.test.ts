import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { POD, REPLICA_SET } from './actions.js';
import { claimObjects, getControllerOf, newControllerRef } from './ownerRefs.js';

const rs: KubeObject = { metadata: { name: 'web', namespace: 'default', uid: 'rs-uid' } };
const ownedBy = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid, controller: true }];
const pod = (name: string, labels: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: { name, namespace: 'default', uid: `${name}-uid`, labels, ...extra },
});
const match = (p: KubeObject): boolean => p.metadata.labels?.app === 'web';

describe('ClaimObject', () => {
  it('keeps owned matches, adopts matching orphans, releases owned non-matches, ignores others', () => {
    const pods = [
      pod('owned', { app: 'web' }, { ownerReferences: ownedBy('rs-uid') }),
      pod('orphan', { app: 'web' }),
      pod('stray', { app: 'other' }, { ownerReferences: ownedBy('rs-uid') }),
      pod('theirs', { app: 'web' }, { ownerReferences: ownedBy('other-uid') }),
      pod('dying-orphan', { app: 'web' }, { deletionTimestamp: '2024-01-01T00:00:00Z' }),
      pod('elsewhere', { app: 'web' }, { namespace: 'kube-system' }),
    ];
    const r = claimObjects(rs, REPLICA_SET, pods, POD, match);
    assert.deepEqual(r.claimed.map((p) => p.metadata.name), ['owned', 'orphan']);
    assert.equal(r.adopted, 1);
    assert.deepEqual(r.patches.map((p) => [p.ref.name, p.patchType]), [['orphan', 'strategic'], ['stray', 'strategic']]);
    assert.deepEqual(r.patches[0].patch, {
      metadata: {
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
        uid: 'orphan-uid',
      },
    });
    assert.deepEqual(r.patches[1].patch, { metadata: { uid: 'stray-uid', ownerReferences: [{ $patch: 'delete', uid: 'rs-uid' }] } });
    assert.deepEqual(r.patches[1].tolerate, ['NotFound', 'Invalid']);
  });

  it('an owner being deleted neither adopts nor releases', () => {
    const dying: KubeObject = { metadata: { ...rs.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
    const r = claimObjects(dying, REPLICA_SET, [pod('orphan', { app: 'web' }), pod('stray', { app: 'x' }, { ownerReferences: ownedBy('rs-uid') })], POD, match);
    assert.deepEqual(r.patches, []);
    assert.deepEqual(r.claimed, []);
  });

  it('controller refs', () => {
    const ref = newControllerRef(rs, REPLICA_SET);
    assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true });
    assert.equal(getControllerOf(pod('p', {}, { ownerReferences: [{ ...ref, controller: false }] })), undefined);
  });
});
