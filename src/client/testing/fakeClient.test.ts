import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../machinery/types.js';
import { isAlreadyExists, isConflict, isNotFound } from '../errors.js';
import type { WatchEvent, WatchStream } from '../types.js';
import { FakeClient } from './fakeClient.js';
import { FakeClock } from './fakeClock.js';

const pods = { group: '', version: 'v1', resource: 'pods' };
const ns = { namespace: 'default' };
/** Object literals typed as KubeObject, so results are not narrowed to the literal's type. */
const o = (v: KubeObject): KubeObject => v;

async function take(stream: WatchStream, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const it = stream[Symbol.asyncIterator]();
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

test('create fills server-set metadata; generateName; AlreadyExists', async () => {
  const fake = new FakeClient({ clock: new FakeClock() });
  const p = await fake.create(pods, o({ metadata: { name: 'a' }, spec: {} }), ns);
  assert.equal(p.metadata.namespace, 'default');
  assert.equal(p.metadata.resourceVersion, '2');
  assert.equal(p.metadata.generation, 1);
  assert.equal(p.metadata.creationTimestamp, '2026-11-28T07:00:00Z');
  assert.match(p.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
  const g = await fake.create(pods, o({ metadata: { generateName: 'web-', namespace: 'default' } }));
  assert.match(g.metadata.name ?? '', /^web-[a-z0-9]{5}$/);
  await assert.rejects(fake.create(pods, o({ metadata: { name: 'a' } }), ns), (e) => isAlreadyExists(e));
  await assert.rejects(fake.create(pods, o({ metadata: { name: 'b', namespace: 'x' } }), ns), /does not match the namespace/);
  const dry = await fake.create(pods, o({ metadata: { name: 'dry' } }), { ...ns, dryRun: true });
  assert.equal(dry.metadata.name, 'dry');
  assert.equal(fake.objects(pods).length, 2, 'dry run stores nothing');
});

test('update: optimistic concurrency, no-op writes, status subresource, generation', async () => {
  const fake = new FakeClient();
  const p = await fake.create(pods, o({ metadata: { name: 'a' }, spec: { x: 1 } }), ns);
  const u1 = await fake.update(pods, { ...p, spec: { x: 2 }, status: { phase: 'Ignored' } });
  assert.equal(u1.metadata.generation, 2);
  assert.equal(u1.status, undefined, 'main update does not write status');
  await assert.rejects(fake.update(pods, { ...p, spec: { x: 3 } }), (e) => isConflict(e), 'stale resourceVersion');
  const same = await fake.update(pods, u1);
  assert.equal(same.metadata.resourceVersion, u1.metadata.resourceVersion, 'a no-op update does not bump the version');
  const s = await fake.update(pods, { ...u1, spec: { x: 99 }, status: { phase: 'Running' } }, { subresource: 'status' });
  assert.deepEqual(s.spec, { x: 2 }, 'status update ignores spec');
  assert.deepEqual(s.status, { phase: 'Running' });
  assert.equal(s.metadata.generation, 2, 'status does not bump generation');
  const { resourceVersion: _rv, ...metaNoRv } = s.metadata;
  const unconditional = await fake.update(pods, { ...s, metadata: metaNoRv, spec: { x: 4 } });
  assert.deepEqual(unconditional.status, { phase: 'Running' }, 'status kept by a main update');
  await assert.rejects(fake.update(pods, { metadata: { name: 'nope', namespace: 'default' } }), (e) => isNotFound(e));
});

test('patch: merge, json, stale resourceVersion, apply creates', async () => {
  const fake = new FakeClient();
  await fake.create(pods, o({ metadata: { name: 'a', labels: { x: '1', y: '2' } }, spec: { containers: [] } }), ns);
  const m = await fake.patch(pods, 'a', { metadata: { labels: { y: null, z: '3' } } }, { ...ns, type: 'merge' });
  assert.deepEqual(m.metadata.labels, { x: '1', z: '3' });
  const j = await fake.patch(pods, 'a', [{ op: 'add', path: '/spec/nodeName', value: 'n1' }], { ...ns, type: 'json' });
  assert.equal((j.spec as { nodeName?: string }).nodeName, 'n1');
  await assert.rejects(fake.patch(pods, 'a', { metadata: { resourceVersion: '2' }, spec: { nodeName: 'n2' } }, { ...ns, type: 'merge' }), (e) => isConflict(e));
  await assert.rejects(fake.patch(pods, 'missing', {}, { ...ns, type: 'merge' }), (e) => isNotFound(e));
  const applied = await fake.patch(pods, 'b', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: {} }, { ...ns, type: 'apply', fieldManager: 'me' });
  assert.equal(applied.metadata.namespace, 'default');
});

test('delete: finalizers defer removal; preconditions; deleteCollection by selector', async () => {
  const fake = new FakeClient();
  const p = await fake.create(pods, o({ metadata: { name: 'a', finalizers: ['example.com/x'] } }), ns);
  await assert.rejects(fake.delete(pods, 'a', { ...ns, preconditions: { uid: 'other' } }), /Precondition failed: UID in precondition: other/);
  const marked = await fake.delete<KubeObject>(pods, 'a', ns);
  assert.ok('metadata' in marked && (marked as KubeObject).metadata.deletionTimestamp);
  assert.equal(fake.objects(pods).length, 1);
  const cur = await fake.get(pods, 'a', ns);
  await fake.update(pods, { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
  assert.equal(fake.objects(pods).length, 0, 'removing the last finalizer deletes');
  assert.ok(p.metadata.uid);
  for (const [name, app] of [['w1', 'web'], ['w2', 'web'], ['d1', 'db']]) await fake.create(pods, o({ metadata: { name, labels: { app } } }), ns);
  await fake.deleteCollection(pods, { ...ns, labelSelector: 'app=web' });
  assert.deepEqual(fake.objects(pods).map((o) => o.metadata.name), ['d1']);
});

test('list: selectors and pages', async () => {
  const fake = new FakeClient();
  for (const n of ['a', 'b', 'c']) await fake.create(pods, o({ metadata: { name: n, labels: { app: n === 'c' ? 'db' : 'web' } }, spec: { nodeName: n === 'a' ? 'n1' : 'n2' } }), ns);
  await fake.create(pods, o({ metadata: { name: 'z', namespace: 'other' } }));
  assert.equal((await fake.list(pods)).items.length, 4);
  assert.equal((await fake.list(pods, ns)).items.length, 3);
  assert.deepEqual((await fake.list(pods, { labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n2' })).items.map((o) => o.metadata.name), ['b']);
  const p1 = await fake.list(pods, { ...ns, limit: 2 });
  assert.deepEqual(p1.items.map((o) => o.metadata.name), ['a', 'b']);
  assert.equal(p1.metadata.remainingItemCount, 1);
  const p2 = await fake.list(pods, { ...ns, limit: 2, continue: p1.metadata.continue });
  assert.deepEqual(p2.items.map((o) => o.metadata.name), ['c']);
  assert.equal(p2.metadata.continue, undefined);
  assert.equal(p1.metadata.resourceVersion, fake.resourceVersion);
});

test('watch: replay from a version, selector transitions, 410 after compaction, timeout, failNext', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const a = await fake.create(pods, o({ metadata: { name: 'a', labels: { app: 'web' } } }), ns);
  const from = fake.resourceVersion;
  await fake.update(pods, { ...a, metadata: { ...a.metadata, labels: { app: 'db' } } });
  const w = await fake.watch(pods, { ...ns, resourceVersion: a.metadata.resourceVersion, labelSelector: 'app=web', timeoutSeconds: 60 });
  await fake.create(pods, o({ metadata: { name: 'b', labels: { app: 'web' } } }), ns);
  const evs = await take(w, 2);
  assert.deepEqual(evs.map((e) => `${e.type} ${e.type === 'ERROR' ? '' : (e.object.metadata.name ?? '')}`), ['DELETED a', 'ADDED b'], 'leaving the selector is a delete');
  assert.equal(fake.watchCount(pods), 1);
  clock.step(60_000);
  assert.deepEqual(await take(w, 1), [], 'ended by timeoutSeconds');
  assert.equal(fake.watchCount(pods), 0);

  const initial = await fake.watch(pods, ns);
  assert.deepEqual((await take(initial, 2)).map((e) => e.type), ['ADDED', 'ADDED'], 'no version: current objects first');
  initial.stop();

  fake.compact();
  const old = await fake.watch(pods, { resourceVersion: from });
  const [err] = await take(old, 1);
  assert.equal(err.type, 'ERROR');
  assert.equal(err.type === 'ERROR' && err.object.code, 410);
  assert.equal(err.type === 'ERROR' && err.object.reason, 'Expired');

  fake.failNext('get', new Error('injected'), { name: 'a' });
  assert.equal((await fake.get(pods, 'b', ns)).metadata.name, 'b', 'other names unaffected');
  await assert.rejects(fake.get(pods, 'a', ns), /injected/);
  assert.ok(fake.calls.some((c) => c.verb === 'watch' && c.options.labelSelector === 'app=web'));
});

test('pods/binding sets nodeName once; eviction deletes', async () => {
  const fake = new FakeClient();
  await fake.create(pods, o({ metadata: { name: 'p' }, spec: {} }), ns);
  await fake.create(pods, o({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'default' }, target: { kind: 'Node', name: 'n1' } }), { subresource: 'binding' });
  assert.equal(((await fake.get(pods, 'p', ns)).spec as { nodeName?: string }).nodeName, 'n1');
  await assert.rejects(
    fake.create(pods, o({ metadata: { name: 'p', namespace: 'default' }, target: { name: 'n2' } }), { subresource: 'binding' }),
    /already assigned to node "n1"/,
  );
  await fake.create(pods, o({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'default' } }), { subresource: 'eviction' });
  assert.equal(fake.objects(pods).length, 0);
});
