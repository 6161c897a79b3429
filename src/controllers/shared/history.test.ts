import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import {
  HISTORY_HASH_LABEL, controllerRevisionName, equalRevision, fnv32, goJson, hashControllerRevision, newControllerRevision, nextRevision,
  sortRevisions, templateFromRevision, templatePatch,
} from './history.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const owner: KubeObject = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: { template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } } },
};

describe('ControllerRevision history helpers', () => {
  it('fnv32 is FNV-1 (hash/fnv New32), per the published test vectors', () => {
    assert.equal(fnv32(enc('')), 0x811c9dc5);
    assert.equal(fnv32(enc('a')), 0x050c5d7e);
    assert.equal(fnv32(enc('foobar')), 0x31f0b262);
  });

  it('goJson writes what Go json.Marshal writes for a map: sorted keys, HTML escaped', () => {
    assert.equal(goJson({ b: 1, a: [true, null, 'x<y>&z'], $patch: 'replace' }), '{"$patch":"replace","a":[true,null,"x\\u003cy\\u003e\\u0026z"],"b":1}');
    assert.equal(goJson('\u2028'), '"\\u2028"');
  });

  it('templatePatch replaces spec.template and carries the fields Go always writes', () => {
    const patch = templatePatch(owner);
    assert.equal(
      goJson(patch),
      '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx:1","name":"nginx","resources":{}}]}}}}',
    );
    const restored = templateFromRevision({ metadata: {}, data: patch });
    assert.equal('$patch' in restored, false);
    assert.deepEqual(restored.spec, { containers: [{ name: 'nginx', image: 'nginx:1', resources: {} }] });
  });

  it('names revisions <owner>-<safe-encoded FNV-1 of data + collisionCount>', () => {
    const cr = newControllerRevision(owner, { apiVersion: 'apps/v1', kind: 'StatefulSet' }, { app: 'nginx' }, templatePatch(owner), 1, 0);
    const hash = hashControllerRevision(templatePatch(owner), 0);
    assert.match(hash, /^[456789bcdf]{1,10}$/);
    assert.equal(cr.metadata.name, `web-${hash}`);
    assert.deepEqual(cr.metadata.labels, { app: 'nginx', [HISTORY_HASH_LABEL]: hash });
    assert.deepEqual(cr.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
    assert.equal(cr.revision, 1);
    assert.notEqual(hashControllerRevision(templatePatch(owner), 1), hash, 'the collision count changes the name');
    assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  });

  it('sorts by revision, then creation time, then name; next revision follows the last', () => {
    const r = (name: string, revision: number, t = '2024-01-01T00:00:00Z'): KubeObject => ({ metadata: { name, creationTimestamp: t }, revision });
    const sorted = sortRevisions([r('c', 2), r('b', 1, '2024-01-02T00:00:00Z'), r('a', 1, '2024-01-02T00:00:00Z'), r('z', 1)]);
    assert.deepEqual(sorted.map((x) => x.metadata.name), ['z', 'a', 'b', 'c']);
    assert.equal(nextRevision(sorted), 3);
    assert.equal(nextRevision([]), 1);
  });

  it('EqualRevision compares data, key order aside', () => {
    const a: KubeObject = { metadata: { name: 'a' }, data: { spec: { template: { a: 1, b: 2 } } } };
    const b: KubeObject = { metadata: { name: 'b' }, data: { spec: { template: { b: 2, a: 1 } } } };
    assert.equal(equalRevision(a, b), true);
    assert.equal(equalRevision(a, { metadata: {}, data: { spec: {} } }), false);
  });
});
