// Nothing acknowledged is lost (issue 2, the store): under a write load over HTTPS, the
// server is killed with SIGKILL right after a fixed number of writes got their 201, then
// restarted on the same data dir; every acknowledged ConfigMap must be there, whole.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { kubeconfigClient } from '../../src/client/httpTransport.js';
import type { KubeObject } from '../../src/machinery/types.js';
import { startCluster } from '../support/cluster.js';

const cmGVR = { group: '', version: 'v1', resource: 'configmaps' };
const COUNT = 400;
const WRITERS = 16;

describe('kill -9 durability through the API', () => {
  it(`every ConfigMap acknowledged with 201 before SIGKILL survives (${COUNT} acks, ${WRITERS} concurrent writers)`, async () => {
    const first = await startCluster({ keepDataDir: true });
    const client = kubeconfigClient(first.kubeconfig);
    const acked = new Map<string, { uid: string; resourceVersion: string }>();
    let killed: Promise<void> | undefined;
    let seq = 0;
    try {
      const writer = async (w: number): Promise<void> => {
        while (!killed) {
          const name = `load-${w}-${seq++}`;
          try {
            const created = await client.create<KubeObject>(cmGVR, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { writer: String(w), name } });
            if (killed) return; // acknowledged after the kill was decided: not counted, may or may not be there
            acked.set(name, { uid: created.metadata.uid ?? '', resourceVersion: created.metadata.resourceVersion ?? '' });
            // The kill follows a count of acknowledgements, not a timer.
            if (acked.size === COUNT) killed = first.kill();
          } catch (e) {
            if (killed) return; // in flight when the server died
            throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
      await killed;
      assert.equal(acked.size, COUNT);
      assert.notEqual(first.proc.exitCode, 0, 'the server was killed, not stopped');
    } finally {
      client.close();
      await first.kill();
    }

    const second = await startCluster({ dataDir: first.dataDir });
    const client2 = kubeconfigClient(second.kubeconfig);
    try {
      const list = await client2.list(cmGVR, { namespace: 'default' });
      const stored = new Map(list.items.map((o) => [o.metadata.name ?? '', o]));
      const missing = [...acked.keys()].filter((n) => !stored.has(n));
      assert.deepEqual(missing, [], `${missing.length} acknowledged writes were lost`);
      for (const [name, ack] of acked) {
        const o = stored.get(name)!;
        assert.equal(o.metadata.uid, ack.uid, name);
        assert.equal(o.metadata.resourceVersion, ack.resourceVersion, name);
        assert.equal((o.data as Record<string, string>).name, name);
      }
      // The store is healthy after the crash: revisions go on from where they were.
      const maxAcked = Math.max(...[...acked.values()].map((a) => Number(a.resourceVersion)));
      const next = await client2.create<KubeObject>(cmGVR, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-crash', namespace: 'default' } });
      assert.ok(Number(next.metadata.resourceVersion) > maxAcked);
    } finally {
      client2.close();
      await second.stop();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
