// Which secondary-object changes wake a controller key (ControllerDefinition.keysFor), for
// the controllers that skip changes their decision cannot depend on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SharedInformer } from '../../client/informer.js';
import type { GroupVersionResource, KubeObject } from '../../machinery/types.js';
import { deploymentController } from '../deployment/controller.js';
import { nodeLifecycleController } from '../nodelifecycle/controller.js';
import { gvr } from './kinds.js';
import type { CacheView } from './manager.js';

/** A cache view over fixed objects, keyed `namespace/name` (or `name`). */
function cacheOf(objects: Partial<Record<string, KubeObject[]>>): CacheView {
  return {
    informer(g: GroupVersionResource): SharedInformer {
      const list = objects[g.resource] ?? [];
      const key = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? ''));
      return {
        get: (k: string) => list.find((o) => key(o) === k),
        listInNamespace: (ns: string) => list.filter((o) => o.metadata.namespace === ns),
      } as unknown as SharedInformer;
    },
  };
}

const node = (name: string, ready: string, taints: Record<string, unknown>[] = []): KubeObject => ({
  metadata: { name },
  spec: { taints },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});
const lease = (name: string): KubeObject => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name } });
const podOn = (nodeName: string): KubeObject => ({ metadata: { name: 'p', namespace: 'default' }, spec: { nodeName } });

describe('node lifecycle wake-ups', () => {
  const c = nodeLifecycleController();
  const cache = cacheOf({
    nodes: [node('ready', 'True'), node('lost', 'Unknown'), node('tainted', 'True', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }])],
  });

  it('a Ready node is not woken by its Lease renewals; a node that is not Ready is', () => {
    assert.deepEqual(c.keysFor!(gvr.leases, lease('ready'), cache), []);
    assert.deepEqual(c.keysFor!(gvr.leases, lease('lost'), cache), ['lost']);
    assert.deepEqual(c.keysFor!(gvr.leases, lease('unknown-node'), cache), ['unknown-node']);
    assert.deepEqual(c.keysFor!(gvr.leases, { ...lease('ready'), metadata: { name: 'ready', namespace: 'other' } }, cache), []);
  });

  it('pods wake their node only when it is not Ready or has NoExecute taints', () => {
    assert.deepEqual(c.keysFor!(gvr.pods, podOn('ready'), cache), []);
    assert.deepEqual(c.keysFor!(gvr.pods, podOn('lost'), cache), ['lost']);
    assert.deepEqual(c.keysFor!(gvr.pods, podOn('tainted'), cache), ['tainted']);
    assert.deepEqual(c.keysFor!(gvr.pods, { metadata: { name: 'p', namespace: 'default' }, spec: {} }, cache), []);
  });
});

describe('deployment wake-ups', () => {
  const deployment = (name: string, type: string): KubeObject => ({ metadata: { name, namespace: 'default', uid: `${name}-uid` }, spec: { strategy: { type } } });
  const rs = (name: string, owner: string): KubeObject => ({
    metadata: { name, namespace: 'default', uid: `${name}-uid`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner, uid: `${owner}-uid`, controller: true }] },
  });
  const pod = (owner: string): KubeObject => ({
    metadata: { name: `${owner}-x`, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `${owner}-uid`, controller: true }] },
  });
  const cache = cacheOf({
    deployments: [deployment('rolling', 'RollingUpdate'), deployment('recreate', 'Recreate')],
    replicasets: [rs('rolling-1', 'rolling'), rs('recreate-1', 'recreate')],
  });

  it('pods wake only Recreate Deployments (which wait for old pods to be gone)', () => {
    assert.deepEqual(deploymentController.keysFor!(gvr.pods, pod('rolling-1'), cache), []);
    assert.deepEqual(deploymentController.keysFor!(gvr.pods, pod('recreate-1'), cache), ['default/recreate']);
  });

  it('ReplicaSets wake their Deployment whatever its strategy', () => {
    assert.deepEqual(deploymentController.keysFor!(gvr.replicasets, rs('rolling-1', 'rolling'), cache), ['default/rolling']);
  });
});
