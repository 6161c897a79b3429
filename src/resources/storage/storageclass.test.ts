import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { storageClassStrategy as s } from './storageclass.js';

function sc(fields: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  const o: KubeObject = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local-path', creationTimestamp: '2024-01-01T00:00:00Z', ...(annotations ? { annotations } : {}) },
    provisioner: 'rancher.io/local-path',
    ...fields,
  };
  s.defaults(o);
  return o;
}
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);

test('defaults: reclaimPolicy Delete, volumeBindingMode Immediate', () => {
  const o = sc({});
  assert.equal(o.reclaimPolicy, 'Delete');
  assert.equal(o.volumeBindingMode, 'Immediate');
  assert.equal(sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }).volumeBindingMode, 'WaitForFirstConsumer');
});

test('validation: provisioner, parameters, enums, topologies', () => {
  assert.deepEqual(errors(sc({ parameters: { a: 'b' } })), []);
  assert.deepEqual(errors(sc({ provisioner: '' })), ['provisioner: Required value']);
  assert.equal(errors(sc({ provisioner: 'not a name' })).length, 1);
  assert.deepEqual(errors(sc({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' })), [
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
  assert.deepEqual(errors(sc({ parameters: { '': 'x' } })), ['parameters: Invalid value: "": field can not be empty.']);
  assert.deepEqual(
    errors(sc({ allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: [] }, { key: 'zone', values: ['a', 'a'] }] }] })),
    [
      'allowedTopologies[0].matchLabelExpressions[0].values: Required value',
      'allowedTopologies[0].matchLabelExpressions[1].values[1]: Duplicate value: "a"',
      'allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: "zone"',
    ],
  );
});

test('updates: provisioner, parameters, reclaimPolicy forbidden; binding mode immutable; expansion allowed', () => {
  const old = sc({ parameters: { a: 'b' } });
  assert.deepEqual(s.validateUpdate(sc({ parameters: { a: 'b' }, allowVolumeExpansion: true }), old), []);
  assert.deepEqual(
    s.validateUpdate(sc({ provisioner: 'example.com/x', parameters: { a: 'c' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }), old).map(fieldErrorMessage),
    [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ],
  );
});

test('table: NAME (default), PROVISIONER, RECLAIMPOLICY, VOLUMEBINDINGMODE, ALLOWVOLUMEEXPANSION, AGE', () => {
  const now = Date.parse('2024-01-02T00:00:00Z');
  assert.deepEqual(s.table.row(sc({}, { 'storageclass.kubernetes.io/is-default-class': 'true' }), now), [
    'local-path (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '24h',
  ]);
  assert.equal(s.table.row(sc({}, { 'storageclass.beta.kubernetes.io/is-default-class': 'true' }), now)[0], 'local-path (default)');
  assert.equal(s.table.row(sc({}, { 'storageclass.kubernetes.io/is-default-class': 'false' }), now)[0], 'local-path');
  assert.deepEqual(s.table.columns.map((c) => c.name), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
  assert.deepEqual([s.namespaced, s.shortNames], [false, ['sc']]);
});
