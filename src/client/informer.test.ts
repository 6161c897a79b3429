import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceExpired } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/types.js';
import { SharedInformer, stripManagedFields } from './informer.js';
import { SharedInformerFactory } from './informerFactory.js';
import { FakeClient } from './testing/fakeClient.js';
import { FakeClock } from './testing/fakeClock.js';
import { until } from './testing/until.js';

const pods = { group: '', version: 'v1', resource: 'pods' };
const cms = { group: '', version: 'v1', resource: 'configmaps' };

const pod = (name: string, extra: Partial<KubeObject> = {}, ns = 'default'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: {}, ...extra });

function recorder<T extends KubeObject>(inf: SharedInformer<T>): string[] {
  const log: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata.name}`),
    onUpdate: (a, b) => log.push(`update ${b.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o, unknown) => log.push(`delete ${o.metadata.name}${unknown ? ' (final state unknown)' : ''}`),
  });
  return log;
}

function setup(opts: { pageSize?: number; resyncPeriodMs?: number; labelSelector?: string } = {}) {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const errors: string[] = [];
  const inf = new SharedInformer(fake, pods, { clock, watchTimeoutSeconds: 600, onError: (e, phase) => errors.push(`${phase}: ${e instanceof Error ? e.message : String(e)}`), ...opts });
  const ac = new AbortController();
  return { clock, fake, inf, ac, errors };
}

test('lists, syncs, then follows the watch in order', async () => {
  const { fake, inf, ac } = setup();
  await fake.create(pods, pod('a'));
  await fake.create(pods, pod('b'));
  const log = recorder(inf);
  const run = inf.start(ac.signal);
  assert.equal(await inf.waitForSync(), true);
  assert.deepEqual(log, ['add a', 'add b']);
  assert.equal(inf.lastSyncResourceVersion(), fake.resourceVersion);

  await until(() => fake.watchCount(pods) === 1, 'watch open');
  const a = await fake.get(pods, 'a', { namespace: 'default' });
  await fake.update(pods, { ...a, spec: { nodeName: 'n1' } });
  await fake.delete(pods, 'b', { namespace: 'default' });
  await fake.create(pods, pod('c'));
  await until(() => log.length === 5, 'events delivered');
  assert.deepEqual(log.slice(2), ['update a 2->4', 'delete b', 'add c']);
  assert.deepEqual(inf.keys().sort(), ['default/a', 'default/c']);
  assert.deepEqual(inf.get('default/a')?.spec, { nodeName: 'n1' });
  const watch = fake.calls.find((c) => c.verb === 'watch');
  assert.equal(watch?.options.resourceVersion, '3', 'watches from the list resourceVersion');
  assert.equal(watch?.options.allowWatchBookmarks, true);
  ac.abort();
  await run;
  assert.equal(fake.watchCount(), 0, 'stopping closes the watch');
});

test('lists in pages', async () => {
  const { fake, inf, ac } = setup({ pageSize: 2 });
  for (const n of ['a', 'b', 'c', 'd', 'e']) await fake.create(pods, pod(n));
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  assert.equal(inf.list().length, 5);
  const lists = fake.calls.filter((c) => c.verb === 'list');
  assert.equal(lists.length, 3);
  assert.equal(lists[1].options.limit, 2);
  assert.equal(typeof lists[1].options.continue, 'string');
  ac.abort();
  await run;
});

test('a dropped watch resumes from the last resourceVersion without losing or repeating events', async () => {
  const { fake, inf, ac } = setup();
  const log = recorder(inf);
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  await until(() => fake.watchCount() === 1, 'watch open');
  await fake.create(pods, pod('a'));
  await until(() => log.length === 1, 'add a');
  const seen = inf.lastSyncResourceVersion();
  fake.dropWatches();
  // Changes made while no watch is open come from the history replay.
  void fake.create(pods, pod('b'));
  void fake.delete(pods, 'a', { namespace: 'default' });
  await until(() => log.length === 3, 'replayed');
  assert.deepEqual(log, ['add a', 'add b', 'delete a']);
  const watches = fake.calls.filter((c) => c.verb === 'watch');
  assert.equal(watches.length, 2);
  assert.equal(watches[1].options.resourceVersion, seen);
  assert.equal(fake.calls.filter((c) => c.verb === 'list').length, 1, 'no relist needed');
  ac.abort();
  await run;
});

test('410 on re-watch (ERROR event) relists and delivers the differences', async () => {
  const { fake, inf, ac, clock } = setup();
  await fake.create(pods, pod('keep'));
  await fake.create(pods, pod('gone'));
  await fake.create(pods, pod('changed'));
  const log = recorder(inf);
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  await until(() => fake.watchCount() === 1, 'watch open');
  log.length = 0;
  // The informer misses these and the history that would replay them is compacted.
  fake.dropWatches();
  void fake.delete(pods, 'gone', { namespace: 'default' });
  const changed = await fake.get(pods, 'changed', { namespace: 'default' });
  void fake.update(pods, { ...changed, spec: { nodeName: 'n2' } });
  void fake.create(pods, pod('new'));
  fake.compact();
  // The dropped watch had delivered nothing and lasted no time: a short back-off first.
  await clock.advance(800);
  await until(() => log.length === 3, 'relist diff delivered');
  assert.deepEqual(log.sort(), ['add new', 'delete gone (final state unknown)', 'update changed 4->6'].sort());
  assert.deepEqual(inf.keys().sort(), ['default/changed', 'default/keep', 'default/new']);
  assert.equal(fake.calls.filter((c) => c.verb === 'list').length, 2);
  await until(() => fake.watchCount() === 1, 'watching again');
  assert.equal(fake.calls.filter((c) => c.verb === 'watch').at(-1)?.options.resourceVersion, fake.resourceVersion);
  ac.abort();
  await run;
});

test('410 on an open watch and as a thrown ApiError both relist', async () => {
  const { fake, inf, ac, errors, clock } = setup();
  const log = recorder(inf);
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  await until(() => fake.watchCount() === 1, 'watch open');
  fake.expireWatches();
  await until(() => fake.calls.filter((c) => c.verb === 'list').length === 2, 'relisted after ERROR 410');
  await until(() => fake.watchCount() === 1, 'watch open again');
  fake.failNext('watch', resourceExpired('too old resource version: 1 (5)'));
  fake.dropWatches();
  void fake.create(pods, pod('x'));
  await clock.advance(800); // short-watch back-off
  await until(() => fake.calls.filter((c) => c.verb === 'list').length === 3, 'relisted after thrown 410');
  await until(() => log.includes('add x'), 'x delivered by the relist');
  assert.deepEqual(errors, [], '410 is routine, not an error');
  ac.abort();
  await run;
});

test('failed lists are retried with back-off on the clock', async () => {
  const { fake, inf, ac, clock, errors } = setup();
  fake.failNext('list', new Error('connection refused'));
  fake.failNext('list', new Error('connection refused'));
  const run = inf.start(ac.signal);
  await until(() => errors.length === 1, 'first failure reported');
  assert.equal(clock.nextAt(), clock.now() + 800);
  await clock.advance(800);
  await until(() => errors.length === 2, 'second failure');
  assert.equal(clock.nextAt(), clock.now() + 1600, 'back-off doubles');
  assert.equal(inf.hasSynced(), false);
  await clock.advance(1600);
  assert.equal(await inf.waitForSync(), true);
  assert.deepEqual(errors, ['list: connection refused', 'list: connection refused']);
  ac.abort();
  await run;
});

test('resync re-delivers every cached object as an update each period', async () => {
  const { fake, inf, ac, clock } = setup({ resyncPeriodMs: 30_000 });
  await fake.create(pods, pod('a'));
  const log = recorder(inf);
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  await clock.advance(29_999);
  assert.deepEqual(log, ['add a']);
  await clock.advance(1);
  assert.deepEqual(log, ['add a', 'update a 2->2']);
  await clock.advance(30_000);
  assert.equal(log.length, 3);
  ac.abort();
  await run;
});

test('indexers follow updates; namespace index built in; late handlers get the cache as adds', async () => {
  const { fake, inf, ac } = setup();
  inf.addIndexer('node', (p) => {
    const n = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    return n ? [n] : [];
  });
  await fake.create(pods, pod('a', { spec: { nodeName: 'n1' } }));
  await fake.create(pods, pod('b', { spec: { nodeName: 'n1' } }, 'other'));
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  await until(() => fake.watchCount() === 1, 'watch open');
  assert.deepEqual(inf.byIndex('node', 'n1').map((p) => p.metadata.name).sort(), ['a', 'b']);
  assert.deepEqual(inf.listInNamespace('other').map((p) => p.metadata.name), ['b']);
  const a = await fake.get(pods, 'a', { namespace: 'default' });
  await fake.update(pods, { ...a, spec: { nodeName: 'n2' } });
  await until(() => inf.byIndex('node', 'n2').length === 1, 'index moved');
  assert.deepEqual(inf.indexKeys('node', 'n1'), ['other/b']);
  const late = recorder(inf);
  assert.deepEqual(late.sort(), ['add a', 'add b']);
  ac.abort();
  await run;
});

test('a selector informer sees objects leaving the selector as deletes', async () => {
  const { fake, inf, ac } = setup({ labelSelector: 'app=web' });
  await fake.create(pods, pod('a', { metadata: { name: 'a', namespace: 'default', labels: { app: 'web' } } }));
  await fake.create(pods, pod('b', { metadata: { name: 'b', namespace: 'default', labels: { app: 'db' } } }));
  const log = recorder(inf);
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  await until(() => fake.watchCount() === 1, 'watch open');
  const a = await fake.get(pods, 'a', { namespace: 'default' });
  await fake.update(pods, { ...a, metadata: { ...a.metadata, labels: { app: 'other' } } });
  await until(() => log.length === 2, 'delete seen');
  assert.deepEqual(log, ['add a', 'delete a']);
  ac.abort();
  await run;
});

test('a throwing handler does not stop others', async () => {
  const { fake, inf, ac, errors } = setup();
  inf.onAdd(() => {
    throw new Error('boom');
  });
  const log = recorder(inf);
  await fake.create(pods, pod('a'));
  const run = inf.start(ac.signal);
  await inf.waitForSync();
  assert.deepEqual(log, ['add a']);
  assert.deepEqual(errors, ['handler: boom']);
  ac.abort();
  await run;
});

test('factory: one informer per resource+namespace, started together, late ones start at once', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  await fake.create(pods, pod('a'));
  await fake.create(cms, { metadata: { name: 'c', namespace: 'default' } });
  const f = new SharedInformerFactory(fake, { clock });
  const p1 = f.informerFor(pods);
  assert.equal(f.informerFor(pods), p1);
  const p2 = f.informerFor(pods, { namespace: 'kube-system' });
  assert.notEqual(p2, p1);
  const ac = new AbortController();
  f.start(ac.signal);
  assert.equal(await f.waitForSync(), true);
  assert.equal(p1.list().length, 1);
  assert.equal(p2.list().length, 0);
  const c = f.informerFor(cms);
  assert.equal(await c.waitForSync(), true, 'requested after start: started at once');
  assert.equal(c.get('default/c')?.metadata.name, 'c');
  assert.equal(fake.calls.filter((x) => x.verb === 'list').length, 3, 'one list per informer');
  ac.abort();
  await f.stopped();
  assert.equal(fake.watchCount(), 0);
});

test('transform: stripManagedFields applies to listed and watched objects, leaving the originals alone', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const managed = { managedFields: [{ manager: 'm', operation: 'Update' as const, apiVersion: 'v1', fieldsType: 'FieldsV1' as const, fieldsV1: {} }] };
  await fake.create(pods, pod('a', { metadata: { name: 'a', namespace: 'default', labels: { x: 'y' }, ...managed } }));
  const inf = new SharedInformer(fake, pods, { clock, transform: stripManagedFields });
  const ac = new AbortController();
  const run = inf.start(ac.signal);
  assert.equal(await inf.waitForSync(), true);
  await until(() => fake.watchCount(pods) === 1, 'watch open');
  await fake.create(pods, pod('b', { metadata: { name: 'b', namespace: 'default', ...managed } }));
  await until(() => inf.get('default/b') !== undefined, 'watched object cached');
  for (const name of ['a', 'b']) {
    const cached = inf.get(`default/${name}`);
    assert.equal(cached?.metadata.managedFields, undefined);
    assert.equal(cached?.metadata.name, name);
  }
  assert.deepEqual(inf.get('default/a')?.metadata.labels, { x: 'y' });
  const original = pod('c', { metadata: { name: 'c', ...managed } });
  assert.notEqual(stripManagedFields(original), original);
  assert.equal(original.metadata.managedFields?.length, 1, 'the input is not changed');
  const bare = pod('d');
  assert.equal(stripManagedFields(bare), bare, 'nothing to strip: the same object');
  ac.abort();
  await run;
});
