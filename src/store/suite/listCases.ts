// Conformance: ordered, paged lists; consistent snapshots at a revision; counts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { KeyValue, Store, StoreListOptions } from '../types.js';
import type { SuiteContext } from './helpers.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Reads every page of prefix at one revision (the first page's), checking more/remaining. */
async function readAllPages(s: Store, prefix: string, limit: number, between?: () => Promise<void>): Promise<KeyValue[]> {
  const all: KeyValue[] = [];
  let opts: StoreListOptions = { limit };
  let revision: number | undefined;
  for (;;) {
    const page = await s.list(prefix, opts);
    if (revision === undefined) revision = page.revision;
    assert.equal(page.revision, revision, 'every page reports the snapshot revision');
    all.push(...page.items);
    if (!page.more) return all;
    assert.equal(page.items.length, limit);
    const total = await s.list(prefix, { revision });
    assert.equal(page.remaining, total.items.length - all.length, 'remaining counts the keys after this page');
    await between?.();
    opts = { limit, after: page.items[page.items.length - 1]!.key, revision };
  }
}

export function listCases({ withStore }: SuiteContext): void {
  it('lists in key order with limit, after, more and remaining', () =>
    withStore(async (s) => {
      const order = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5];
      for (const n of order) await s.create(`/list/k${n}`, `v${n}`);
      await s.create('/listx/other', 'outside');
      const all = await s.list('/list/');
      assert.deepEqual(
        all.items.map((i) => i.key),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `/list/k${n}`),
      );
      assert.equal(all.more, false);
      assert.equal(all.revision, await s.currentRevision());
      assert.deepEqual((await s.list('/list/', { limit: 0 })).items, all.items);

      const p1 = await s.list('/list/', { limit: 3 });
      assert.deepEqual(p1.items, all.items.slice(0, 3));
      assert.equal(p1.more, true);
      assert.equal(p1.remaining, 7);
      const p2 = await s.list('/list/', { limit: 3, after: '/list/k2', revision: p1.revision });
      assert.deepEqual(p2.items, all.items.slice(3, 6));
      assert.equal(p2.remaining, 4);
      const last = await s.list('/list/', { limit: 4, after: '/list/k5', revision: p1.revision });
      assert.deepEqual(last.items, all.items.slice(6));
      assert.equal(last.more, false);
      const afterMissing = await s.list('/list/', { after: '/list/k45' });
      assert.equal(afterMissing.items[0]?.key, '/list/k5', 'after need not name an existing key');
      assert.deepEqual((await s.list('/list/', { after: '/list/k9' })).items, []);
      assert.equal(await s.count('/list/'), 10);
    }));

  it('pages read at one revision stay consistent while writes happen in between', () =>
    withStore(async (s) => {
      const original: KeyValue[] = [];
      for (let i = 0; i < 20; i++) original.push(await s.create(`/snap/k${pad(i)}`, `v${i}`));
      let step = 0;
      const writes = async (): Promise<void> => {
        step++;
        // Each round touches keys on later pages, earlier pages and between pages.
        const k7 = (await s.get('/snap/k07'))!;
        await s.update('/snap/k07', `changed${step}`, k7.modRevision);
        await s.create(`/snap/k05x${step}`, 'new');
        if (step === 1) await s.delete('/snap/k12');
        if (step === 2) await s.delete('/snap/k00');
        await s.create(`/snap/k99${step}`, 'new');
      };
      const pages = await readAllPages(s, '/snap/', 5, writes);
      assert.ok(step >= 3, 'writes ran between pages');
      assert.deepEqual(pages, original);
      const now = await s.list('/snap/');
      assert.equal(now.items.find((i) => i.key === '/snap/k07')?.value, `changed${step}`);
      assert.equal(now.items.length, 20 - 2 + 2 * step);
    }));

  it('a list at an older revision shows the values and revisions of then', () =>
    withStore(async (s) => {
      const a1 = await s.create('/old/a', '1');
      const a2 = await s.update('/old/a', '2', a1.modRevision);
      const b = await s.create('/old/b', 'b');
      const del = await s.delete('/old/a');
      const c = await s.create('/old/c', 'c');
      const at = async (revision: number): Promise<KeyValue[]> => {
        const r = await s.list('/old/', { revision });
        assert.equal(r.revision, revision);
        return r.items;
      };
      assert.deepEqual(await at(a1.modRevision - 1), []);
      assert.deepEqual(await at(a1.modRevision), [a1]);
      assert.deepEqual(await at(a2.modRevision), [a2]);
      assert.deepEqual(await at(b.modRevision), [a2, b]);
      assert.deepEqual(await at(del.modRevision), [b]);
      assert.deepEqual(await at(c.modRevision), [b, c]);
      assert.deepEqual((await s.list('/old/')).items, [b, c]);
      const paged = await s.list('/old/', { revision: b.modRevision, limit: 1 });
      assert.deepEqual(paged.items, [a2]);
      assert.equal(paged.more, true);
      assert.equal(paged.remaining, 1);
    }));

  it('lists 2,000 keys in pages of 500 with nothing lost or repeated', () =>
    withStore(async (s) => {
      const expected: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const key = `/bulk/ns${i % 7}/obj-${String(i).padStart(5, '0')}`;
        expected.push(key);
        await s.create(key, JSON.stringify({ i }));
      }
      expected.sort();
      const pages = await readAllPages(s, '/bulk/', 500);
      assert.deepEqual(
        pages.map((p) => p.key),
        expected,
      );
      assert.equal(await s.count('/bulk/ns3/'), expected.filter((k) => k.startsWith('/bulk/ns3/')).length);
    }));
}
