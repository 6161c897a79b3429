import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupVersionResource, KubeObject } from '../../machinery/types.js';
import type { CollectionAction, DeleteCollectionAction } from '../shared/collectionActions.js';
import { metaTime, recs } from '../shared/meta.js';
import { discoveryFailureMessage, type NamespaceCondition } from './conditions.js';
import { decideNamespace, type NamespacedResourceContent, type NamespaceObserved } from './decide.js';

const t0 = Date.parse('2024-01-01T00:00:00Z');
const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const configmaps: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const deployments: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'deployments' };
const pvcs: GroupVersionResource = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
const bindings: GroupVersionResource = { group: '', version: 'v1', resource: 'bindings' };
const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function namespace(extra: Partial<KubeObject['metadata']> = {}, status: Record<string, unknown> = { phase: 'Terminating' }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'demo', uid: 'ns-uid', resourceVersion: '10', deletionTimestamp: metaTime(t0), ...extra },
    spec: { finalizers: ['kubernetes'] },
    status,
  };
}

const obj = (name: string, extra: Partial<KubeObject['metadata']> = {}, rest: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'demo', uid: `uid-${name}`, ...extra },
  ...rest,
});

const runningPod = (name: string, grace = 30): KubeObject =>
  obj(name, {}, { spec: { nodeName: 'node-1', terminationGracePeriodSeconds: grace }, status: { phase: 'Running' } });

function conditionsOf(actions: CollectionAction[]): NamespaceCondition[] {
  const a = actions.find((x) => x.kind === 'updateStatus');
  assert.ok(a && a.kind === 'updateStatus', 'expected a status update');
  return recs((a.object.status as Record<string, unknown>).conditions) as unknown as NamespaceCondition[];
}

const cond = (cs: NamespaceCondition[], type: string): NamespaceCondition | undefined => cs.find((c) => c.type === type);

describe('namespace deletion: decisions', () => {
  it('does nothing for a namespace that is not being deleted', () => {
    const ns = namespace({ deletionTimestamp: undefined }, { phase: 'Active' });
    assert.deepEqual(decideNamespace({ namespace: ns, resources: [] }, t0), []);
  });

  it('deletes each non-empty deletable resource with a Background deletecollection, then requeues', () => {
    const resources: NamespacedResourceContent[] = [
      { gvr: configmaps, verbs: allVerbs, objects: [obj('a'), obj('b')] },
      { gvr: deployments, verbs: allVerbs, objects: [] },
      { gvr: bindings, verbs: ['create'], objects: [obj('x')] },
    ];
    const actions = decideNamespace({ namespace: namespace(), resources }, t0 + 1000);
    const dc = actions.filter((a): a is DeleteCollectionAction => a.kind === 'deleteCollection');
    assert.deepEqual(dc.map((a) => [a.gvr.resource, a.namespace, a.propagationPolicy]), [['configmaps', 'demo', 'Background']]);
    // Configmaps vanish at once, so the conditions already say everything is removed.
    const cs = conditionsOf(actions);
    assert.deepEqual(cs.map((c) => [c.type, c.status, c.reason]), [
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
      ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
      ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
    ]);
    assert.equal(cond(cs, 'NamespaceContentRemaining')?.message, 'All content successfully removed');
    assert.equal(cond(cs, 'NamespaceFinalizersRemaining')?.message, 'All content-preserving finalizers finished');
    assert.deepEqual(actions.at(-1), { kind: 'requeueAfter', ms: 1000 });
    assert.equal(actions.some((a) => a.kind === 'update'), false, 'no finalize while deletes are in flight');
  });

  it('reports remaining pods and waits estimate/2 + 1 seconds for their grace period', () => {
    const resources = [{ gvr: pods, verbs: allVerbs, objects: [runningPod('web-1'), runningPod('web-2')] }];
    const actions = decideNamespace({ namespace: namespace(), resources }, t0 + 2000);
    const cs = conditionsOf(actions);
    assert.deepEqual(cond(cs, 'NamespaceContentRemaining'), {
      type: 'NamespaceContentRemaining',
      status: 'True',
      lastTransitionTime: metaTime(t0 + 2000),
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: pods. has 2 resource instances',
    });
    assert.equal(cond(cs, 'NamespaceDeletionContentFailure')?.status, 'False');
    assert.deepEqual(actions.at(-1), { kind: 'requeueAfter', ms: 16_000 });
  });

  it('counts finalizers and falls back to the 15 s finalizer estimate', () => {
    const held = obj('data', { finalizers: ['kubernetes.io/pvc-protection'] });
    const actions = decideNamespace({ namespace: namespace(), resources: [{ gvr: pvcs, verbs: allVerbs, objects: [held] }] }, t0 + 5000);
    const cs = conditionsOf(actions);
    assert.equal(cond(cs, 'NamespaceContentRemaining')?.message, 'Some resources are remaining: persistentvolumeclaims. has 1 resource instances');
    assert.deepEqual(cond(cs, 'NamespaceFinalizersRemaining'), {
      type: 'NamespaceFinalizersRemaining',
      status: 'True',
      lastTransitionTime: metaTime(t0 + 5000),
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances',
    });
    assert.deepEqual(actions.at(-1), { kind: 'requeueAfter', ms: 8000 });
  });

  it('flags objects that outlive their estimate as a content failure (upstream "unexpected items")', () => {
    const stuck = { ...runningPod('stuck', 30), metadata: { name: 'stuck', namespace: 'demo', deletionTimestamp: metaTime(t0) } };
    const actions = decideNamespace({ namespace: namespace(), resources: [{ gvr: pods, verbs: allVerbs, objects: [stuck] }] }, t0 + 60_000);
    assert.equal(actions.some((a) => a.kind === 'deleteCollection'), false, 'nothing left to delete');
    const failure = cond(conditionsOf(actions), 'NamespaceDeletionContentFailure');
    assert.equal(failure?.reason, 'ContentDeletionFailed');
    assert.equal(failure?.message, 'Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: demo for gvr: /v1, Resource=pods');
    assert.deepEqual(actions.at(-1), { kind: 'requeueAfter', ms: 1000 });
  });

  it('reports discovery failures and does not finalize', () => {
    const observed: NamespaceObserved = {
      namespace: namespace(),
      resources: [],
      discoveryError: discoveryFailureMessage({ 'metrics.k8s.io/v1beta1': 'the server is currently unable to handle the request' }),
    };
    const actions = decideNamespace(observed, t0);
    assert.deepEqual(cond(conditionsOf(actions), 'NamespaceDeletionDiscoveryFailure'), {
      type: 'NamespaceDeletionDiscoveryFailure',
      status: 'True',
      lastTransitionTime: metaTime(t0),
      reason: 'DiscoveryFailed',
      message: 'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
    });
    assert.equal(actions.some((a) => a.kind === 'update'), false);
  });

  it('a failed deletecollection of the previous sync becomes the content failure condition', () => {
    const failed: DeleteCollectionAction = { kind: 'deleteCollection', gvr: configmaps, namespace: 'demo' };
    const observed: NamespaceObserved = {
      namespace: namespace(),
      resources: [{ gvr: configmaps, verbs: allVerbs, objects: [obj('a')] }],
      lastFailure: { action: failed as never, message: 'etcdserver: request timed out' },
    };
    const cs = conditionsOf(decideNamespace(observed, t0));
    assert.equal(cond(cs, 'NamespaceDeletionContentFailure')?.message, 'Failed to delete all resource types, 1 remaining: etcdserver: request timed out');
  });

  it('deletes item by item when deletecollection is not served', () => {
    const resources = [{ gvr: configmaps, kind: 'ConfigMap', verbs: ['delete', 'get', 'list'], objects: [obj('a'), obj('b', { deletionTimestamp: metaTime(t0), finalizers: ['x/y'] })] }];
    const deletes = decideNamespace({ namespace: namespace(), resources }, t0).filter((a) => a.kind === 'delete');
    assert.deepEqual(deletes, [{ kind: 'delete', ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'a', uid: 'uid-a' }, propagationPolicy: 'Background', tolerate: ['NotFound', 'MethodNotAllowed'] }]);
  });

  it('sets phase Terminating when the API server has not', () => {
    const a = decideNamespace({ namespace: namespace({}, { phase: 'Active' }), resources: [] }, t0);
    assert.equal(a[0].kind, 'updateStatus');
    assert.equal(((a[0] as { object: KubeObject }).object.status as { phase: string }).phase, 'Terminating');
  });

  it('finalizes an empty namespace once its conditions are written, keeping other finalizers sorted', () => {
    const settled = decideNamespace({ namespace: namespace(), resources: [] }, t0);
    const status = (settled[0] as { object: KubeObject }).object.status as Record<string, unknown>;
    const ns = { ...namespace(), status, spec: { finalizers: ['z.example.com/last', 'kubernetes', 'a.example.com/first'] } };
    const actions = decideNamespace({ namespace: ns, resources: [{ gvr: configmaps, verbs: allVerbs, objects: [] }] }, t0 + 1000);
    assert.equal(actions.length, 1);
    const fin = actions[0];
    assert.ok(fin.kind === 'update' && 'subresource' in fin);
    assert.equal(fin.subresource, 'finalize');
    assert.deepEqual((fin.object.spec as { finalizers: string[] }).finalizers, ['a.example.com/first', 'z.example.com/last']);
    assert.equal(fin.object.metadata.resourceVersion, '10');
    assert.deepEqual(fin.tolerate, ['NotFound']);
  });

  it('leaves a namespace without the kubernetes finalizer alone once it is empty', () => {
    const settled = decideNamespace({ namespace: namespace(), resources: [] }, t0);
    const status = (settled[0] as { object: KubeObject }).object.status as Record<string, unknown>;
    const ns = { ...namespace(), status, spec: { finalizers: ['example.com/other'] } };
    assert.deepEqual(decideNamespace({ namespace: ns, resources: [] }, t0), []);
  });
});

/** Just enough of an API server to run namespace deletion to the end. */
class World {
  ns: KubeObject | undefined = namespace({}, { phase: 'Terminating' });
  contents = new Map<string, KubeObject[]>();
  now = t0;
  deleteCollections: string[] = [];

  observed(): NamespaceObserved {
    return {
      namespace: structuredClone(this.ns as KubeObject),
      resources: [pods, configmaps, pvcs].map((gvr) => ({ gvr, verbs: allVerbs, objects: structuredClone(this.contents.get(gvr.resource) ?? []) })),
    };
  }

  apply(actions: CollectionAction[]): void {
    for (const a of actions) {
      if (a.kind === 'updateStatus') this.ns = { ...(this.ns as KubeObject), status: a.object.status, metadata: { ...(this.ns as KubeObject).metadata, resourceVersion: String(Number((this.ns as KubeObject).metadata.resourceVersion) + 1) } };
      if (a.kind === 'deleteCollection') {
        this.deleteCollections.push(a.gvr.resource);
        const kept = (this.contents.get(a.gvr.resource) ?? []).filter((o) => {
          const graceful = a.gvr.resource === 'pods';
          if ((o.metadata.finalizers ?? []).length > 0 || graceful) {
            o.metadata.deletionTimestamp ??= metaTime(this.now);
            return true;
          }
          return false;
        });
        this.contents.set(a.gvr.resource, kept);
      }
      if (a.kind === 'update' && 'subresource' in a && a.subresource === 'finalize') {
        assert.equal(a.object.metadata.resourceVersion, (this.ns as KubeObject).metadata.resourceVersion, 'finalize must not be stale');
        const fs = (a.object.spec as { finalizers: string[] }).finalizers;
        if (fs.length === 0) this.ns = undefined;
      }
    }
  }
}

describe('namespace deletion: driven to the end', () => {
  it('deletecollection, wait for pods and finalizers, then finalize', () => {
    const w = new World();
    w.contents.set('pods', [runningPod('web-1', 30), runningPod('web-2', 30)]);
    w.contents.set('configmaps', [obj('cfg')]);
    w.contents.set('persistentvolumeclaims', [obj('data', { finalizers: ['kubernetes.io/pvc-protection'] })]);

    w.apply(decideNamespace(w.observed(), w.now));
    assert.deepEqual(w.deleteCollections, ['pods', 'configmaps', 'persistentvolumeclaims']);
    assert.equal(w.contents.get('configmaps')?.length, 0);
    const cs = recs((w.ns?.status as Record<string, unknown>).conditions) as unknown as NamespaceCondition[];
    assert.equal(cond(cs, 'NamespaceContentRemaining')?.message, 'Some resources are remaining: persistentvolumeclaims. has 1 resource instances, pods. has 2 resource instances');

    // Nothing new to delete: the second sync only waits.
    w.now += 16_000;
    const waiting = decideNamespace(w.observed(), w.now);
    assert.equal(waiting.some((a) => a.kind === 'deleteCollection'), false);
    assert.equal(waiting.at(-1)?.kind, 'requeueAfter');

    // The kubelet finishes the pods and the PVC protection lets go.
    w.contents.set('pods', []);
    w.contents.set('persistentvolumeclaims', []);
    w.apply(decideNamespace(w.observed(), w.now));
    assert.ok(w.ns, 'the status write comes first');
    const done = recs((w.ns.status as Record<string, unknown>).conditions) as unknown as NamespaceCondition[];
    assert.equal(cond(done, 'NamespaceContentRemaining')?.reason, 'ContentRemoved');
    assert.equal(cond(done, 'NamespaceContentRemaining')?.lastTransitionTime, metaTime(w.now));
    w.apply(decideNamespace(w.observed(), w.now));
    assert.equal(w.ns, undefined, 'finalized: the API server removed the namespace');
  });
});
