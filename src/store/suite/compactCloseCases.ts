// Conformance: compaction (history kept from the compacted revision on, 'Compacted' before
// it, for lists and watches) and close.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Recorder, assertNoGapNoDup, rejectsWith, settle, type SuiteContext } from './helpers.js';

export function compactCloseCases({ withStore }: SuiteContext): void {
  it('compaction keeps the current data and every snapshot from the compacted revision on', () =>
    withStore(async (s) => {
      const a1 = await s.create('/cp/a', 'a1');
      const a2 = await s.update('/cp/a', 'a2', a1.modRevision);
      const b = await s.create('/cp/b', 'b');
      const bDel = await s.delete('/cp/b');
      const c = await s.create('/cp/c', 'c');
      const a3 = await s.update('/cp/a', 'a3', a2.modRevision);
      await s.compact(bDel.modRevision);
      assert.equal(await s.compactedRevision(), bDel.modRevision);
      assert.deepEqual((await s.list('/cp/')).items, [a3, c]);
      assert.deepEqual((await s.list('/cp/', { revision: bDel.modRevision })).items, [a2]);
      assert.deepEqual((await s.list('/cp/', { revision: c.modRevision })).items, [a2, c]);
      await rejectsWith(s.list('/cp/', { revision: b.modRevision }), 'Compacted');
      assert.equal(await s.get('/cp/b'), undefined);

      const replay = new Recorder(s, '/cp/', bDel.modRevision);
      await replay.untilRevision(a3.modRevision);
      assert.deepEqual(replay.revisions(), [c.modRevision, a3.modRevision]);
      assert.deepEqual(replay.events[1]!.prev, a2, 'the prev of an event after the compacted revision survives');

      const tooOld = new Recorder(s, '/cp/', b.modRevision);
      const err = await tooOld.untilError();
      assert.equal(err.code, 'Compacted');
      assert.deepEqual(tooOld.events, [], 'a compacted watch delivers nothing');

      const b2 = await s.create('/cp/b', 'b2');
      assert.equal(b2.createRevision, b2.modRevision);
      await replay.untilRevision(b2.modRevision);
      assert.equal(replay.events[2]!.created, true);
      replay.handle.cancel();
    }));

  it('compaction never moves backwards and stays within the current revision', () =>
    withStore(async (s) => {
      for (let i = 0; i < 6; i++) await s.create(`/cb/${i}`, `${i}`);
      const r = await s.currentRevision();
      await s.compact(r - 1);
      await s.compact(r - 3);
      assert.equal(await s.compactedRevision(), r - 1);
      assert.equal((await s.list('/cb/', { revision: r - 1 })).items.length, 5);
      await rejectsWith(s.list('/cb/', { revision: r - 2 }), 'Compacted');
      await s.compact(r);
      assert.equal(await s.compactedRevision(), r);
      assert.equal(await s.count('/cb/'), 6);
    }));

  it('a paged list fails with Compacted once its snapshot revision is compacted', () =>
    withStore(async (s) => {
      for (let i = 0; i < 10; i++) await s.create(`/cpl/${i}`, `${i}`);
      const p1 = await s.list('/cpl/', { limit: 4 });
      await s.update('/cpl/5', 'changed', (await s.get('/cpl/5'))!.modRevision);
      await s.compact(await s.currentRevision());
      const after = p1.items[p1.items.length - 1]!.key;
      await rejectsWith(s.list('/cpl/', { limit: 4, after, revision: p1.revision }), 'Compacted');
    }));

  it('a watch replaying while compaction runs either completes or fails with Compacted, never skips', () =>
    withStore(async (s) => {
      const start = await s.currentRevision();
      const revs: number[] = [];
      for (let i = 0; i < 3000; i++) {
        const k = `/cpw/k${i % 50}`;
        const cur = await s.get(k);
        revs.push((cur ? await s.update(k, `${i}`, cur.modRevision) : await s.create(k, `${i}`)).modRevision);
      }
      const w = new Recorder(s, '/cpw/', start);
      const last = revs[revs.length - 1]!;
      await w.until(() => w.events.length > 0);
      await s.compact(last - 10);
      await w.untilRevisionOrError(last);
      assertNoGapNoDup(w.revisions(), revs);
      if (w.error) assert.equal(w.error.code, 'Compacted');
      else assert.equal(w.events.length, revs.length);
      await settle();
      assert.equal(w.afterError, 0, 'nothing follows an error');
      w.handle.cancel();
    }));

  it('close delivers what was written, fails live watches with Closed and rejects later calls', () =>
    withStore(async (s) => {
      const w = new Recorder(s, '/cl/', await s.currentRevision());
      const kv = await s.create('/cl/a', 'a');
      await s.close();
      const err = await w.untilError();
      assert.equal(err.code, 'Closed');
      assert.deepEqual(w.revisions(), [kv.modRevision]);
      await rejectsWith(s.get('/cl/a'), 'Closed');
      await rejectsWith(s.list('/cl/'), 'Closed');
      await rejectsWith(s.create('/cl/b', 'b'), 'Closed');
      await rejectsWith(s.update('/cl/a', 'b', kv.modRevision), 'Closed');
      await rejectsWith(s.delete('/cl/a'), 'Closed');
      await rejectsWith(s.currentRevision(), 'Closed');
      const late = new Recorder(s, '/cl/', 0);
      assert.equal((await late.untilError()).code, 'Closed');
      await s.close();
      await settle();
      assert.equal(w.afterError, 0);
    }));
}
