import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAndPrune } from './prune.js';
import type { SchemaRegistry } from './schema.js';

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const reg: SchemaRegistry = {
  definitions: {
    'io.k8s.api.apps.v1.Deployment': {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: `${meta}.ObjectMeta` },
        spec: { $ref: 'io.k8s.api.apps.v1.DeploymentSpec' },
      },
    },
    'io.k8s.api.apps.v1.DeploymentSpec': {
      type: 'object',
      properties: {
        replicas: { type: 'integer', format: 'int32' },
        paused: { type: 'boolean' },
        template: { $ref: 'io.k8s.api.core.v1.PodTemplateSpec' },
        strategy: { $ref: 'io.k8s.api.apps.v1.DeploymentStrategy', 'x-kubernetes-patch-strategy': 'retainKeys' },
      },
    },
    'io.k8s.api.apps.v1.DeploymentStrategy': {
      type: 'object',
      properties: { type: { type: 'string' }, rollingUpdate: { $ref: 'io.k8s.api.apps.v1.RollingUpdateDeployment' } },
    },
    'io.k8s.api.apps.v1.RollingUpdateDeployment': {
      type: 'object',
      properties: { maxSurge: { $ref: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' } },
    },
    'io.k8s.api.core.v1.PodTemplateSpec': {
      type: 'object',
      properties: { metadata: { $ref: `${meta}.ObjectMeta` }, spec: { $ref: 'io.k8s.api.core.v1.PodSpec' } },
    },
    'io.k8s.api.core.v1.PodSpec': {
      type: 'object',
      properties: {
        containers: { type: 'array', items: { $ref: 'io.k8s.api.core.v1.Container' } },
        nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    'io.k8s.api.core.v1.Container': {
      type: 'object',
      properties: {
        name: { type: 'string' },
        args: { type: 'array', items: { type: 'string' } },
        ports: { type: 'array', items: { $ref: 'io.k8s.api.core.v1.ContainerPort' } },
        resources: {
          type: 'object',
          properties: { limits: { type: 'object', additionalProperties: { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' } } },
        },
      },
    },
    'io.k8s.api.core.v1.ContainerPort': {
      type: 'object',
      properties: { containerPort: { type: 'integer', format: 'int32' }, protocol: { type: 'string' } },
    },
    [`${meta}.ObjectMeta`]: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        creationTimestamp: { $ref: `${meta}.Time` },
        managedFields: { type: 'array', items: { $ref: `${meta}.ManagedFieldsEntry` } },
      },
    },
    [`${meta}.ManagedFieldsEntry`]: { type: 'object', properties: { manager: { type: 'string' }, fieldsV1: { $ref: `${meta}.FieldsV1` } } },
    [`${meta}.FieldsV1`]: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    [`${meta}.Time`]: { type: 'string', format: 'date-time' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', format: 'quantity' },
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { format: 'int-or-string', 'x-kubernetes-int-or-string': true },
    'io.k8s.api.core.v1.Secret': {
      type: 'object',
      properties: { data: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } } },
    },
  },
};
const deployment = { registry: reg, ref: 'io.k8s.api.apps.v1.Deployment' };

describe('checkAndPrune', () => {
  it('removes unknown fields in place and reports them with strict-decoding paths', () => {
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', bogus: 1 },
      spec: {
        replicas: 2,
        foo: 'x',
        template: { spec: { containers: [{ name: 'a' }, { name: 'b', redinessProbe: {} }] } },
        bar: { nested: true },
      },
    };
    const r = checkAndPrune(obj, deployment);
    assert.deepEqual(r.unknown, ['metadata.bogus', 'spec.foo', 'spec.template.spec.containers[1].redinessProbe', 'spec.bar']);
    assert.deepEqual(r.typeErrors, []);
    assert.deepEqual(obj, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } },
    });
  });

  it('allows apiVersion and kind at the root even where the schema lacks them', () => {
    const r = checkAndPrune({ apiVersion: 'v1', kind: 'Secret', data: { a: 'YQ==' } }, { registry: reg, ref: 'io.k8s.api.core.v1.Secret' });
    assert.deepEqual(r, { unknown: [], typeErrors: [] });
  });

  it('keeps everything under preserve-unknown-fields and in maps', () => {
    const obj = {
      metadata: { labels: { app: 'x', 'any.key/x': 'y' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] },
      spec: { template: { spec: { nodeSelector: { disk: 'ssd' } } } },
    };
    const before = structuredClone(obj);
    assert.deepEqual(checkAndPrune(obj, deployment), { unknown: [], typeErrors: [] });
    assert.deepEqual(obj, before);
  });

  it('reports type mismatches in encoding/json wording', () => {
    const r = checkAndPrune(
      {
        metadata: { name: 5 },
        spec: { replicas: 'two', paused: 'yes', template: { spec: { containers: [{ name: 'a', args: [1], ports: [{ containerPort: '80' }] }] } } },
      },
      deployment,
    );
    assert.deepEqual(r.typeErrors, [
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool',
      'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string',
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    ]);
  });

  it('names struct, slice and map types like Go does', () => {
    const r = checkAndPrune({ spec: { template: 'x', strategy: [] }, metadata: { labels: 'a=b' } }, deployment);
    assert.deepEqual(r.typeErrors, [
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec',
      'json: cannot unmarshal array into Go struct field DeploymentSpec.spec.strategy of type v1.DeploymentStrategy',
      'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string',
    ]);
    const top = checkAndPrune([], deployment);
    assert.deepEqual(top.typeErrors, ['json: cannot unmarshal array into Go value of type v1.Deployment']);
    const list = checkAndPrune({ spec: { template: { spec: { containers: { name: 'a' } } } } }, deployment);
    assert.deepEqual(list.typeErrors, ['json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container']);
  });

  it('rejects out-of-range and fractional integers', () => {
    const r = checkAndPrune({ spec: { replicas: 1.5 } }, deployment);
    assert.deepEqual(r.typeErrors, ['json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32']);
    assert.equal(checkAndPrune({ spec: { replicas: 2 ** 31 } }, deployment).typeErrors.length, 1);
  });

  it('treats null as the zero value', () => {
    assert.deepEqual(checkAndPrune({ metadata: null, spec: { replicas: null, template: { spec: { containers: [null] } } } }, deployment), {
      unknown: [],
      typeErrors: [],
    });
  });

  it('checks int-or-string, quantity, time and base64 values', () => {
    const ok = {
      metadata: { creationTimestamp: '2024-01-02T03:04:05Z' },
      spec: {
        strategy: { rollingUpdate: { maxSurge: '25%' } },
        template: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: '500m', memory: '1Gi', gpu: 1, e: '1e3' } } }] } },
      },
    };
    assert.deepEqual(checkAndPrune(ok, deployment), { unknown: [], typeErrors: [] });
    assert.deepEqual(checkAndPrune({ spec: { strategy: { rollingUpdate: { maxSurge: 3 } } } }, deployment).typeErrors, []);

    const bad = checkAndPrune(
      {
        metadata: { creationTimestamp: 'yesterday' },
        spec: {
          strategy: { rollingUpdate: { maxSurge: true } },
          template: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 'lots', memory: '1Q' } } }] } },
        },
      },
      deployment,
    );
    assert.deepEqual(bad.typeErrors, [
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
      'json: cannot unmarshal bool into Go value of type int32',
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "unable to parse quantity's suffix",
    ]);

    const secret = { registry: reg, ref: 'io.k8s.api.core.v1.Secret' };
    assert.deepEqual(checkAndPrune({ data: { a: 'aGVsbG8=', b: 'aGVsbG8h' } }, secret).typeErrors, []);
    assert.deepEqual(checkAndPrune({ data: { a: 'not base64!' } }, secret).typeErrors, ['illegal base64 data at input byte 3']);
    assert.deepEqual(checkAndPrune({ data: { a: 'abcde' } }, secret).typeErrors, ['illegal base64 data at input byte 4']);
  });

  it('leaves objects of unknown schema alone', () => {
    const obj = { anything: { goes: [1, 2] } };
    assert.deepEqual(checkAndPrune(obj, { registry: reg, ref: 'io.k8s.api.core.v1.Missing' }), { unknown: [], typeErrors: [] });
    assert.deepEqual(obj, { anything: { goes: [1, 2] } });
  });
});
