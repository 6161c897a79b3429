import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../machinery/types.js';
import { VolumeWorld } from '../pvbinder/testHarness.js';
import { decideDefaultClass, decideProvision, localPathStorageClass } from './decide.js';

const NOW = Date.parse('2024-01-01T00:00:00Z');
const myClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'my-storage-class' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' } as KubeObject;

// The claim the seed StatefulSet `web` makes for its pod web-0.
function wwwWeb0(annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'www-web-0', namespace: 'default', uid: '0b4c7f1e-1111-2222-3333-444455556666', resourceVersion: '12', labels: { app: 'nginx' }, annotations },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'my-storage-class', resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  };
}
const asked = { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.kubernetes.io/selected-node': 'sim-1' };

test('the default local-path class is created when missing', () => {
  assert.deepEqual(decideDefaultClass({ classes: [myClass] }), [{ kind: 'create', object: localPathStorageClass(), tolerate: ['AlreadyExists'] }]);
  assert.deepEqual(localPathStorageClass(), {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  });
  assert.deepEqual(decideDefaultClass({ classes: [localPathStorageClass()] }), []);
});

test("provisions a node-pinned hostPath volume pre-bound to the seed StatefulSet's claim www-web-0", () => {
  const actions = decideProvision({ claim: wwwWeb0(asked), classes: [myClass], volumes: [] }, NOW);
  const create = actions.find((a) => a.kind === 'create');
  assert.ok(create && create.kind === 'create');
  assert.deepEqual(create.object, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pvc-0b4c7f1e-1111-2222-3333-444455556666', annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }, finalizers: ['kubernetes.io/pv-protection'] },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: '/var/lib/skiff/storage/pvc-0b4c7f1e-1111-2222-3333-444455556666_default_www-web-0', type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'www-web-0', uid: '0b4c7f1e-1111-2222-3333-444455556666', apiVersion: 'v1', resourceVersion: '12' },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'my-storage-class',
      volumeMode: 'Filesystem',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['sim-1'] }] }] } },
    },
  });
  assert.deepEqual(create.onSuccess?.map((e) => [e.type, e.reason, e.message, e.involvedObject.name]), [['Normal', 'ProvisioningSucceeded', 'Successfully provisioned volume pvc-0b4c7f1e-1111-2222-3333-444455556666', 'www-web-0']]);
  // Already provisioned, not asked, or another provisioner's claim: nothing.
  assert.deepEqual(decideProvision({ claim: wwwWeb0(asked), classes: [myClass], volumes: [create.object] }, NOW), []);
  assert.deepEqual(decideProvision({ claim: wwwWeb0(), classes: [myClass], volumes: [] }, NOW), []);
  assert.deepEqual(decideProvision({ claim: wwwWeb0({ ...asked, 'volume.kubernetes.io/storage-provisioner': 'other.io/x', 'volume.beta.kubernetes.io/storage-provisioner': 'other.io/x' }), classes: [myClass], volumes: [] }, NOW), []);
});

test('without a selected node the provisioner reports a configuration error', () => {
  const { 'volume.kubernetes.io/selected-node': _n, ...noNode } = asked;
  const actions = decideProvision({ claim: wwwWeb0(noNode), classes: [myClass], volumes: [] }, NOW);
  assert.deepEqual(actions.map((a) => a.kind === 'event' && [a.event.type, a.event.reason, a.event.message]), [['Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "my-storage-class": configuration error, no node was specified']]);
});

test('binder and provisioner together: www-web-0 ends Bound to its provisioned volume, and goes away with it', () => {
  const w = new VolumeWorld();
  w.claimHooks.push((claim, world) => decideProvision({ claim, classes: world.list('StorageClass'), volumes: world.list('PersistentVolume') }, NOW));
  w.add(myClass);
  const c = w.add({ ...wwwWeb0(), metadata: { name: 'www-web-0', namespace: 'default' } });
  w.settle();
  assert.equal(w.list('PersistentVolume').length, 0);
  assert.deepEqual([...new Set(w.events.map((e) => e.reason))], ['WaitForFirstConsumer']);
  // The StatefulSet's pod is scheduled onto sim-2.
  w.add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' }, spec: { nodeName: 'sim-2', volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }] }, status: { phase: 'Running' } });
  w.settle();
  assert.deepEqual(w.failures, []);
  const claim = w.get('PersistentVolumeClaim', 'www-web-0', 'default');
  const pvName = `pvc-${c.metadata.uid}`;
  assert.equal((claim?.spec as Record<string, unknown>).volumeName, pvName);
  assert.deepEqual(claim?.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
  assert.equal(claim?.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
  assert.equal(claim?.metadata.annotations?.['volume.kubernetes.io/selected-node'], 'sim-2');
  assert.deepEqual(claim?.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  const pv = w.get('PersistentVolume', pvName);
  assert.equal((pv?.status as { phase: string }).phase, 'Bound');
  assert.ok(w.events.some((e) => e.reason === 'ProvisioningSucceeded' && e.message === `Successfully provisioned volume ${pvName}`));

  // Deleting the claim waits for the pod; then the Delete policy removes the volume.
  w.remove('PersistentVolumeClaim', 'www-web-0', 'default');
  w.settle();
  assert.ok(w.get('PersistentVolumeClaim', 'www-web-0', 'default'));
  w.remove('Pod', 'web-0', 'default');
  w.settle();
  assert.equal(w.get('PersistentVolumeClaim', 'www-web-0', 'default'), undefined);
  assert.equal(w.get('PersistentVolume', pvName), undefined);
});
