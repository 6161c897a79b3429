import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../types.js';
import { managerFromUserAgent, updateManagedFields, type UpdateManagedFieldsArgs } from './index.js';
import { configMapSchema, deploymentSchema } from './testRegistry.js';

const T1 = '2026-11-28T07:00:00Z';
const T2 = '2026-11-28T07:05:00Z';

function upd(live: KubeObject | undefined, updated: KubeObject, manager: string, now: string, extra: Partial<UpdateManagedFieldsArgs> = {}): KubeObject {
  const out = updateManagedFields({ live, updated, manager, operation: 'Update', schema: configMapSchema, apiVersion: 'v1', now, ...extra });
  return live ? out : { ...out, metadata: { ...out.metadata, uid: 'u-1' } };
}

function cm(data: Record<string, string>, metadata: KubeObject['metadata'] = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', ...metadata }, data };
}

const fieldsOf = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager)?.fieldsV1;

test('create records the creator with "." on maps it brought into being, none on metadata', () => {
  const o = upd(undefined, cm({ a: '1' }, { labels: { app: 'x' } }), 'kubectl-create', '2026-11-28T07:00:00.456Z');
  assert.deepEqual(o.metadata.managedFields, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    },
  ]);
});

test('create of a Deployment: no "." on struct fields or required lists, "." on new items', () => {
  const d: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } } },
    status: { replicas: 0 },
  };
  const o = updateManagedFields({ live: undefined, updated: d, manager: 'kubectl-create', operation: 'Update', schema: deploymentSchema, apiVersion: 'apps/v1', now: T1, ignorePaths: [['status']] });
  assert.deepEqual(fieldsOf(o, 'kubectl-create'), {
    'f:spec': {
      'f:replicas': {},
      'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } } } },
    },
  });
});

test('an update takes changed fields from other managers; a no-op update changes nothing', () => {
  const created = upd(undefined, cm({ a: '1', b: '1' }), 'kubectl-create', T1);
  const edited = upd(created, { ...created, data: { a: '2', b: '1', c: '3' } }, 'kubectl-edit', T2);
  assert.deepEqual(fieldsOf(edited, 'kubectl-create'), { 'f:data': { '.': {}, 'f:b': {} } });
  assert.deepEqual(fieldsOf(edited, 'kubectl-edit'), { 'f:data': { 'f:a': {}, 'f:c': {} } });
  assert.deepEqual(
    edited.metadata.managedFields?.map((e) => [e.manager, e.time]),
    [
      ['kubectl-create', T1],
      ['kubectl-edit', T2],
    ],
  );
  const again = upd(edited, { ...edited }, 'kubectl-edit', '2026-11-28T08:00:00Z');
  assert.deepEqual(again.metadata.managedFields, edited.metadata.managedFields);
});

test('removed fields leave every manager; emptied entries are dropped', () => {
  const created = upd(undefined, cm({ a: '1' }), 'creator', T1);
  const edited = upd(created, { ...created, data: { a: '2' } }, 'editor', T2);
  // The creator still owns the data map itself (a bare member encodes as `{}`, like a leaf).
  assert.deepEqual(fieldsOf(edited, 'creator'), { 'f:data': {} });
  const cleared = upd(edited, { ...edited, data: undefined }, 'cleaner', T2);
  assert.equal(cleared.metadata.managedFields, undefined);
});

test('existing untracked objects stay untracked; [] resets; subresource writes cannot touch managedFields', () => {
  const untracked = cm({ a: '1' }, { uid: 'u-9' });
  const out = upd(untracked, { ...untracked, data: { a: '2' } }, 'editor', T2);
  assert.equal(out.metadata.managedFields, undefined);

  const created = upd(undefined, cm({ a: '1' }), 'creator', T1);
  const reset = upd(created, { ...created, data: { a: '2' }, metadata: { ...created.metadata, managedFields: [] } }, 'editor', T2);
  assert.equal(reset.metadata.managedFields, undefined);

  const forged: ManagedFieldsEntry[] = [{ manager: 'forged', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }];
  const viaMain = upd(created, { ...created, metadata: { ...created.metadata, managedFields: forged } }, 'editor', T2);
  assert.deepEqual(viaMain.metadata.managedFields?.map((e) => e.manager), ['forged']);
  const viaSub = upd(created, { ...created, metadata: { ...created.metadata, managedFields: forged } }, 'editor', T2, { subresource: 'status' });
  assert.deepEqual(viaSub.metadata.managedFields?.map((e) => e.manager), ['creator']);
});

test('reset fields (status on the main resource) are never owned by updates', () => {
  const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', uid: 'u' }, spec: { replicas: 1 } };
  const tracked = updateManagedFields({ live: undefined, updated: d, manager: 'c', operation: 'Update', schema: deploymentSchema, apiVersion: 'apps/v1', now: T1 });
  const next = updateManagedFields({
    live: { ...tracked, metadata: { ...tracked.metadata, uid: 'u' } },
    updated: { ...tracked, status: { replicas: 3 } },
    manager: 'controller',
    operation: 'Update',
    schema: deploymentSchema,
    apiVersion: 'apps/v1',
    now: T2,
    ignorePaths: [['status']],
  });
  assert.deepEqual(next.metadata.managedFields?.map((e) => e.manager), ['c']);
});

test('more than ten Update managers: the oldest fold into ancient-changes', () => {
  let obj = upd(undefined, cm({ k0: 'v' }), 'm0', '2026-11-28T07:00:00Z');
  for (let i = 1; i <= 10; i++) {
    const t = `2026-11-28T07:${String(i).padStart(2, '0')}:00Z`;
    obj = upd(obj, { ...obj, data: { ...(obj.data as Record<string, string>), [`k${i}`]: 'v' } }, `m${i}`, t);
  }
  const managers = obj.metadata.managedFields?.map((e) => e.manager) ?? [];
  assert.equal(managers.length, 10);
  assert.ok(managers.includes('ancient-changes'));
  assert.ok(!managers.includes('m0') && !managers.includes('m1'));
  assert.deepEqual(fieldsOf(obj, 'ancient-changes'), { 'f:data': { '.': {}, 'f:k0': {}, 'f:k1': {} } });
});

test('manager names derived from the User-Agent as upstream', () => {
  assert.equal(managerFromUserAgent('kubectl.1.32/v1.32.0 (linux/amd64) kubernetes/abc'), 'kubectl.1.32');
  assert.equal(managerFromUserAgent('curl/8.0'), 'curl');
  assert.equal(managerFromUserAgent(undefined), '');
  assert.equal(managerFromUserAgent('x'.repeat(300)).length, 128);
});
