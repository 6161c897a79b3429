// Conformance: watch from a revision (replay, then live), event shapes, prefixes, cancel,
// many watchers.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store } from '../types.js';
import { Recorder, assertNoGapNoDup, normalize, settle, type SuiteContext } from './helpers.js';

/** Revision after writing n creates under prefix. */
async function createMany(s: Store, prefix: string, n: number, yieldEvery = 0): Promise<number[]> {
  const revs: number[] = [];
  for (let i = 0; i < n; i++) {
    revs.push((await s.create(`${prefix}${String(i).padStart(6, '0')}`, `{"i":${i}}`)).modRevision);
    if (yieldEvery > 0 && i % yieldEvery === 0) await settle(1);
  }
  return revs;
}

export function watchCases({ withStore }: SuiteContext): void {
  it('delivers live puts and deletes in order, with created, prev and the deleted value', () =>
    withStore(async (s) => {
      const w = new Recorder(s, '/w/', await s.currentRevision());
      const c = await s.create('/w/a', 'one');
      const u = await s.update('/w/a', 'two', c.modRevision);
      const d = await s.delete('/w/a');
      await w.untilRevision(d.modRevision);
      assert.deepEqual(w.events.map(normalize), [
        { type: 'put', kv: c, created: true },
        { type: 'put', kv: u, prev: c, created: false },
        { type: 'delete', kv: { key: '/w/a', value: 'two', createRevision: c.createRevision, modRevision: d.modRevision }, prev: u, created: false },
      ]);
      w.handle.cancel();
    }));

  it('replays from an old revision, then continues live without gaps or duplicates', () =>
    withStore(async (s) => {
      const revs: number[] = [];
      for (let i = 0; i < 10; i++) {
        revs.push((await s.create(`/r/k${i}`, `${i}`)).modRevision);
        await s.create(`/other/k${i}`, 'not watched');
      }
      const w = new Recorder(s, '/r/', revs[2]!);
      // Written before the replay can have run: these must neither be lost nor doubled.
      for (let i = 10; i < 15; i++) revs.push((await s.create(`/r/k${i}`, `${i}`)).modRevision);
      await w.untilRevision(revs[14]!);
      assert.deepEqual(w.revisions(), revs.slice(3));
      for (let i = 15; i < 18; i++) revs.push((await s.create(`/r/k${i}`, `${i}`)).modRevision);
      await w.untilRevision(revs[17]!);
      assert.deepEqual(w.revisions(), revs.slice(3));
      w.handle.cancel();
    }));

  it('a long replay joins the live stream with writes interleaved, without gaps or duplicates', () =>
    withStore(async (s) => {
      const start = await s.currentRevision();
      const before = await createMany(s, '/long/a', 2500);
      const w = new Recorder(s, '/long/', start);
      const during = await createMany(s, '/long/b', 300, 10);
      const all = [...before, ...during];
      await w.untilRevision(all[all.length - 1]!);
      assertNoGapNoDup(w.revisions(), all);
      assert.equal(w.events.length, all.length);
      w.handle.cancel();
    }));

  it('replayed events look exactly like the live ones', () =>
    withStore(async (s) => {
      const start = await s.currentRevision();
      const live = new Recorder(s, '/same/', start);
      const a = await s.create('/same/a', 'a1');
      await s.update('/same/a', 'a2', a.modRevision);
      await s.create('/same/b', 'b1');
      await s.delete('/same/a');
      const b2 = await s.update('/same/b', 'b2', (await s.get('/same/b'))!.modRevision);
      await s.delete('/same/b', b2.modRevision);
      const last = await s.create('/same/a', 'a3');
      await live.untilRevision(last.modRevision);
      const replay = new Recorder(s, '/same/', start);
      await replay.untilRevision(last.modRevision);
      assert.equal(replay.events.length, 7);
      assert.deepEqual(replay.events.map(normalize), live.events.map(normalize));
      live.handle.cancel();
      replay.handle.cancel();
    }));

  it('a watch sees only keys under its prefix', () =>
    withStore(async (s) => {
      const w = new Recorder(s, '/a/b/', await s.currentRevision());
      await s.create('/a/bc/x', '1');
      await s.create('/a/b', '2');
      await s.create('/a/', '3');
      await s.create('/a/ba', '4');
      const mine = await s.create('/a/b/x', '5');
      const deep = await s.create('/a/b/x/y', '6');
      await w.untilRevision(deep.modRevision);
      assert.deepEqual(
        w.events.map((e) => e.kv.key),
        [mine.key, deep.key],
      );
      w.handle.cancel();
    }));

  it('a watch from a revision not yet reached waits for it', () =>
    withStore(async (s) => {
      const r = await s.currentRevision();
      const w = new Recorder(s, '/fut/', r + 2);
      await s.create('/fut/1', '1');
      await s.create('/fut/2', '2');
      const third = await s.create('/fut/3', '3');
      await w.untilRevision(third.modRevision);
      assert.deepEqual(w.revisions(), [third.modRevision]);
      w.handle.cancel();
    }));

  it('cancel stops delivery', () =>
    withStore(async (s) => {
      const r = await s.currentRevision();
      const cancelled = new Recorder(s, '/c/', r);
      const sentinel = new Recorder(s, '/c/', r);
      const first = await s.create('/c/1', '1');
      await cancelled.untilRevision(first.modRevision);
      cancelled.handle.cancel();
      const second = await s.create('/c/2', '2');
      await sentinel.untilRevision(second.modRevision);
      await settle();
      assert.deepEqual(cancelled.revisions(), [first.modRevision]);
      assert.equal(cancelled.error, undefined, 'a cancelled watch gets no error either');
      sentinel.handle.cancel();
      cancelled.handle.cancel();
    }));

  it('1,000 concurrent watchers each get exactly their events', () =>
    withStore(async (s) => {
      const r = await s.currentRevision();
      const perNamespace: Recorder[] = [];
      const broad: Recorder[] = [];
      for (let i = 0; i < 800; i++) perNamespace.push(new Recorder(s, `/many/ns${i}/`, r));
      for (let i = 0; i < 200; i++) broad.push(new Recorder(s, '/many/', r));
      const revs: number[] = [];
      for (let i = 0; i < 800; i++) revs.push((await s.create(`/many/ns${i}/pod`, `${i}`)).modRevision);
      const last = revs[revs.length - 1]!;
      await Promise.all(broad.map((w) => w.untilRevision(last)));
      await Promise.all(perNamespace.map((w, i) => w.untilRevision(revs[i]!)));
      await settle();
      for (const [i, w] of perNamespace.entries()) {
        assert.deepEqual(w.revisions(), [revs[i]], `watcher of ns${i}`);
        assert.equal(w.events[0]!.kv.key, `/many/ns${i}/pod`);
      }
      for (const w of broad) assert.deepEqual(w.revisions(), revs);
      for (const w of [...perNamespace, ...broad]) w.handle.cancel();
    }));
}
