import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { GENERIC_UNPROCESSABLE } from './patchErrors.js';
import { applyStrategicMergePatch } from './smpApply.js';
import { deepFreeze, deploymentSchema, podSchema } from './testSchemas.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test access to nested JSON

function pod(): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a.example/x', 'b.example/y'] },
    spec: {
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.14.2',
          ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        },
        { name: 'sidecar', image: 'busybox', args: ['sleep', '3600'] },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
      restartPolicy: 'Always',
    },
  };
}

function deployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations: { keep: 'me' } },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { team: 'blue' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.16' }, { name: 'log', image: 'fluentd' }] },
      },
    },
  };
}

const applyPod = (patch: unknown, doc: Obj = pod()): Obj => applyStrategicMergePatch(deepFreeze(doc), deepFreeze(patch), podSchema) as Obj;
const applyDeploy = (patch: unknown, doc: Obj = deployment()): Obj =>
  applyStrategicMergePatch(deepFreeze(doc), deepFreeze(patch), deploymentSchema) as Obj;
const names = (list: Obj[]): unknown[] => list.map((c) => c.name);

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('strategic merge patch: what kubectl sends', () => {
  it('kubectl apply: last-applied annotation plus $setElementOrder/containers', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' } },
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.16.1', name: 'nginx' }] },
    };
    const doc = pod();
    doc.spec.containers = [doc.spec.containers[0]];
    const out = applyPod(patch, doc);
    const want = pod();
    want.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' };
    want.spec.containers = [{ ...want.spec.containers[0], image: 'nginx:1.16.1' }];
    assert.deepEqual(out, want);
  });

  it('kubectl set image: merges the named container only, keeping order', () => {
    const out = applyDeploy({ spec: { template: { spec: { containers: [{ name: 'log', image: 'fluentd:2' }] } } } });
    assert.deepEqual(out.spec.template.spec.containers, [
      { name: 'nginx', image: 'nginx:1.16' },
      { name: 'log', image: 'fluentd:2' },
    ]);
  });

  it('kubectl rollout restart: adds a template annotation', () => {
    const out = applyDeploy({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } });
    assert.deepEqual(out.spec.template.metadata.annotations, { team: 'blue', 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' });
    assert.deepEqual(out.spec.template.spec, deployment().spec.template.spec);
  });

  it('deletes a container with $patch: delete', () => {
    const out = applyPod({ spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'sidecar', $patch: 'delete' }] } });
    assert.deepEqual(names(out.spec.containers), ['nginx']);
    assert.deepEqual(out.spec.containers[0], pod().spec.containers[0]);
  });

  it('$retainKeys switches strategy from RollingUpdate to Recreate', () => {
    const out = applyDeploy({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    const out2 = applyDeploy({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    assert.deepEqual(out2.spec.strategy, { type: 'Recreate' });
  });

  it('$retainKeys on a volume (merge,retainKeys) swaps its source', () => {
    const out = applyPod({
      spec: { volumes: [{ name: 'data', configMap: { name: 'cfg' }, $retainKeys: ['configMap', 'name'] }] },
    });
    assert.deepEqual(out.spec.volumes, [{ name: 'data', configMap: { name: 'cfg' } }]);
  });
});

describe('strategic merge patch: maps', () => {
  it('merges recursively, null deletes, a null for a missing key is dropped', () => {
    const out = applyPod({ metadata: { labels: { app: null, tier: 'front' }, annotations: { a: 'b', gone: null } } });
    assert.deepEqual(out.metadata.labels, { tier: 'front' });
    assert.deepEqual(out.metadata.annotations, { a: 'b' });
  });

  it('$patch: replace on a map replaces it', () => {
    const out = applyPod({ metadata: { labels: { $patch: 'replace', only: 'this' } } });
    assert.deepEqual(out.metadata.labels, { only: 'this' });
  });

  it('$patch: delete on a map empties it; on an absent key adds nothing', () => {
    const out = applyDeploy({ spec: { template: { metadata: { $patch: 'delete' } }, selector: { $patch: 'delete' } } });
    assert.deepEqual(out.spec.template.metadata, {});
    assert.equal('selector' in out.spec, false);
  });

  it('a replace-strategy field is replaced whole', () => {
    const doc = pod();
    doc.spec.replacedMap = { a: '1', b: '2' };
    assert.deepEqual(applyPod({ spec: { replacedMap: { b: '3' } } }, doc).spec.replacedMap, { b: '3' });
  });

  it('a schemaless subtree behaves like JSON merge patch', () => {
    const doc = pod();
    doc.spec.extra = { m: { x: 1, y: 2 }, l: [{ name: 'a', v: 1 }] };
    const out = applyPod({ spec: { extra: { m: { y: null, z: 3 }, l: [{ name: 'b' }] } } }, doc);
    assert.deepEqual(out.spec.extra, { m: { x: 1, z: 3 }, l: [{ name: 'b' }] });
  });

  it('a new subtree loses nulls and directives (as a typed decode would)', () => {
    const out = applyPod({ spec: { nodeSelector: { disk: 'ssd', zone: null }, extra: { a: { $retainKeys: ['b'], b: 1 } } } });
    assert.deepEqual(out.spec.nodeSelector, { disk: 'ssd' });
    assert.deepEqual(out.spec.extra, { a: { b: 1 } });
  });

  it('an unknown $patch value is a 400 with the Go message', () => {
    const err = apiError(() => applyPod({ metadata: { labels: { $patch: 'bogus', a: 'b' } } }));
    assert.equal(err.code, 400);
    assert.equal(err.status.reason, 'BadRequest');
    assert.equal(err.status.message, 'unknown patch type: bogus in map: map[$patch:bogus a:b]');
  });

  it('does not mutate its inputs', () => {
    // applyPod deep-freezes both; a mutation attempt would throw in strict mode.
    const out = applyPod({ metadata: { labels: { x: 'y' } }, spec: { containers: [{ name: 'nginx', image: 'i' }] } });
    assert.equal(out.metadata.labels.x, 'y');
  });

  it('a $patch: replace at the top replaces the whole object', () => {
    assert.deepEqual(applyPod({ $patch: 'replace', kind: 'Pod', metadata: { name: 'x' } }), { kind: 'Pod', metadata: { name: 'x' } });
  });
});

describe('strategic merge patch: lists merged by key', () => {
  it('merges nested merge-keyed lists (env by name, ports by containerPort)', () => {
    const out = applyPod({
      spec: {
        containers: [
          { name: 'nginx', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 443, name: 'https' }] },
        ],
      },
    });
    const c = out.spec.containers[0];
    assert.deepEqual(c.env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP', name: 'https' }]);
    assert.deepEqual(out.spec.containers[1], pod().spec.containers[1]);
  });

  it('new elements go before the remaining server-only elements (upstream order)', () => {
    const out = applyPod({ spec: { containers: [{ name: 'init', image: 'alpine' }] } });
    assert.deepEqual(names(out.spec.containers), ['init', 'nginx', 'sidecar']);
  });

  it('$setElementOrder sets the final order', () => {
    const out = applyPod({ spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }] } });
    assert.deepEqual(names(out.spec.containers), ['sidecar', 'nginx']);
  });

  it('$setElementOrder keeps server-only elements in their relative place', () => {
    const doc = pod();
    doc.spec.containers = [{ name: 'a' }, { name: 'x' }, { name: 'b' }];
    const out = applyPod(
      { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'c', image: 'new' }] } },
      doc,
    );
    assert.deepEqual(out.spec.containers, [{ name: 'a' }, { name: 'x' }, { name: 'b' }, { name: 'c', image: 'new' }]);
  });

  it('$patch: replace inside a list replaces the list', () => {
    const out = applyPod({ spec: { containers: [{ name: 'only', image: 'i', gone: null }, { $patch: 'replace' }] } });
    assert.deepEqual(out.spec.containers, [{ name: 'only', image: 'i' }]);
  });

  it('$patch: merge inside a list is refused', () => {
    const err = apiError(() => applyPod({ spec: { containers: [{ $patch: 'merge' }] } }));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'merging lists cannot yet be specified in the patch');
  });

  it('a missing merge key is a 400 with the Go message', () => {
    const err = apiError(() => applyPod({ spec: { containers: [{ image: 'x' }] } }));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'map: map[image:x] does not contain declared merge key: name');
  });

  it('ownerReferences merge by uid', () => {
    const doc = pod();
    doc.metadata.ownerReferences = [{ uid: 'u1', name: 'rs', kind: 'ReplicaSet' }];
    const out = applyPod({ metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', name: 'other' }] } }, doc);
    assert.deepEqual(out.metadata.ownerReferences, [
      { uid: 'u1', name: 'rs', kind: 'ReplicaSet', controller: true },
      { uid: 'u2', name: 'other' },
    ]);
  });

  it('lists without a patch strategy are replaced, list-type map included', () => {
    const doc = pod();
    doc.spec.mapListNoStrategy = [{ name: 'a', value: '1' }];
    doc.spec.tolerations = [{ key: 'k', operator: 'Exists' }];
    const out = applyPod(
      {
        spec: {
          mapListNoStrategy: [{ name: 'b', value: '2' }],
          tolerations: [{ key: 'z', operator: 'Exists' }],
          containers: [{ name: 'sidecar', args: ['sleep'] }],
        },
      },
      doc,
    );
    assert.deepEqual(out.spec.mapListNoStrategy, [{ name: 'b', value: '2' }]);
    assert.deepEqual(out.spec.tolerations, [{ key: 'z', operator: 'Exists' }]);
    assert.deepEqual(out.spec.containers[1].args, ['sleep']);
  });

  it('a new element drops nulls', () => {
    const out = applyPod({ spec: { containers: [{ name: 'new', image: 'i', env: null }] } });
    assert.deepEqual(out.spec.containers[0], { name: 'new', image: 'i' });
  });

  it('deleting from a list the original lacks yields an empty list', () => {
    const doc = pod();
    delete doc.spec.volumes;
    const out = applyPod({ spec: { volumes: [{ name: 'data', $patch: 'delete' }] } }, doc);
    assert.deepEqual(out.spec.volumes, []);
  });
});

describe('strategic merge patch: primitive lists', () => {
  it('merge-strategy scalars are unioned, new values first (upstream order)', () => {
    assert.deepEqual(applyPod({ metadata: { finalizers: ['c.example/z'] } }).metadata.finalizers, ['c.example/z', 'a.example/x', 'b.example/y']);
    // A patch value the server doesn't know is placed as soon as it's reached, before later server-only values.
    assert.deepEqual(applyPod({ metadata: { finalizers: ['a.example/x', 'c.example/z'] } }).metadata.finalizers, [
      'a.example/x',
      'c.example/z',
      'b.example/y',
    ]);
    assert.deepEqual(applyPod({ metadata: { finalizers: ['b.example/y', 'b.example/y'] } }).metadata.finalizers, ['a.example/x', 'b.example/y']);
  });

  it('$deleteFromPrimitiveList removes values; with no list it adds nothing', () => {
    assert.deepEqual(applyPod({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'] } }).metadata.finalizers, ['b.example/y']);
    const doc = pod();
    delete doc.metadata.finalizers;
    assert.equal('finalizers' in applyPod({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'] } }, doc).metadata, false);
  });

  it('kubectl apply removing a finalizer: order list plus deletion list', () => {
    const doc = pod();
    doc.metadata.finalizers = ['a', 'b', 'c'];
    const out = applyPod({ metadata: { '$setElementOrder/finalizers': ['c', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'] } }, doc);
    assert.deepEqual(out.metadata.finalizers, ['c', 'a']);
  });

  it('an empty merge list leaves the original alone', () => {
    assert.deepEqual(applyPod({ metadata: { finalizers: [] } }).metadata.finalizers, pod().metadata.finalizers);
  });

  it('null removes the list', () => {
    assert.equal('finalizers' in applyPod({ metadata: { finalizers: null } }).metadata, false);
  });
});

describe('strategic merge patch: malformed patches', () => {
  it('directive keys without a list name are 400', () => {
    let err = apiError(() => applyPod({ metadata: { $setElementOrder: ['a'] } }));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'invalid patch format of setElementOrder list');
    err = apiError(() => applyPod({ metadata: { $deleteFromPrimitiveList: ['a'] } }));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'invalid patch format of primitive list');
  });

  it('$retainKeys must be a list naming every patched key', () => {
    let err = apiError(() => applyDeploy({ spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } }));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'invalid patch format of retainKeys');
    err = apiError(() => applyDeploy({ spec: { strategy: { $retainKeys: ['rollingUpdate'], type: 'Recreate' } } }));
    assert.equal(err.code, 400);
  });

  it('a patch list out of $setElementOrder order is refused', () => {
    const err = apiError(() =>
      applyPod({ spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'sidecar', image: 'x' }] } }),
    );
    assert.equal(err.code, 400);
    assert.match(err.status.message ?? '', /^the order in patch list:\n/);
  });

  it('lists of lists are 422 Invalid', () => {
    const doc = pod();
    doc.metadata.finalizers = [['a']];
    const err = apiError(() => applyPod({ metadata: { finalizers: [['b']] } }, doc));
    assert.equal(err.code, 422);
    assert.equal(err.status.message, GENERIC_UNPROCESSABLE);
  });

  it('a non-object patch is 400; a null patch changes nothing', () => {
    const err = apiError(() => applyPod([{ op: 'add' }]));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
    assert.deepEqual(applyPod(null), pod());
  });
});
