import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { statefulSetStrategy as s } from './statefulset.js';

function sts(spec: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = {
    metadata: { name: 'db', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
  s.defaults(o);
  return o;
}
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);

test('defaults: policies, partition, retention, replicas, history and claim templates', () => {
  const spec = sts().spec as Record<string, any>;
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.replicas, 1);
  assert.equal(spec.revisionHistoryLimit, 10);
  const pvc = spec.volumeClaimTemplates[0];
  // Claim templates stay as written, so re-applying the same manifest is "unchanged".
  assert.equal(pvc.apiVersion, undefined);
  assert.equal(pvc.spec.volumeMode, undefined);
  assert.equal(pvc.status, undefined);
  // OnDelete is left without a rollingUpdate.
  assert.deepEqual((sts({ updateStrategy: { type: 'OnDelete' } }).spec as any).updateStrategy, { type: 'OnDelete' });
});

test('a well-formed statefulset validates (the pod spec itself is not checked, as upstream)', () => {
  assert.deepEqual(errors(sts()), []);
  const noImage = sts();
  delete (noImage.spec as any).template.spec.containers[0].image;
  assert.deepEqual(errors(noImage), []);
});

test('policy, strategy, retention and selector messages', () => {
  assert.deepEqual(errors(sts({ podManagementPolicy: 'Fast' })), ["spec.podManagementPolicy: Invalid value: \"Fast\": must be 'OrderedReady' or 'Parallel'"]);
  assert.deepEqual(errors(sts({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } })), [
    `spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy 'RollingUpdate'`,
  ]);
  assert.deepEqual(errors(sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } })), [
    'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(errors(sts({ updateStrategy: { type: 'Sometimes' } })), [
    `spec.updateStrategy: Invalid value: {"type":"Sometimes"}: must be 'RollingUpdate' or 'OnDelete'`,
  ]);
  assert.deepEqual(errors(sts({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep', whenScaled: 'Delete' } })), [
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
  ]);
  assert.deepEqual(errors(sts({ serviceName: 'db.local' })), ['spec.serviceName: Invalid value: "db.local": must not contain dots']);
  assert.deepEqual(errors(sts({ selector: {} })), ['spec.selector: Invalid value: {}: empty selector is invalid for statefulset']);
  assert.deepEqual(errors(sts({ selector: { matchLabels: { app: 'x' } } })), [
    'spec.template.metadata.labels: Invalid value: {"app":"db"}: `selector` does not match template `labels`',
  ]);
});

test('template restartPolicy and activeDeadlineSeconds', () => {
  const o = sts();
  (o.spec as any).template.spec.restartPolicy = 'OnFailure';
  (o.spec as any).template.spec.activeDeadlineSeconds = 10;
  assert.deepEqual(errors(o), [
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported',
  ]);
});

test('updates may touch only the updatable fields', () => {
  const old = sts();
  assert.deepEqual(s.validateUpdate(sts({ replicas: 5, minReadySeconds: 3, revisionHistoryLimit: 2 }), old), []);
  assert.deepEqual(s.validateUpdate(sts({ serviceName: 'other' }), old).map(fieldErrorMessage), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
  const changedClaims = sts();
  (changedClaims.spec as any).volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi';
  assert.equal(s.validateUpdate(changedClaims, old).length, 1);
});

test('maxUnavailable is dropped (alpha gate) unless already stored', () => {
  const o = sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } } });
  s.prepareForCreate(o);
  assert.deepEqual((o.spec as any).updateStrategy.rollingUpdate, { partition: 0 });
  assert.deepEqual(o.status, {});
});

test('name rule, table and scale', () => {
  assert.equal(s.nameRule, 'label');
  const o = sts({ replicas: 3 });
  o.status = { readyReplicas: 1 };
  assert.deepEqual(s.table.row(o, Date.parse('2024-01-01T00:00:30Z')), ['db', '1/3', '30s', 'pg', 'postgres:16']);
  assert.deepEqual(s.table.columns.map((c) => c.name), ['Name', 'Ready', 'Age', 'Containers', 'Images']);
  assert.equal(s.scale.specReplicasPath, 'spec.replicas');
});
