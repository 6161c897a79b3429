// Conformance: revisions, create/update/delete with compare-and-swap, prefix isolation.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rejectsWith, type SuiteContext } from './helpers.js';

export function crudCases({ withStore }: SuiteContext): void {
  it('counts one revision per successful write and none per failed one', () =>
    withStore(async (s) => {
      const r0 = await s.currentRevision();
      assert.equal(await s.get('/crud/a'), undefined);
      const created = await s.create('/crud/a', 'v1');
      assert.deepEqual(created, { key: '/crud/a', value: 'v1', createRevision: r0 + 1, modRevision: r0 + 1 });
      assert.equal(await s.currentRevision(), r0 + 1);
      await rejectsWith(s.create('/crud/a', 'again'), 'KeyExists');
      await rejectsWith(s.update('/crud/a', 'x', r0), 'Conflict');
      await rejectsWith(s.update('/crud/missing', 'x', r0 + 1), 'NotFound');
      await rejectsWith(s.delete('/crud/missing'), 'NotFound');
      assert.equal(await s.currentRevision(), r0 + 1);
      const updated = await s.update('/crud/a', 'v2', r0 + 1);
      assert.deepEqual(updated, { key: '/crud/a', value: 'v2', createRevision: r0 + 1, modRevision: r0 + 2 });
      const deleted = await s.delete('/crud/a');
      assert.equal(deleted.modRevision, r0 + 3);
      assert.equal(await s.currentRevision(), r0 + 3);
    }));

  it('create fails with KeyExists and leaves the key unchanged', () =>
    withStore(async (s) => {
      const first = await s.create('/crud/k', 'one');
      const err = await rejectsWith(s.create('/crud/k', 'two'), 'KeyExists');
      assert.match(err.message, /\/crud\/k/);
      assert.deepEqual(await s.get('/crud/k'), first);
    }));

  it('update is compare-and-swap on modRevision and reports the current value on Conflict', () =>
    withStore(async (s) => {
      const v1 = await s.create('/crud/k', 'one');
      const v2 = await s.update('/crud/k', 'two', v1.modRevision);
      assert.equal(v2.createRevision, v1.createRevision);
      assert.ok(v2.modRevision > v1.modRevision);
      const before = await s.currentRevision();
      const err = await rejectsWith(s.update('/crud/k', 'stale', v1.modRevision), 'Conflict');
      assert.deepEqual(err.current, v2);
      assert.deepEqual(await s.get('/crud/k'), v2);
      assert.equal(await s.currentRevision(), before);
      const same = await s.update('/crud/k', 'two', v2.modRevision);
      assert.equal(same.modRevision, before + 1, 'an update with the same value is still a write');
    }));

  it('delete returns the last value at the delete revision, with optional compare-and-swap', () =>
    withStore(async (s) => {
      const v1 = await s.create('/crud/k', 'one');
      const v2 = await s.update('/crud/k', 'two', v1.modRevision);
      const err = await rejectsWith(s.delete('/crud/k', v1.modRevision), 'Conflict');
      assert.deepEqual(err.current, v2);
      assert.deepEqual(await s.get('/crud/k'), v2);
      const rev = await s.currentRevision();
      const gone = await s.delete('/crud/k', v2.modRevision);
      assert.deepEqual(gone, { key: '/crud/k', value: 'two', createRevision: v1.createRevision, modRevision: rev + 1 });
      assert.equal(await s.get('/crud/k'), undefined);
      await rejectsWith(s.delete('/crud/k'), 'NotFound');
      await s.create('/crud/u', 'x');
      const unconditional = await s.delete('/crud/u');
      assert.equal(unconditional.value, 'x');
    }));

  it('a re-created key starts a new life with a new createRevision', () =>
    withStore(async (s) => {
      const first = await s.create('/crud/k', 'one');
      await s.delete('/crud/k');
      const again = await s.create('/crud/k', 'two');
      assert.ok(again.createRevision > first.createRevision);
      assert.equal(again.createRevision, again.modRevision);
      await rejectsWith(s.update('/crud/k', 'x', first.modRevision), 'Conflict');
    }));

  it('keeps prefixes apart: /a/b/ never sees /a/bc/ or the key /a/b', () =>
    withStore(async (s) => {
      for (const k of ['/p/a/b/1', '/p/a/b/2', '/p/a/bc/1', '/p/a/b', '/p/a/ba', '/p/a/c/1', '/p/a/b/x/deep']) {
        await s.create(k, k);
      }
      const under = await s.list('/p/a/b/');
      assert.deepEqual(
        under.items.map((i) => i.key),
        ['/p/a/b/1', '/p/a/b/2', '/p/a/b/x/deep'],
      );
      assert.equal(await s.count('/p/a/b/'), 3);
      assert.equal(await s.count('/p/a/bc/'), 1);
      assert.equal(await s.count('/p/a/'), 7);
      assert.equal(await s.count('/p/none/'), 0);
      assert.deepEqual((await s.list('/p/none/')).items, []);
    }));

  it('stores values byte for byte', () =>
    withStore(async (s) => {
      const values = [
        '',
        '{"a":"quote \\" and newline \\n","b":[1,2,3]}',
        'ünïcödé ✓ 日本語 \u{1F680}',
        'x'.repeat(1024 * 1024),
      ];
      for (const [i, v] of values.entries()) {
        const kv = await s.create(`/vals/${i}`, v);
        assert.equal(kv.value, v);
        assert.equal((await s.get(`/vals/${i}`))?.value, v);
      }
      const listed = await s.list('/vals/');
      assert.deepEqual(
        listed.items.map((i) => i.value),
        values,
      );
    }));
}
