import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveSchema, type SchemaNode, type SchemaRegistry } from '../../machinery/schema.js';
import { buildSchemaRegistryFromClientModels } from './build.js';
import { schemaKinds } from './kinds.js';
import { getSchemaRegistry, loadSchemaRegistry, parseSchemaRegistry, schemaLookup, schemasPath } from './registry.js';

const core = 'io.k8s.api.core.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

function field(reg: SchemaRegistry, def: string, path: string): SchemaNode {
  let node: SchemaNode | undefined = reg.definitions[def];
  let last: SchemaNode | undefined;
  for (const part of path.split('.')) {
    node = resolveSchema(reg, node);
    if (node?.type === 'array') node = resolveSchema(reg, node.items);
    last = node?.properties?.[part];
    assert.ok(last, `${def} has ${path}`);
    node = last;
  }
  return last as SchemaNode;
}

describe('schema registry file', () => {
  it('says how to generate a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-schema-'));
    try {
      assert.throws(() => loadSchemaRegistry(join(dir, 'schemas.json')), /schemas not generated: run npm run build/);
      writeFileSync(join(dir, 'bad.json'), '{"nope":1}');
      assert.throws(() => loadSchemaRegistry(join(dir, 'bad.json')), /no "definitions" object/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses definitions', () => {
    const reg = parseSchemaRegistry('{"definitions":{"a.B":{"type":"string"}}}');
    assert.deepEqual(reg.definitions['a.B'], { type: 'string' });
  });

  it('loads the generated registry and looks kinds up', { skip: existsSync(schemasPath()) ? false : 'run npm run build first' }, () => {
    const reg = getSchemaRegistry();
    assert.equal(getSchemaRegistry(), reg, 'loaded once');
    const lookup = schemaLookup('io.k8s.api.apps.v1.Deployment');
    assert.equal(lookup?.ref, 'io.k8s.api.apps.v1.Deployment');
    assert.equal(lookup?.registry, reg);
    assert.equal(schemaLookup('io.k8s.api.nope.v1.Nothing'), undefined);
  });
});

describe('generated schemas (from the client-node models)', async () => {
  const reg: SchemaRegistry = await buildSchemaRegistryFromClientModels();

  it('has every served kind, with its group-version-kind', () => {
    for (const k of schemaKinds) {
      const def = reg.definitions[k.definition];
      assert.ok(def, k.definition);
      assert.ok(def['x-kubernetes-group-version-kind']?.some((g) => g.group === k.group && g.kind === k.kind && g.version === k.version), k.definition);
      if (k.list) assert.deepEqual(reg.definitions[`${k.definition}List`]?.['x-kubernetes-group-version-kind'], [{ group: k.group, kind: `${k.kind}List`, version: k.version }]);
    }
  });

  it('uses upstream definition names for shared types', () => {
    assert.equal(field(reg, 'io.k8s.api.apps.v1.DeploymentSpec', 'template').$ref, `${core}.PodTemplateSpec`);
    assert.equal(field(reg, 'io.k8s.api.apps.v1.DeploymentSpec', 'selector').$ref, `${meta}.LabelSelector`);
    assert.equal(field(reg, 'io.k8s.api.storage.v1.StorageClass', 'allowedTopologies').items?.$ref, `${core}.TopologySelectorTerm`);
    assert.equal(field(reg, 'io.k8s.api.core.v1.Event', 'eventTime').$ref, `${meta}.MicroTime`);
    assert.equal(field(reg, `${meta}.ObjectMeta`, 'creationTimestamp').$ref, `${meta}.Time`);
    assert.equal(field(reg, 'io.k8s.api.apps.v1.RollingUpdateDeployment', 'maxSurge').$ref, 'io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.equal(field(reg, 'io.k8s.api.apps.v1.ControllerRevision', 'data').$ref, 'io.k8s.apimachinery.pkg.runtime.RawExtension');
    assert.equal(field(reg, `${meta}.ManagedFieldsEntry`, 'fieldsV1').$ref, `${meta}.FieldsV1`);
  });

  it('carries the strategic-merge and list-type facts kubectl and apply rely on', () => {
    const pod = `${core}.PodSpec`;
    const mk = (n: SchemaNode) => [n['x-kubernetes-patch-strategy'], n['x-kubernetes-patch-merge-key'], n['x-kubernetes-list-type'], n['x-kubernetes-list-map-keys']];
    assert.deepEqual(mk(field(reg, pod, 'containers')), ['merge', 'name', 'map', ['name']]);
    assert.deepEqual(mk(field(reg, pod, 'volumes')), ['merge,retainKeys', 'name', 'map', ['name']]);
    assert.deepEqual(mk(field(reg, pod, 'containers.ports')), ['merge', 'containerPort', 'map', ['containerPort', 'protocol']]);
    assert.deepEqual(mk(field(reg, pod, 'containers.env')), ['merge', 'name', 'map', ['name']]);
    assert.deepEqual(mk(field(reg, pod, 'containers.volumeMounts')), ['merge', 'mountPath', 'map', ['mountPath']]);
    assert.deepEqual(mk(field(reg, pod, 'tolerations')), [undefined, undefined, 'atomic', undefined]);
    assert.deepEqual(mk(field(reg, `${core}.ServiceSpec`, 'ports')), ['merge', 'port', 'map', ['port', 'protocol']]);
    assert.deepEqual(mk(field(reg, `${meta}.ObjectMeta`, 'finalizers')), ['merge', undefined, 'set', undefined]);
    assert.deepEqual(mk(field(reg, `${meta}.ObjectMeta`, 'ownerReferences')), ['merge', 'uid', 'map', ['uid']]);
    assert.equal(field(reg, 'io.k8s.api.apps.v1.DeploymentSpec', 'strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
    assert.deepEqual(mk(field(reg, 'io.k8s.api.apps.v1.DeploymentStatus', 'conditions')), ['merge', 'type', 'map', ['type']]);
    assert.equal(reg.definitions[`${meta}.LabelSelector`]['x-kubernetes-map-type'], 'atomic');
  });

  it('types resource lists and size limits as Quantity', () => {
    const q = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
    assert.equal(field(reg, `${core}.ResourceRequirements`, 'limits').additionalProperties?.$ref, q);
    assert.equal(field(reg, `${core}.NodeStatus`, 'capacity').additionalProperties?.$ref, q);
    assert.equal(field(reg, `${core}.PersistentVolumeSpec`, 'capacity').additionalProperties?.$ref, q);
    assert.deepEqual(field(reg, `${core}.EmptyDirVolumeSource`, 'sizeLimit'), { $ref: q });
    assert.deepEqual(field(reg, `${core}.Secret`, 'data').additionalProperties, { type: 'string', format: 'byte' });
  });

  it('records required fields from the models', () => {
    assert.deepEqual(reg.definitions['io.k8s.api.apps.v1.DeploymentSpec'].required, ['selector', 'template']);
    assert.deepEqual(reg.definitions[`${core}.Container`].required, ['name']);
    assert.deepEqual(reg.definitions[`${core}.ContainerPort`].required, ['containerPort']);
  });

  it('declares the TCP default of port protocols (server-side apply keys ports by it)', () => {
    assert.equal(field(reg, `${core}.ContainerPort`, 'protocol').default, 'TCP');
    assert.equal(field(reg, `${core}.ServicePort`, 'protocol').default, 'TCP');
  });

  it('has a description for every served kind and no dangling refs', () => {
    for (const k of schemaKinds) assert.ok(reg.definitions[k.definition].description, `${k.definition} has a description`);
    const visit = (n: SchemaNode | undefined): void => {
      if (!n) return;
      if (n.$ref) assert.ok(reg.definitions[n.$ref], n.$ref);
      Object.values(n.properties ?? {}).forEach(visit);
      visit(n.items);
      visit(n.additionalProperties);
    };
    Object.values(reg.definitions).forEach(visit);
  });
});
