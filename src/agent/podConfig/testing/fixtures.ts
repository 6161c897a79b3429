// Test support for src/agent/podConfig: a FakeClient seeded with the node and the
// kubernetes service, pods with uids, temp roots, and a client that serves TokenRequests.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClient } from '../../../client/testing/fakeClient.js';
import type { CreateOptions, GroupVersionResource } from '../../../client/types.js';
import type { KubeObject } from '../../../machinery/types.js';
import { GVR } from '../lookup.js';

export const NODE = 'node-1';
export const NODE_IP = '172.16.0.2';

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A FakeClient holding the node (allocatable 4 cpu / 8Gi / 100Gi) and default/kubernetes. */
export async function seededClient(client = new FakeClient()): Promise<FakeClient> {
  await client.create(GVR.nodes, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE },
    status: {
      allocatable: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi', pods: '110' },
      addresses: [{ type: 'InternalIP', address: NODE_IP }, { type: 'Hostname', address: NODE }],
    },
  });
  await client.create(GVR.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default' },
    spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
  return client;
}

export async function configMap(client: FakeClient, name: string, data: Record<string, string>, binaryData?: Record<string, string>, namespace = 'default'): Promise<void> {
  await client.create(GVR.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data, ...(binaryData ? { binaryData } : {}) });
}

export async function secret(client: FakeClient, name: string, data: Record<string, string>, namespace = 'default'): Promise<void> {
  const enc: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) enc[k] = b64(v);
  await client.create(GVR.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: enc });
}

/** A pod (with uid) holding the given spec over one container `app`. */
export function pod(spec: Record<string, unknown> = {}, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: randomUUID(), ...meta },
    spec: { nodeName: NODE, serviceAccountName: 'default', containers: [{ name: 'app', image: 'busybox' }], ...spec },
    status: { phase: 'Pending' },
  };
}

export async function tempRoot(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-podconfig-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A FakeClient that answers serviceaccounts/<sa>/token like the TokenRequest API. */
export class TokenFakeClient extends FakeClient {
  issued = 0;

  override async create<T extends KubeObject>(gvr: GroupVersionResource, obj: T, o: CreateOptions = {}): Promise<T> {
    if (gvr.resource !== 'serviceaccounts' || o.subresource !== 'token') return super.create(gvr, obj, o);
    await this.get(GVR.serviceAccounts, obj.metadata.name ?? '', { namespace: o.namespace });
    this.issued++;
    const spec = obj.spec as { expirationSeconds: number; boundObjectRef: { name: string } };
    return {
      ...obj,
      status: { token: `token-${this.issued}-for-${spec.boundObjectRef.name}`, expirationTimestamp: new Date(Date.now() + spec.expirationSeconds * 1000).toISOString() },
    } as T;
  }
}

/** Polls `cond` (real time, for real file I/O) until it holds or the deadline passes. */
export async function eventually(cond: () => Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what} did not happen`);
}
