import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, fieldSetOf, fromFieldsV1, pathString, toFieldsV1 } from './index.js';
import { fieldPE, keyPE, serializePE } from './pathElement.js';
import { configMapSchema, deploymentSchema } from './testRegistry.js';
import { goFormatNumber, goJson, goQuote } from './goFormat.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['b', 'a'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1',
            args: ['-v'],
            ports: [{ containerPort: 80 }],
            env: [{ name: 'A', value: '1' }],
          },
        ],
      },
    },
  },
};

test('fieldSetOf encodes like upstream FieldsV1: keys, defaults, sets, atomics, ordering', () => {
  const f = toFieldsV1(fieldSetOf(deployment, deploymentSchema));
  assert.equal(
    JSON.stringify(f),
    JSON.stringify({
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} }, 'f:labels': { 'f:app': {} }, 'f:name': {} },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:args': {},
                'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    }),
  );
});

test('FieldsV1 round-trips and keeps members that also have children', () => {
  const json = {
    'f:data': { '.': {}, 'f:a': {} },
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } } },
  };
  const set = fromFieldsV1(json);
  assert.ok(set.has([fieldPE('data')]));
  assert.ok(set.has([fieldPE('data'), fieldPE('a')]));
  assert.ok(!set.has([fieldPE('metadata')]));
  assert.ok(set.has([fieldPE('spec'), fieldPE('containers'), keyPE([{ name: 'name', value: 'nginx' }])]));
  assert.deepEqual(toFieldsV1(set), json);
  // Unknown prefixes from a newer server are ignored, not fatal.
  assert.deepEqual(toFieldsV1(fromFieldsV1({ 'x:future': {}, 'f:a': {} })), { 'f:a': {} });
});

test('k: keys serialise with sorted field names whatever the input order', () => {
  const pe = keyPE([{ name: 'protocol', value: 'TCP' }, { name: 'containerPort', value: 80 }]);
  assert.equal(serializePE(pe), 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(pathString([fieldPE('spec'), fieldPE('ports'), pe, fieldPE('name')]), '.spec.ports[containerPort=80,protocol="TCP"].name');
  assert.equal(pathString([fieldPE('metadata'), fieldPE('finalizers'), { kind: 'value', value: 'x' }]), '.metadata.finalizers[="x"]');
});

test('set algebra follows structured-merge-diff semantics', () => {
  const a = FieldSet.of([fieldPE('a'), fieldPE('b')], [fieldPE('a')], [fieldPE('c')]);
  const b = FieldSet.of([fieldPE('a')]);
  // parent - child keeps the child's parent; recursive difference drops the whole subtree.
  assert.deepEqual(toFieldsV1(a.difference(b)), { 'f:a': { 'f:b': {} }, 'f:c': {} });
  assert.deepEqual(toFieldsV1(a.recursiveDifference(b)), { 'f:c': {} });
  assert.deepEqual(toFieldsV1(a.intersection(FieldSet.of([fieldPE('a'), fieldPE('b')]))), { 'f:a': { 'f:b': {} } });
  assert.ok(FieldSet.of().isEmpty());
  assert.deepEqual(
    a.paths().map((p) => pathString(p)),
    ['.a', '.c', '.a.b'],
  );
});

test('empty granular containers own nothing; atomic maps are leaves', () => {
  const f = toFieldsV1(fieldSetOf({ metadata: { labels: {} }, data: {} }, configMapSchema));
  assert.deepEqual(f, {});
  const d = toFieldsV1(fieldSetOf({ spec: { template: { spec: { nodeSelector: { a: 'b' } } } } }, deploymentSchema));
  assert.deepEqual(d, { 'f:spec': { 'f:template': { 'f:spec': { 'f:nodeSelector': {} } } } });
});

test('Go formatting helpers', () => {
  assert.equal(goJson({ b: 1, a: '<x>' }), '{"a":"\\u003cx\\u003e","b":1}');
  assert.equal(goQuote('a"b\n'), '"a\\"b\\n"');
  assert.equal(goFormatNumber(80), '80');
  assert.equal(goFormatNumber(1.5), '1.5');
  assert.equal(goFormatNumber(1234567.5), '1.2345675e+06');
});
