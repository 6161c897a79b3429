import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSchemaDefinitions, parseModelName, type GenerateInput, type ModelAttribute } from './generate.js';
import type { SchemaKind } from './kinds.js';

const a = (baseName: string, type: string, format = ''): ModelAttribute => ({ name: baseName, baseName, type, format });
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const models: GenerateInput['models'] = {
  V1Widget: [a('apiVersion', 'string'), a('kind', 'string'), a('metadata', 'V1ObjectMeta'), a('spec', 'V1WidgetSpec')],
  V1WidgetList: [a('items', 'Array<V1Widget>'), a('metadata', 'V1ListMeta')],
  V1WidgetSpec: [
    a('replicas', 'number', 'int32'),
    a('ratio', 'number', 'double'),
    a('ports', 'Array<V1Port>'),
    a('labels', '{ [key: string]: string; }'),
    a('blob', '{ [key: string]: string; }', 'byte'),
    a('created', 'Date', 'date-time'),
    a('renewed', 'V1MicroTime', 'date-time-micro'),
    a('target', 'IntOrString', 'int-or-string'),
    a('raw', 'any'),
    a('limit', 'string'),
    a('shared', 'V1Shared'),
  ],
  V1Port: [a('port', 'number', 'int32'), a('name', 'string')],
  V1Shared: [a('x', 'boolean')],
  V1Gadget: [a('metadata', 'V1ObjectMeta'), a('shared', 'V1Shared'), a('series', 'CoreV1Thing')],
  CoreV1Thing: [a('count', 'number', 'int32')],
  V1ObjectMeta: [a('name', 'string')],
  V1ListMeta: [a('resourceVersion', 'string')],
};

const kinds: SchemaKind[] = [
  { group: '', version: 'v1', kind: 'Widget', definition: 'io.k8s.api.core.v1.Widget', model: 'V1Widget', list: true },
  { group: 'apps', version: 'v1', kind: 'Gadget', definition: 'io.k8s.api.apps.v1.Gadget', model: 'V1Gadget' },
  { group: '', version: 'v1', kind: 'Options', definition: `${meta}.Options`, model: 'V1Shared', everyGroupVersion: true },
];

const builtins = {
  [`${meta}.Time`]: { type: 'string' as const, format: 'date-time' },
  [`${meta}.MicroTime`]: { type: 'string' as const, format: 'date-time' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { format: 'int-or-string', 'x-kubernetes-int-or-string': true },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' as const, format: 'quantity' },
};

function input(over: Partial<GenerateInput> = {}): GenerateInput {
  return {
    models,
    required: { V1WidgetList: ['items'], V1Port: ['port'] },
    kinds: kinds.slice(0, 2),
    overlay: {
      metaModels: ['V1ObjectMeta', 'V1ListMeta'],
      definitionNames: {},
      builtinDefinitions: builtins,
      definitions: {
        'io.k8s.api.core.v1.WidgetSpec': {
          fields: {
            ports: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port'] },
            limit: { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity', type: undefined },
            labels: { 'x-kubernetes-map-type': 'atomic' },
          },
        },
      },
    },
    descriptions: { 'io.k8s.api.core.v1.Widget': { description: 'A widget.', fields: { spec: 'What the widget should be.' } } },
    ...over,
  };
}

describe('parseModelName', () => {
  it('splits version, short name and group prefix', () => {
    assert.deepEqual(parseModelName('V1ContainerPort'), { version: 'v1', short: 'ContainerPort' });
    assert.deepEqual(parseModelName('V1beta1Thing'), { version: 'v1beta1', short: 'Thing' });
    assert.deepEqual(parseModelName('CoreV1Event'), { group: '', version: 'v1', short: 'Event' });
    assert.deepEqual(parseModelName('EventsV1EventSeries'), { group: 'events.k8s.io', version: 'v1', short: 'EventSeries' });
    assert.equal(parseModelName('ObjectSerializer'), undefined);
  });
});

describe('generateSchemaDefinitions', () => {
  it('names definitions upstream-style: kinds explicit, meta explicit, nested types by the first kind reaching them', () => {
    const defs = generateSchemaDefinitions(input());
    assert.ok(defs['io.k8s.api.core.v1.Widget']);
    assert.ok(defs['io.k8s.api.core.v1.WidgetList']);
    assert.ok(defs['io.k8s.api.core.v1.WidgetSpec']);
    assert.ok(defs['io.k8s.api.core.v1.Shared'], 'core kind reaches Shared first');
    assert.ok(defs['io.k8s.api.core.v1.Thing'], 'group prefix wins');
    assert.ok(defs[`${meta}.ObjectMeta`]);
    assert.ok(defs[`${meta}.ListMeta`]);
    assert.equal(defs['io.k8s.api.apps.v1.Gadget'].properties?.shared.$ref, 'io.k8s.api.core.v1.Shared');
    const renamed = generateSchemaDefinitions(input({ overlay: { ...input().overlay, definitionNames: { V1Shared: 'io.k8s.api.extra.v1.Shared' } } }));
    assert.equal(renamed['io.k8s.api.core.v1.WidgetSpec'].properties?.shared.$ref, 'io.k8s.api.extra.v1.Shared');
  });

  it('maps client-node attribute types to structural schema nodes', () => {
    const spec = generateSchemaDefinitions(input())['io.k8s.api.core.v1.WidgetSpec'].properties ?? {};
    assert.deepEqual(spec.replicas, { type: 'integer', format: 'int32' });
    assert.deepEqual(spec.ratio, { type: 'number', format: 'double' });
    assert.deepEqual(spec.blob, { type: 'object', additionalProperties: { type: 'string', format: 'byte' } });
    assert.deepEqual(spec.created, { $ref: `${meta}.Time` });
    assert.deepEqual(spec.renewed, { $ref: `${meta}.MicroTime` });
    assert.deepEqual(spec.target, { $ref: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' });
    assert.deepEqual(spec.raw, { $ref: 'io.k8s.apimachinery.pkg.runtime.RawExtension' });
  });

  it('applies the overlay, required fields, descriptions and group-version-kinds', () => {
    const defs = generateSchemaDefinitions(input());
    const spec = defs['io.k8s.api.core.v1.WidgetSpec'].properties ?? {};
    assert.deepEqual(spec.ports, {
      type: 'array',
      items: { $ref: 'io.k8s.api.core.v1.Port' },
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'port',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port'],
    });
    assert.deepEqual(spec.limit, { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' });
    assert.equal(spec.labels['x-kubernetes-map-type'], 'atomic');
    assert.deepEqual(defs['io.k8s.api.core.v1.Port'].required, ['port']);
    assert.deepEqual(defs['io.k8s.api.core.v1.WidgetList'].required, ['items']);
    assert.equal(defs['io.k8s.api.core.v1.Widget'].description, 'A widget.');
    assert.equal(defs['io.k8s.api.core.v1.Widget'].properties?.spec.description, 'What the widget should be.');
    assert.deepEqual(defs['io.k8s.api.core.v1.Widget']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Widget', version: 'v1' }]);
    assert.deepEqual(defs['io.k8s.api.core.v1.WidgetList']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'WidgetList', version: 'v1' }]);
    assert.deepEqual(Object.keys(defs), [...Object.keys(defs)].sort());
  });

  it('gives an everyGroupVersion kind one GVK per served group version', () => {
    const defs = generateSchemaDefinitions(input({ kinds }));
    assert.deepEqual(defs[`${meta}.Options`]['x-kubernetes-group-version-kind'], [
      { group: '', kind: 'Options', version: 'v1' },
      { group: 'apps', kind: 'Options', version: 'v1' },
    ]);
  });

  it('rejects overlay entries that name nothing, and dangling refs', () => {
    const bad = (definitions: GenerateInput['overlay']['definitions']) => () =>
      generateSchemaDefinitions(input({ overlay: { ...input().overlay, definitions } }));
    assert.throws(bad({ 'io.k8s.api.core.v1.Nope': {} }), /no definition io.k8s.api.core.v1.Nope/);
    assert.throws(bad({ 'io.k8s.api.core.v1.WidgetSpec': { fields: { nope: {} } } }), /has no field nope/);
    assert.throws(bad({ 'io.k8s.api.core.v1.WidgetSpec': { fields: { limit: { $ref: 'io.k8s.Missing' } } } }), /both \$ref and type|refers to missing/);
    assert.throws(() => generateSchemaDefinitions(input({ models: { ...models, V1Gadget: [a('x', 'V1Unknown')] } })), /V1Unknown not found/);
  });
});
