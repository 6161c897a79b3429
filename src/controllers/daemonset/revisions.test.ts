import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectorFromSet } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/types.js';
import { CONTROLLER_REVISION_HASH_LABEL, templatePatch } from '../shared/history.js';
import { cleanupHistoryActions, constructHistory } from './revisions.js';

const ds = (podSpec: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'd', namespace: 'default', uid: 'ds-uid' },
  spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }], ...podSpec } } },
});

describe('DaemonSet history', () => {
  const selector = selectorFromSet({ app: 'd' });
  const rev = (name: string, revision: number, data: unknown, hash = name.slice(2)): KubeObject => ({
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: { name, namespace: 'default', labels: { app: 'd', [CONTROLLER_REVISION_HASH_LABEL]: hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'd', uid: 'ds-uid', controller: true }] },
    data, revision,
  });

  it('renumbers the matching revision on rollback instead of creating one', () => {
    const d = ds({});
    const h = constructHistory(d, [rev('d-aaa', 1, templatePatch(d)), rev('d-bbb', 2, { spec: { template: {} } })], selector, []);
    assert.equal(h.hash, 'aaa');
    assert.deepEqual(h.actions.map((a) => (a.kind === 'update' ? [a.kind, a.object.metadata.name, a.object.revision] : [a.kind])), [['update', 'd-aaa', 3]]);
    assert.deepEqual(h.old.map((r) => r.metadata.name), ['d-bbb']);
  });

  it('bumps collisionCount when its name is taken by other data', () => {
    const d = ds({});
    const first = constructHistory(d, [], selector, []);
    const name = `d-${first.hash}`;
    const h = constructHistory(d, [{ ...rev(name, 1, { other: true }), metadata: { name, namespace: 'default' } }], selector, []);
    assert.equal(h.collision, true);
    assert.deepEqual(h.actions.map((a) => (a.kind === 'updateStatus' ? a.object.status : a.kind)), [{ collisionCount: 1 }]);
  });

  it('cleans up the oldest revisions beyond the limit that no pod uses', () => {
    const d = ds({});
    (d.spec as Record<string, unknown>).revisionHistoryLimit = 1;
    const old = [rev('d-r1', 1, {}), rev('d-r2', 2, {}), rev('d-r3', 3, {})];
    const pod: KubeObject = { metadata: { name: 'p', labels: { [CONTROLLER_REVISION_HASH_LABEL]: 'r1' } } };
    assert.deepEqual(cleanupHistoryActions(d, old, [pod]).map((a) => (a.kind === 'delete' ? a.ref.name : a.kind)), ['d-r2', 'd-r3']);
  });
});
