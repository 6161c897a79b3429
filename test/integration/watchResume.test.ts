// History through the API (issue 2, "Done means" 6): a restart keeps every object, uid and
// resourceVersion; a watch resumed from an old resourceVersion gets exactly the events it
// missed, in order, even across the restart; once compacted, the same watch gets an ERROR
// event with 410 Expired. Paged lists stay consistent at one revision while writes go on.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { kubeconfigClient, type HttpClient } from '../../src/client/httpTransport.js';
import type { WatchEvent, WatchStream } from '../../src/client/types.js';
import type { KubeList, KubeObject } from '../../src/machinery/types.js';
import { startCluster } from '../support/cluster.js';
import { rawApi, statusOf } from '../support/rawApi.js';

const cmGVR = { group: '', version: 'v1', resource: 'configmaps' };
const depGVR = { group: 'apps', version: 'v1', resource: 'deployments' };

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  data,
});

/** Reads events until `n` arrived (or the stream ended); the caller bounds the wait with the server's timeoutSeconds. */
async function take(stream: WatchStream, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const ev of stream) {
    if (ev.type === 'BOOKMARK') continue;
    out.push(ev);
    if (out.length >= n) break;
  }
  return out;
}

const summary = (evs: WatchEvent[]): string[] =>
  evs.map((e) => (e.type === 'ERROR' ? `ERROR ${e.object.code} ${e.object.reason}` : `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`));

interface Snapshot {
  uid: string;
  rv: string;
  data?: unknown;
}

async function snapshot(client: HttpClient): Promise<Map<string, Snapshot>> {
  const out = new Map<string, Snapshot>();
  for (const gvr of [cmGVR, depGVR, { group: '', version: 'v1', resource: 'namespaces' }, { group: '', version: 'v1', resource: 'services' }]) {
    const list: KubeList<KubeObject> = await client.list(gvr);
    for (const o of list.items) out.set(`${gvr.resource}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, { uid: o.metadata.uid ?? '', rv: o.metadata.resourceVersion ?? '', data: o.data ?? o.spec });
  }
  return out;
}

describe('restart and resumed watches', () => {
  it('keeps every object, uid and resourceVersion, and a resumed watch gets what it missed in order', async () => {
    const first = await startCluster({ keepDataDir: true });
    let second: Awaited<ReturnType<typeof startCluster>> | undefined;
    const client1 = kubeconfigClient(first.kubeconfig);
    try {
      await first.kubectlOk(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
      await first.kubectlOk(['create', 'service', 'clusterip', 'web', '--tcp=80:80']);
      await first.kubectlOk(['create', 'namespace', 'team-a']);
      await client1.create(cmGVR, cm('keep', { a: '1' }));
      await client1.create(cmGVR, cm('doomed', { a: '1' }));
      const mark = (await client1.list(cmGVR, { namespace: 'default' })).metadata.resourceVersion ?? '';
      assert.match(mark, /^\d+$/);

      // What a watcher that stopped at `mark` misses:
      const added = await client1.create(cmGVR, cm('late', { a: '1' }));
      const modified = await client1.update(cmGVR, { ...added, data: { a: '2' } });
      await client1.delete(cmGVR, 'doomed', { namespace: 'default' });
      const keepMod = await client1.patch(cmGVR, 'keep', { data: { b: '2' } }, { type: 'merge', namespace: 'default' });

      const missedLive = await take(await client1.watch(cmGVR, { namespace: 'default', resourceVersion: mark, timeoutSeconds: 20 }), 4);
      const before = await snapshot(client1);
      client1.close();
      assert.equal(await first.stop(), 0);

      second = await startCluster({ dataDir: first.dataDir });
      const client2 = kubeconfigClient(second.kubeconfig);
      try {
        const after = await snapshot(client2);
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
        for (const [k, v] of before) assert.deepEqual(after.get(k), v, k);
        assert.equal(after.get('configmaps/default/doomed'), undefined);

        // The watch resumed after the restart sees the same history, in order.
        const missed = await take(await client2.watch(cmGVR, { namespace: 'default', resourceVersion: mark, timeoutSeconds: 20 }), 4);
        assert.deepEqual(summary(missed), summary(missedLive));
        assert.deepEqual(summary(missed).map((s) => s.split(' ').slice(0, 2).join(' ')), ['ADDED late', 'MODIFIED late', 'DELETED doomed', 'MODIFIED keep']);
        assert.equal(missed[0].object.metadata.resourceVersion, added.metadata.resourceVersion);
        assert.equal(missed[1].object.metadata.resourceVersion, modified.metadata.resourceVersion);
        assert.equal(missed[3].object.metadata.resourceVersion, keepMod.metadata.resourceVersion);
        const late = missed[1];
        assert.ok(late.type === 'MODIFIED');
        assert.equal(late.object.metadata.uid, added.metadata.uid);
        const rvs = missed.map((e) => Number(e.object.metadata.resourceVersion));
        assert.deepEqual([...rvs].sort((a, b) => a - b), rvs, 'events come in revision order');

        // Revisions keep increasing after the restart.
        const next = await client2.create(cmGVR, cm('after-restart'));
        assert.ok(Number(next.metadata.resourceVersion) > Number(keepMod.metadata.resourceVersion));
        // kubectl sees the kept objects too.
        assert.equal(await second.kubectlOk(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '2');
      } finally {
        client2.close();
      }
    } finally {
      client1.close();
      await first.stop();
      if (second) await second.stop();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});

describe('compaction', () => {
  it('a watch from a compacted revision gets ERROR 410 Expired; a recent one still works', async () => {
    const c = await startCluster({ extraArgs: ['--compact-interval', '1', '--compact-keep', '5'] });
    const client = kubeconfigClient(c.kubeconfig);
    try {
      const early = await client.create(cmGVR, cm('churn', { n: '0' }));
      const earlyRV = early.metadata.resourceVersion ?? '';
      let last = early;
      for (let i = 1; i <= 25; i++) last = await client.update(cmGVR, { ...last, data: { n: String(i) } });

      // Compaction runs every second; poll (bounded) until it has passed the early revision.
      let first: WatchEvent | undefined;
      for (let attempt = 0; attempt < 40; attempt++) {
        [first] = await take(await client.watch(cmGVR, { namespace: 'default', resourceVersion: earlyRV, timeoutSeconds: 1 }), 1);
        if (first?.type === 'ERROR') break;
        await sleep(250);
      }
      assert.ok(first, 'the watch produced an event');
      assert.equal(first.type, 'ERROR', `expected an ERROR event, got ${summary([first]).join()}`);
      if (first.type !== 'ERROR') return;
      assert.equal(first.object.kind, 'Status');
      assert.equal(first.object.status, 'Failure');
      assert.equal(first.object.code, 410);
      assert.equal(first.object.reason, 'Expired');
      assert.match(first.object.message ?? '', /^too old resource version: \d+/);

      // The same answer over a raw request: HTTP 200, then the ERROR event.
      const api = rawApi(c.url, c.dataDir);
      const raw = await api.req('GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${earlyRV}&timeoutSeconds=1`);
      assert.equal(raw.status, 200);
      const ev = JSON.parse(raw.text.trim().split('\n')[0]) as { type: string; object: { code: number; reason: string } };
      assert.deepEqual({ type: ev.type, code: ev.object.code, reason: ev.object.reason }, { type: 'ERROR', code: 410, reason: 'Expired' });

      // A watch from inside the kept window still replays what followed.
      const recent = String(Number(last.metadata.resourceVersion) - 1);
      const [replayed] = await take(await client.watch(cmGVR, { namespace: 'default', resourceVersion: recent, timeoutSeconds: 5 }), 1);
      assert.equal(replayed.type, 'MODIFIED');
      assert.equal(replayed.object.metadata.resourceVersion, last.metadata.resourceVersion);

      // A list continue token from a compacted revision is refused with 410 Expired too.
      for (let i = 0; i < 4; i++) await client.create(cmGVR, cm(`page-${i}`));
      const page = await api.req('GET', '/api/v1/namespaces/default/configmaps?limit=2');
      const token = (page.json as { metadata: { continue?: string } }).metadata.continue;
      assert.ok(token, 'a first page with more to come has a continue token');
      for (let i = 0; i < 10; i++) last = await client.update(cmGVR, { ...last, data: { n: `more-${i}` } });
      let cont = await api.req('GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(token)}`);
      for (let attempt = 0; attempt < 40 && cont.status === 200; attempt++) {
        await sleep(250);
        cont = await api.req('GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(token)}`);
      }
      assert.equal(cont.status, 410, cont.text);
      const s = statusOf(cont);
      assert.equal(s.kind, 'Status');
      assert.equal(s.reason, 'Expired');
      assert.match(s.message ?? '', /^The provided continue parameter is too old to display a consistent list result\./);
    } finally {
      client.close();
      await c.stop();
    }
  });
});

describe('paged lists', () => {
  it('limit/continue pages stay consistent at the first page revision while writes happen', async () => {
    const c = await startCluster();
    const client = kubeconfigClient(c.kubeconfig);
    try {
      const initial: string[] = [];
      for (let i = 0; i < 30; i++) {
        const name = `item-${String(i).padStart(2, '0')}`;
        await client.create(cmGVR, cm(name, { v: '0' }, { set: 'paged' }));
        initial.push(name);
      }
      // Without a selector the first page counts what is left; with one the count is
      // unknown and left unset (ListMeta.remainingItemCount).
      const everything = await client.list(cmGVR, { namespace: 'default' });
      const unselected = await client.list(cmGVR, { namespace: 'default', limit: 7 });
      assert.equal(unselected.metadata.remainingItemCount, everything.items.length - 7);
      const page1 = await client.list(cmGVR, { namespace: 'default', labelSelector: 'set=paged', limit: 7 });
      const listRV = page1.metadata.resourceVersion;
      assert.equal(page1.items.length, 7);
      assert.equal(page1.metadata.remainingItemCount, undefined);
      assert.ok(page1.metadata.continue);
      const seen = page1.items.map((o) => o.metadata.name ?? '');
      let token: string | undefined = page1.metadata.continue;
      let round = 0;
      while (token) {
        // Writes between pages: new objects, deletions (of items both already listed and
        // not yet listed), and updates.
        await client.create(cmGVR, cm(`new-${round}`, {}, { set: 'paged' }));
        await client.delete(cmGVR, `item-${String(29 - round).padStart(2, '0')}`, { namespace: 'default' });
        await client.delete(cmGVR, `item-${String(round).padStart(2, '0')}`, { namespace: 'default' });
        await client.patch(cmGVR, `item-${String(10 + round).padStart(2, '0')}`, { data: { v: String(round + 1) } }, { type: 'merge', namespace: 'default' });
        const page: KubeList<KubeObject> = await client.list(cmGVR, { namespace: 'default', labelSelector: 'set=paged', limit: 7, continue: token });
        assert.equal(page.metadata.resourceVersion, listRV, 'every page is served at the first page revision');
        for (const o of page.items) {
          assert.ok(Number(o.metadata.resourceVersion) <= Number(listRV), `${o.metadata.name} is newer than the list`);
          assert.deepEqual(o.data, { v: '0' }, `${o.metadata.name} shows its state at the list revision`);
        }
        seen.push(...page.items.map((o) => o.metadata.name ?? ''));
        token = page.metadata.continue;
        round++;
      }
      assert.equal(round, 4);
      assert.deepEqual(seen, initial, 'the pages together are exactly the objects at the list revision, once each, in order');
      // A fresh list sees the writes.
      const now = await client.list(cmGVR, { namespace: 'default', labelSelector: 'set=paged' });
      assert.equal(now.items.length, 30 - 8 + 4);
    } finally {
      client.close();
      await c.stop();
    }
  });
});
