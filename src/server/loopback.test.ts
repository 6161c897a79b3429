import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isConflict, isNotFound } from '../client/errors.js';
import type { HttpClient } from '../client/httpTransport.js';
import type { KubeObject } from '../machinery/types.js';
import { defaultConfig } from './config.js';
import { createLogger } from './log.js';
import { startServer, type RunningServer } from './server.js';

const cms = { group: '', version: 'v1', resource: 'configmaps' };

describe('loopback client', () => {
  let server: RunningServer;
  let client: HttpClient;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-loopback-'));
    server = await startServer(defaultConfig({ dataDir: dir, httpsPort: 0, bindAddress: '127.0.0.1', logLevel: 'error' }), createLogger('error'));
    client = server.loopback('loopback-test');
  });
  after(async () => {
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, reads, patches and deletes through the same handlers as HTTPS', async () => {
    const created = await client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { k: 'v' } } as KubeObject);
    assert.ok(created.metadata.uid);
    const got = await client.get<KubeObject & { data: Record<string, string> }>(cms, 'a', { namespace: 'default' });
    assert.deepEqual(got.data, { k: 'v' });
    const patched = await client.patch<KubeObject & { data: Record<string, string> }>(cms, 'a', { data: { k2: 'v2' } }, { type: 'strategic', namespace: 'default' });
    assert.deepEqual(patched.data, { k: 'v', k2: 'v2' });
    await assert.rejects(client.update(cms, { ...got }), (e) => isConflict(e));
    await client.delete(cms, 'a', { namespace: 'default' });
    await assert.rejects(client.get(cms, 'a', { namespace: 'default' }), (e) => isNotFound(e));
  });

  it('streams watch events and stops cleanly', async () => {
    const list = await client.list(cms, { namespace: 'default' });
    const stream = await client.watch(cms, { namespace: 'default', resourceVersion: list.metadata.resourceVersion });
    await client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', namespace: 'default' } } as KubeObject);
    await client.patch(cms, 'w', { metadata: { labels: { x: 'y' } } }, { type: 'merge', namespace: 'default' });
    const types: string[] = [];
    for await (const ev of stream) {
      types.push(`${ev.type} ${ev.type === 'ERROR' ? '' : ev.object.metadata.name}`);
      if (types.length === 2) break;
    }
    assert.deepEqual(types, ['ADDED w', 'MODIFIED w']);
  });

  it('hands every in-process watcher the one decoded object, frozen under tests', async () => {
    const list = await client.list(cms, { namespace: 'default' });
    const from = { namespace: 'default', resourceVersion: list.metadata.resourceVersion };
    const [a, b] = await Promise.all([client.watch(cms, from), client.watch(cms, from)]);
    await client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'default' }, data: { k: 'v' } } as KubeObject);
    const first = async (s: typeof a): Promise<KubeObject> => {
      for await (const ev of s) {
        s.stop();
        if (ev.type !== 'ERROR') return ev.object;
      }
      throw new Error('no event');
    };
    const [oa, ob] = await Promise.all([first(a), first(b)]);
    assert.equal(oa, ob, 'one object, not one parse per watcher');
    assert.deepEqual((oa as KubeObject & { data: unknown }).data, { k: 'v' });
    assert.match(oa.metadata.resourceVersion ?? '', /^\d+$/);
    if (process.env.SKIFF_FREEZE_SHARED === '1') {
      assert.throws(() => {
        (oa as KubeObject & { data: Record<string, string> }).data.k = 'changed';
      }, TypeError);
    }
  });

  it('binding a pod leaves its managedFields alone, as upstream (no scheduler entry)', async () => {
    const pods = { group: '', version: 'v1', resource: 'pods' };
    await client.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bind-me', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } as KubeObject, { fieldManager: 'creator' });
    const before = await client.get(pods, 'bind-me', { namespace: 'default' });
    await client.create(pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me', namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: 'n1' } } as KubeObject, { namespace: 'default', subresource: 'binding', fieldManager: 'scheduler' });
    const after = await client.get<KubeObject & { spec: { nodeName?: string } }>(pods, 'bind-me', { namespace: 'default' });
    assert.equal(after.spec.nodeName, 'n1');
    assert.deepEqual(after.metadata.managedFields, before.metadata.managedFields);
    assert.deepEqual(after.metadata.managedFields?.map((e) => e.manager), ['creator']);
  });

  it('answers writes and reads with objects the caller owns: changing one changes nothing stored', async () => {
    const created = (await client.create(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'default' }, data: { k: 'v' } } as KubeObject)) as KubeObject & { data: Record<string, string> };
    created.data.k = 'changed by the caller';
    const got = await client.get<KubeObject & { data: Record<string, string> }>(cms, 'owned', { namespace: 'default' });
    assert.deepEqual(got.data, { k: 'v' });
    assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);
    got.data.k = 'changed again';
    assert.deepEqual((await client.get<KubeObject & { data: Record<string, string> }>(cms, 'owned', { namespace: 'default' })).data, { k: 'v' });
    await assert.rejects(client.get(cms, 'missing', { namespace: 'default' }), (e) => isNotFound(e), 'errors still arrive as Status JSON');
  });
});
