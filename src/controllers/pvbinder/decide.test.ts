import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../machinery/types.js';
import type { Action, UpdateAction } from '../shared/actions.js';
import { decideClaim, externalProvisioningMessage, WAIT_FOR_FIRST_CONSUMER_MESSAGE } from './decide.js';
import { PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER } from './volumeMeta.js';

const NOW = Date.parse('2024-01-01T00:00:00Z');

function claim(name: string, extra: { class?: string | null; size?: string; modes?: string[]; selector?: unknown; volumeName?: string; annotations?: Record<string, string>; finalizers?: string[]; deleting?: boolean; status?: Record<string, unknown> } = {}): KubeObject {
  const spec: Record<string, unknown> = { accessModes: extra.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: extra.size ?? '1Gi' } }, volumeMode: 'Filesystem' };
  if (extra.class !== null) spec.storageClassName = extra.class ?? '';
  if (extra.selector) spec.selector = extra.selector;
  if (extra.volumeName) spec.volumeName = extra.volumeName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', annotations: extra.annotations, finalizers: extra.finalizers ?? [PVC_PROTECTION_FINALIZER], ...(extra.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec,
    status: extra.status ?? { phase: 'Pending' },
  };
}

function volume(name: string, size: string, extra: { modes?: string[]; class?: string; labels?: Record<string, string>; mode?: string; phase?: string; claimRef?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '3', labels: extra.labels, finalizers: [PV_PROTECTION_FINALIZER] },
    spec: { capacity: { storage: size }, accessModes: extra.modes ?? ['ReadWriteOnce'], storageClassName: extra.class ?? '', volumeMode: extra.mode ?? 'Filesystem', hostPath: { path: `/tmp/${name}` }, ...(extra.claimRef ? { claimRef: extra.claimRef } : {}) },
    status: { phase: extra.phase ?? 'Available' },
  };
}

const wffc: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'my-storage-class' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' } as KubeObject;
const immediate: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'example.com/fast', volumeBindingMode: 'Immediate' } as KubeObject;

function pod(name: string, claimName: string, nodeName?: string, phase = 'Pending'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...(nodeName ? { nodeName } : {}), volumes: [{ name: 'www', persistentVolumeClaim: { claimName } }] }, status: { phase } };
}

const updates = (actions: Action[], kind: string): KubeObject[] => actions.filter((a): a is UpdateAction => a.kind === 'update' && a.object.kind === kind).map((a) => a.object);
const events = (actions: Action[]): [string, string, string][] => actions.flatMap((a) => (a.kind === 'event' ? [[a.event.type, a.event.reason, a.event.message] as [string, string, string]] : []));

test('an unbound claim binds to the smallest Available volume that fits', () => {
  const volumes = [
    volume('big', '5Gi'),
    volume('small', '500Mi'), // too small
    volume('rwx-only', '1Gi', { modes: ['ReadWriteMany'] }), // access modes not a superset
    volume('other-class', '1Gi', { class: 'gold' }),
    volume('block', '1Gi', { mode: 'Block' }),
    volume('taken', '1Gi', { claimRef: { namespace: 'default', name: 'x', uid: 'u' } }),
    volume('pending', '1Gi', { phase: 'Pending' }),
    volume('just-right', '2Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }),
    volume('bigger', '3Gi'),
  ];
  const actions = decideClaim({ claim: claim('data'), volumes, classes: [], pods: [] }, NOW);
  const [pv] = updates(actions, 'PersistentVolume');
  assert.equal(pv.metadata.name, 'just-right');
  assert.deepEqual((pv.spec as Record<string, unknown>).claimRef, { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'uid-data', apiVersion: 'v1', resourceVersion: '7' });
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  const [c] = updates(actions, 'PersistentVolumeClaim');
  assert.equal((c.spec as Record<string, unknown>).volumeName, 'just-right');
  assert.deepEqual(c.metadata.annotations, { 'pv.kubernetes.io/bound-by-controller': 'yes', 'pv.kubernetes.io/bind-completed': 'yes' });
  // The volume is written before the claim.
  assert.deepEqual(actions.map((a) => (a.kind === 'update' ? a.object.kind : a.kind)), ['PersistentVolume', 'PersistentVolumeClaim']);
});

test('label selectors restrict the candidates; a volume pre-bound to the claim wins', () => {
  const volumes = [volume('a', '1Gi', { labels: { tier: 'fast' } }), volume('b', '1Gi', { labels: { tier: 'slow' } })];
  const sel = decideClaim({ claim: claim('data', { selector: { matchLabels: { tier: 'slow' } } }), volumes, classes: [], pods: [] }, NOW);
  assert.equal(updates(sel, 'PersistentVolume')[0].metadata.name, 'b');
  const pre = volume('pre', '10Gi', { claimRef: { namespace: 'default', name: 'data' } });
  const byName = decideClaim({ claim: claim('data'), volumes: [...volumes, pre], classes: [], pods: [] }, NOW);
  const pv = updates(byName, 'PersistentVolume')[0];
  assert.equal(pv.metadata.name, 'pre');
  // Pre-bound by the user: the controller completes claimRef but does not claim the binding.
  assert.equal((pv.spec as { claimRef: { uid: string } }).claimRef.uid, 'uid-data');
  assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
});

test('no volume and no class: FailedBinding, stays Pending', () => {
  const actions = decideClaim({ claim: claim('data'), volumes: [], classes: [], pods: [] }, NOW);
  assert.deepEqual(events(actions), [['Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set']]);
  assert.equal(updates(actions, 'PersistentVolumeClaim').length, 0);
});

test('a WaitForFirstConsumer claim waits for a scheduled pod, then asks for provisioning', () => {
  const c = claim('www-web-0', { class: 'my-storage-class' });
  const waiting = decideClaim({ claim: c, volumes: [volume('free', '1Gi', { class: 'my-storage-class' })], classes: [wffc], pods: [pod('web-0', 'www-web-0')] }, NOW);
  assert.deepEqual(events(waiting), [['Normal', 'WaitForFirstConsumer', WAIT_FOR_FIRST_CONSUMER_MESSAGE]]);
  assert.deepEqual(waiting.filter((a) => a.kind !== 'event'), []);

  const scheduled = decideClaim({ claim: c, volumes: [], classes: [wffc], pods: [pod('web-0', 'www-web-0', 'sim-1')] }, NOW);
  const [u] = updates(scheduled, 'PersistentVolumeClaim');
  assert.deepEqual(u.metadata.annotations, {
    'volume.kubernetes.io/selected-node': 'sim-1',
    'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
    'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
  });
  assert.deepEqual(events(scheduled), [['Normal', 'ExternalProvisioning', externalProvisioningMessage('rancher.io/local-path')]]);
  assert.match(externalProvisioningMessage('rancher.io/local-path'), /^Waiting for a volume to be created either by the external provisioner 'rancher.io\/local-path' or manually/);
});

test('a WaitForFirstConsumer claim with a selected node binds to an existing volume on that node', () => {
  const onNode = (n: string): Record<string, unknown> => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [n] }] }] } });
  const v1 = volume('on-1', '1Gi', { class: 'my-storage-class' });
  (v1.spec as Record<string, unknown>).nodeAffinity = onNode('sim-1');
  const v2 = volume('on-2', '1Gi', { class: 'my-storage-class' });
  (v2.spec as Record<string, unknown>).nodeAffinity = onNode('sim-2');
  const c = claim('www-web-0', { class: 'my-storage-class', annotations: { 'volume.kubernetes.io/selected-node': 'sim-2' } });
  const actions = decideClaim({ claim: c, volumes: [v1, v2], classes: [wffc], pods: [] }, NOW);
  assert.equal(updates(actions, 'PersistentVolume')[0].metadata.name, 'on-2');
});

test('an Immediate class is asked to provision at once', () => {
  const actions = decideClaim({ claim: claim('data', { class: 'fast' }), volumes: [], classes: [immediate], pods: [] }, NOW);
  assert.equal(updates(actions, 'PersistentVolumeClaim')[0].metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'example.com/fast');
  assert.deepEqual(events(actions).map((e) => e[1]), ['ExternalProvisioning']);
});

test('a claim without a class gets the default class; a missing class is reported', () => {
  const def = { ...immediate, metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } } as KubeObject;
  const actions = decideClaim({ claim: claim('data', { class: null }), volumes: [], classes: [def], pods: [] }, NOW);
  assert.equal((updates(actions, 'PersistentVolumeClaim')[0].spec as Record<string, unknown>).storageClassName, 'fast');
  const missing = decideClaim({ claim: claim('data', { class: 'nope' }), volumes: [], classes: [], pods: [] }, NOW);
  assert.deepEqual(events(missing), [['Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "nope" not found']]);
});

test('a claim bound to its volume gets status Bound with the volume capacity and access modes', () => {
  const pv = volume('pv1', '2Gi', { claimRef: { namespace: 'default', name: 'data', uid: 'uid-data' }, phase: 'Bound', modes: ['ReadWriteOnce', 'ReadOnlyMany'] });
  const c = claim('data', { volumeName: 'pv1', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } });
  const actions = decideClaim({ claim: c, volumes: [pv], classes: [], pods: [] }, NOW);
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, 'updateStatus');
  assert.deepEqual((actions[0] as { object: KubeObject }).object.status, { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], capacity: { storage: '2Gi' } });
  // Its volume deleted: Lost.
  const lost = decideClaim({ claim: { ...c, status: { phase: 'Bound' } }, volumes: [], classes: [], pods: [] }, NOW);
  assert.equal((lost[0] as { object: KubeObject }).object.status && ((lost[0] as { object: KubeObject }).object.status as { phase: string }).phase, 'Lost');
  assert.deepEqual(events(lost), [['Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!']]);
});

test('pvc-protection: added when missing, removed from a deleted claim only when no pod uses it', () => {
  const bare = decideClaim({ claim: claim('data', { finalizers: [] }), volumes: [], classes: [], pods: [] }, NOW);
  assert.deepEqual(updates(bare, 'PersistentVolumeClaim')[0].metadata.finalizers, [PVC_PROTECTION_FINALIZER]);
  const deleting = claim('data', { deleting: true, finalizers: [PVC_PROTECTION_FINALIZER, 'example.com/x'] });
  assert.deepEqual(decideClaim({ claim: deleting, volumes: [], classes: [], pods: [pod('p', 'data', 'sim-1', 'Running')] }, NOW), []);
  const done = decideClaim({ claim: deleting, volumes: [], classes: [], pods: [pod('p', 'data', 'sim-1', 'Succeeded'), pod('q', 'other', 'sim-1', 'Running')] }, NOW);
  assert.deepEqual(updates(done, 'PersistentVolumeClaim')[0].metadata.finalizers, ['example.com/x']);
});
