import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { controllerRevisionStrategy as cr } from './controllerrevision.js';

test('ControllerRevision: data required, revision non-negative, data immutable, CONTROLLER cell', () => {
  const rev: KubeObject = {
    metadata: {
      name: 'web-7d9c',
      creationTimestamp: '2024-01-01T00:00:00Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }],
    },
    data: { spec: {} },
    revision: 2,
  };
  assert.deepEqual(cr.validate(rev), []);
  assert.deepEqual(cr.validate({ metadata: { name: 'x' }, revision: -1 }).map(fieldErrorMessage), [
    'data: Required value: data is mandatory',
    'revision: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(cr.validateUpdate({ ...rev, data: { spec: { x: 1 } } }, rev).map(fieldErrorMessage), [
    'data: Invalid value: {"spec":{"x":1}}: field is immutable',
  ]);
  assert.deepEqual(cr.table.row(rev, Date.parse('2024-01-01T00:00:10Z')), ['web-7d9c', 'statefulset.apps/web', 2, '10s']);
  assert.equal(cr.table.row({ metadata: { name: 'x' }, revision: 1 }, 0)[1], '<none>');
});
