import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { LAST_APPLIED_ANNOTATION, serverSideApply, updateManagedFields } from './index.js';
import { configMapSchema, deploymentSchema } from './testRegistry.js';

const T1 = '2026-11-28T07:00:00Z';
const T2 = '2026-11-28T07:05:00Z';
const T3 = '2026-11-28T07:10:00Z';

function cm(data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', ...extra }, data };
}

function applyCM(live: KubeObject | undefined, applied: KubeObject, manager: string, now: string, force = false): KubeObject {
  return serverSideApply({ live, applied, manager, force, schema: configMapSchema, apiVersion: 'v1', now }).object;
}

/** What the store would do on create: give the object an identity. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { uid: 'u-1', resourceVersion: '1', creationTimestamp: T1, ...obj.metadata } };
}

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a conflict');
}

function entry(obj: KubeObject, manager: string, operation: 'Apply' | 'Update') {
  return obj.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);
}

test('1. apply creates; an identical second apply changes nothing, not even the time', () => {
  const created = stored(applyCM(undefined, cm({ a: '1' }, { labels: { app: 'x' } }), 'kubectl', T1));
  assert.deepEqual(created.data, { a: '1' });
  assert.deepEqual(created.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
    },
  ]);
  const again = applyCM(created, cm({ a: '1' }, { labels: { app: 'x' } }), 'kubectl', T2);
  assert.deepEqual(again, created);
  // A real change bumps the time.
  const changed = applyCM(created, cm({ a: '2' }, { labels: { app: 'x' } }), 'kubectl', T2);
  assert.equal((changed.data as Record<string, string>).a, '2');
  assert.equal(entry(changed, 'kubectl', 'Apply')?.time, T2);
});

test('2. appliers co-own .data; dropping a key removes it only if nobody else owns it', () => {
  let obj = stored(applyCM(undefined, cm({ a: '1', k: 'x' }), 'mgr-a', T1));
  obj = applyCM(obj, cm({ b: '2', k: 'x' }), 'mgr-b', T2);
  assert.deepEqual(obj.data, { a: '1', k: 'x', b: '2' });
  assert.deepEqual(entry(obj, 'mgr-b', 'Apply')?.fieldsV1, { 'f:data': { 'f:b': {}, 'f:k': {} } });
  // A gives up k, but B still applies it: it stays.
  obj = applyCM(obj, cm({ a: '1' }), 'mgr-a', T3);
  assert.deepEqual(obj.data, { a: '1', k: 'x', b: '2' });
  assert.deepEqual(entry(obj, 'mgr-a', 'Apply')?.fieldsV1, { 'f:data': { 'f:a': {} } });
  // B gives up k and b: they go, A's a stays.
  obj = applyCM(obj, cm({}), 'mgr-b', T3);
  assert.deepEqual(obj.data, { a: '1' });
  assert.equal(entry(obj, 'mgr-b', 'Apply'), undefined);
});

test('2b. a key owned only by the re-applying manager is removed', () => {
  let obj = stored(applyCM(undefined, cm({ a: '1', k: 'x' }), 'mgr-a', T1));
  obj = applyCM(obj, cm({ b: '2' }), 'mgr-b', T2);
  obj = applyCM(obj, cm({ a: '1' }), 'mgr-a', T3);
  assert.deepEqual(obj.data, { a: '1', b: '2' });
});

test('3. a client-side-apply Update owns .data.a: apply without force conflicts, with force takes it', () => {
  const created = stored(
    updateManagedFields({ live: undefined, updated: cm({ a: '1', b: '1' }), manager: 'kubectl-client-side-apply', operation: 'Update', schema: configMapSchema, apiVersion: 'v1', now: T1 }),
  );
  assert.deepEqual(entry(created, 'kubectl-client-side-apply', 'Update')?.fieldsV1, { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } });

  const err = conflictOf(() => applyCM(created, cm({ a: '2' }), 'kubectl', T2));
  assert.equal(err.code, 409);
  assert.equal(err.status.reason, 'Conflict');
  assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a');
  assert.deepEqual(err.status.details, {
    causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.data.a' }],
  });

  // Applying the value it already has is no conflict: co-ownership.
  const same = applyCM(created, cm({ a: '1' }), 'kubectl', T2);
  assert.deepEqual(entry(same, 'kubectl', 'Apply')?.fieldsV1, { 'f:data': { 'f:a': {} } });
  assert.deepEqual(entry(same, 'kubectl-client-side-apply', 'Update')?.fieldsV1, { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} } });

  const forced = applyCM(created, cm({ a: '2' }), 'kubectl', T2, true);
  assert.deepEqual(forced.data, { a: '2', b: '1' });
  assert.deepEqual(entry(forced, 'kubectl', 'Apply')?.fieldsV1, { 'f:data': { 'f:a': {} } });
  assert.deepEqual(entry(forced, 'kubectl-client-side-apply', 'Update')?.fieldsV1, { 'f:data': { '.': {}, 'f:b': {} } });
  // Apply entries sort before Update entries.
  assert.deepEqual(forced.metadata.managedFields?.map((e) => e.operation), ['Apply', 'Update']);
});

test('3b. kubectl takes over what its last-applied annotation still describes, and keeps it in sync', () => {
  const lastApplied = '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"cfg","namespace":"default"}}\n';
  const created = stored(
    updateManagedFields({
      live: undefined,
      updated: cm({ a: '1' }, { annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied } }),
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      schema: configMapSchema,
      apiVersion: 'v1',
      now: T1,
    }),
  );
  const out = applyCM(created, cm({ a: '2' }), 'kubectl', T2);
  assert.equal((out.data as Record<string, string>).a, '2');
  assert.equal(out.metadata.annotations?.[LAST_APPLIED_ANNOTATION], '{"apiVersion":"v1","data":{"a":"2"},"kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"}}\n');
  // Any other manager name still conflicts.
  const err = conflictOf(() => applyCM(created, cm({ a: '2' }), 'other', T2));
  assert.equal(err.status.details?.causes?.[0]?.field, '.data.a');
});

function deploy(replicas: number, image = 'nginx:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] } },
    },
  };
}

function applyD(live: KubeObject | undefined, applied: KubeObject, manager: string, now: string, force = false): KubeObject {
  return serverSideApply({ live, applied, manager, force, schema: deploymentSchema, apiVersion: 'apps/v1', now, ignorePaths: [['status']] }).object;
}

test('4. apply a Deployment, scale it with an Update, re-apply the old replicas: conflict on .spec.replicas', () => {
  const created = stored(applyD(undefined, deploy(3), 'kubectl', T1));
  assert.deepEqual(entry(created, 'kubectl', 'Apply')?.fieldsV1, {
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
      },
    },
  });
  const scaled = updateManagedFields({
    live: created,
    updated: { ...created, spec: { ...(created.spec as object), replicas: 5 } },
    manager: 'kubectl',
    operation: 'Update',
    schema: deploymentSchema,
    apiVersion: 'apps/v1',
    now: T2,
  });
  assert.deepEqual(entry(scaled, 'kubectl', 'Update')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal((entry(scaled, 'kubectl', 'Apply')?.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], undefined);

  const err = conflictOf(() => applyD(scaled, deploy(3), 'kubectl', T3));
  assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
  assert.equal(err.status.details?.causes?.[0]?.field, '.spec.replicas');
  // Leaving replicas out of the configuration is the way to share: no conflict, value kept.
  const { replicas: _r, ...specNoReplicas } = deploy(3).spec as Record<string, unknown>;
  const shared = applyD(scaled, { ...deploy(3), spec: specNoReplicas }, 'kubectl', T3);
  assert.equal((shared.spec as { replicas: number }).replicas, 5);
});

test('conflicts on list-map items name the item by key; several conflicts are grouped per manager', () => {
  const created = stored(applyD(undefined, deploy(3), 'team-a', T1));
  const err = conflictOf(() => applyD(created, deploy(4, 'nginx:2'), 'team-b', T2));
  assert.equal(
    err.status.message,
    'Apply failed with 2 conflicts: conflicts with "team-a":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
  );
  assert.deepEqual(
    err.status.details?.causes?.map((c) => [c.field, c.message]),
    [
      ['.spec.replicas', 'conflict with "team-a"'],
      ['.spec.template.spec.containers[name="nginx"].image', 'conflict with "team-a"'],
    ],
  );
});

test('an Update through a subresource is named with it in conflicts', () => {
  const created = stored(applyD(undefined, deploy(3), 'kubectl', T1));
  const scaled = updateManagedFields({
    live: created,
    updated: { ...created, spec: { ...(created.spec as object), replicas: 5 } },
    manager: 'kubectl-scale',
    operation: 'Update',
    schema: deploymentSchema,
    apiVersion: 'apps/v1',
    now: T2,
    subresource: 'scale',
  });
  assert.equal(entry(scaled, 'kubectl-scale', 'Update')?.subresource, 'scale');
  const err = conflictOf(() => applyD(scaled, deploy(3), 'kubectl', T3));
  assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas');
});

test('map-lists merge by key, atomic lists are replaced, pruning spares items others own', () => {
  const base = deploy(1);
  const two = structuredClone(base);
  (two.spec as any).template.spec.containers.push({ name: 'sidecar', image: 'busybox', args: ['a', 'b'] });
  let obj = stored(applyD(undefined, two, 'team-a', T1));
  // team-b adds its own container and env on nginx; items merge by name.
  obj = applyD(obj, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'log', image: 'fluent' }, { name: 'nginx', env: [{ name: 'X', value: '1' }] }] } } } }, 'team-b', T2);
  const names = (o: KubeObject) => (o.spec as any).template.spec.containers.map((c: { name: string }) => c.name);
  assert.deepEqual(names(obj), ['log', 'nginx', 'sidecar']);
  assert.deepEqual((obj.spec as any).template.spec.containers[1].env, [{ name: 'X', value: '1' }]);
  // Atomic args are replaced wholesale.
  const three = structuredClone(two);
  (three.spec as any).template.spec.containers[1].args = ['c'];
  obj = applyD(obj, three, 'team-a', T3);
  assert.deepEqual((obj.spec as any).template.spec.containers.find((c: { name: string }) => c.name === 'sidecar').args, ['c']);
  // team-a drops sidecar (only it owned it) and nginx (team-b co-owns nginx's env, so nginx stays with env only).
  obj = applyD(obj, { ...base, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } }, 'team-a', T3);
  assert.deepEqual(names(obj), ['log', 'nginx']);
  assert.deepEqual((obj.spec as any).template.spec.containers[1], { name: 'nginx', env: [{ name: 'X', value: '1' }] });
});

test('sets (finalizers) union across appliers and prune per element', () => {
  let obj = stored(applyCM(undefined, cm({}, { finalizers: ['a/x', 'b/y'] }), 'one', T1));
  obj = applyCM(obj, cm({}, { finalizers: ['c/z', 'b/y'] }), 'two', T2);
  assert.deepEqual(obj.metadata.finalizers, ['a/x', 'c/z', 'b/y']);
  assert.deepEqual(entry(obj, 'two', 'Apply')?.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"b/y"': {}, 'v:"c/z"': {} } } });
  obj = applyCM(obj, cm({}, { finalizers: [] }), 'one', T3);
  assert.deepEqual(obj.metadata.finalizers, ['c/z', 'b/y']);
});

test('before-first-apply: an untracked object conflicts on the fields an apply would change', () => {
  const live = stored(cm({ a: '1', b: '1' }));
  const err = conflictOf(() => applyCM(live, cm({ a: '2' }), 'mgr', T2));
  assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
  const forced = applyCM(live, cm({ a: '2' }), 'mgr', T2, true);
  assert.deepEqual(forced.data, { a: '2', b: '1' });
  assert.deepEqual(entry(forced, 'before-first-apply', 'Update'), {
    manager: 'before-first-apply',
    operation: 'Update',
    apiVersion: 'v1',
    time: T2,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { '.': {}, 'f:b': {} } },
  });
});

test('status is neither merged nor owned when the endpoint resets it', () => {
  const live = stored(applyD(undefined, deploy(1), 'kubectl', T1));
  const withStatus = { ...live, status: { replicas: 7 } };
  const applied = { ...deploy(1), status: { replicas: 1, readyReplicas: 1 } };
  const out = applyD(withStatus, applied, 'kubectl', T2);
  assert.deepEqual(out.status, { replicas: 7 });
  assert.equal(JSON.stringify(out.metadata.managedFields).includes('f:status'), false);
});

test('rejects managedFields in the configuration and a mismatched kind', () => {
  const withMF = { ...cm({ a: '1' }), metadata: { name: 'cfg', managedFields: [] } };
  assert.throws(() => applyCM(undefined, withMF, 'm', T1), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'metadata.managedFields must be nil');
  const live = stored(applyCM(undefined, cm({ a: '1' }), 'm', T1));
  const wrong = { ...cm({ a: '1' }), kind: 'Secret' };
  assert.throws(() => applyCM(live, wrong, 'm', T1), (e: unknown) => e instanceof ApiError && e.message === 'invalid object type: /v1, Kind=Secret');
});

test('identity fields in the configuration are ignored and never owned', () => {
  const live = stored(applyCM(undefined, cm({ a: '1' }), 'm', T1));
  const out = applyCM(live, cm({ a: '1' }, { uid: 'other', resourceVersion: '99', creationTimestamp: '2000-01-01T00:00:00Z', generation: 4 }), 'm', T2);
  assert.equal(out.metadata.uid, 'u-1');
  assert.equal(out.metadata.creationTimestamp, T1);
  assert.deepEqual(entry(out, 'm', 'Apply')?.fieldsV1, { 'f:data': { 'f:a': {} } });
});
