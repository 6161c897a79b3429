// Conformance against a model: random writes, then every snapshot, page size and replay
// checked against what a plain map said at each revision (before and after compaction).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { KeyValue, Store, StoreEvent } from '../types.js';
import { Recorder, normalize, type SuiteContext } from './helpers.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays the same way. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

interface Model {
  /** Live keys after each revision. */
  snapshots: Map<number, Map<string, KeyValue>>;
  events: StoreEvent[];
}

async function randomWrites(s: Store, steps: number, seed: number): Promise<Model> {
  const rnd = random(seed);
  const live = new Map<string, KeyValue>();
  const model: Model = { snapshots: new Map([[await s.currentRevision(), new Map()]]), events: [] };
  const keys = Array.from({ length: 30 }, (_, i) => `/model/${['a', 'b', 'ab'][i % 3]}/k${String(i).padStart(2, '0')}`);
  for (let step = 0; step < steps; step++) {
    const key = keys[rnd(keys.length)]!;
    const cur = live.get(key);
    let ev: StoreEvent;
    if (!cur) {
      const kv = await s.create(key, `v${step}`);
      ev = { type: 'put', kv, created: true };
      live.set(key, kv);
    } else if (rnd(3) === 0) {
      const kv = await s.delete(key, cur.modRevision);
      ev = { type: 'delete', kv, prev: cur };
      live.delete(key);
    } else {
      const kv = await s.update(key, `v${step}`, cur.modRevision);
      ev = { type: 'put', kv, prev: cur };
      live.set(key, kv);
    }
    model.events.push(normalize(ev));
    model.snapshots.set(ev.kv.modRevision, new Map(live));
  }
  return model;
}

function expectedAt(model: Model, revision: number, prefix: string): KeyValue[] {
  const snap = model.snapshots.get(revision)!;
  return [...snap.values()].filter((kv) => kv.key.startsWith(prefix)).sort((x, y) => (x.key < y.key ? -1 : 1));
}

async function checkSnapshots(s: Store, model: Model, from: number, to: number): Promise<void> {
  for (let revision = from; revision <= to; revision++) {
    for (const prefix of ['/model/', '/model/a/', '/model/ab/']) {
      const expected = expectedAt(model, revision, prefix);
      const limit = 1 + ((revision + prefix.length) % 7);
      const got: KeyValue[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await s.list(prefix, { limit, revision, ...(after === undefined ? {} : { after }) });
        got.push(...page.items);
        if (!page.more) break;
        assert.equal(page.remaining, expected.length - got.length, `remaining at revision ${revision} under ${prefix}`);
        after = page.items[page.items.length - 1]!.key;
      }
      assert.deepEqual(got, expected, `paged list at revision ${revision} under ${prefix}`);
      assert.deepEqual((await s.list(prefix, { revision })).items, expected);
    }
  }
}

export function modelCases({ withStore }: SuiteContext): void {
  it('random writes: every snapshot, page and replay matches the model, before and after compaction', () =>
    withStore(async (s) => {
      const start = await s.currentRevision();
      const model = await randomWrites(s, 300, 7);
      const end = await s.currentRevision();
      assert.equal(end, start + 300);
      await checkSnapshots(s, model, start, end);
      assert.equal(await s.count('/model/a/'), expectedAt(model, end, '/model/a/').length);

      const mid = start + 150;
      await s.compact(mid);
      await checkSnapshots(s, model, mid, end);
      for (const from of [mid, mid + 1, end - 5]) {
        const w = new Recorder(s, '/model/b/', from);
        const expected = model.events.filter((e) => e.kv.modRevision > from && e.kv.key.startsWith('/model/b/'));
        await w.until(() => w.events.length >= expected.length);
        assert.deepEqual(w.events.map(normalize), expected, `replay from ${from}`);
        w.handle.cancel();
      }
    }));
}
