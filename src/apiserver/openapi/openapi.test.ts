import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { SchemaRegistry } from '../../machinery/schema.js';
import { isPlainObject } from '../../machinery/types.js';
import { buildSchemaRegistryFromClientModels } from '../../resources/schema/build.js';
import type { ResourceStrategy } from '../../resources/types.js';
import { buildOpenApiV3Index, createOpenApiDocs, openApiV2Document, openApiV3Document } from './index.js';
import { decodeV2Protobuf } from './v2proto.js';

type J = Record<string, unknown>;
const o = (v: unknown): J => {
  assert.ok(isPlainObject(v), `expected an object, got ${JSON.stringify(v)?.slice(0, 80)}`);
  return v;
};
const arr = (v: unknown): unknown[] => {
  assert.ok(Array.isArray(v));
  return v;
};

const table = { columns: [], row: () => [] };
function strategy(group: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceStrategy> = {}): ResourceStrategy {
  const pkg = group === '' ? 'core' : group.split('.')[0];
  return { group, version: 'v1', kind, plural, singular: kind.toLowerCase(), namespaced, table, validate: () => [], schemaRef: `io.k8s.api.${pkg}.v1.${kind}`, ...extra };
}

const strategies: ResourceStrategy[] = [
  strategy('', 'Pod', 'pods', true, { hasStatus: true }),
  strategy('', 'Namespace', 'namespaces', false, { hasStatus: true }),
  strategy('', 'Binding', 'bindings', true, { verbs: ['create'] }),
  strategy('apps', 'Deployment', 'deployments', true, {
    hasStatus: true,
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', selectorPath: 'spec.selector' },
  }),
  strategy('example.com', 'Widget', 'widgets', true, { schemaRef: 'com.example.v1.Widget' }),
];

const gvkOf = (v: unknown) => o(v)['x-kubernetes-group-version-kind'];

/** kubectl's PatchMetaFromOpenAPIV3: follow properties, allOf[0] and $ref; read patch extensions on the property. */
function patchMetaV3(doc: J, kindSchema: string, path: string[]): { strategy?: unknown; key?: unknown } {
  const schemas = o(o(doc.components).schemas);
  let schema = o(schemas[kindSchema]);
  let meta: { strategy?: unknown; key?: unknown } = {};
  for (const part of path) {
    const prop = o(o(schema.properties)[part]);
    meta = { strategy: prop['x-kubernetes-patch-strategy'], key: prop['x-kubernetes-patch-merge-key'] };
    let next = prop;
    if (next.type === 'array') next = o(next.items);
    if (Array.isArray(next.allOf)) next = o(next.allOf[0]);
    if (typeof next.$ref === 'string') next = o(schemas[next.$ref.replace('#/components/schemas/', '')]);
    schema = next;
  }
  return meta;
}

function allRefs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => allRefs(x, out));
  else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else allRefs(x, out);
    }
  }
  return out;
}

describe('OpenAPI documents', async () => {
  const registry: SchemaRegistry = await buildSchemaRegistryFromClientModels();
  const docs = createOpenApiDocs(strategies, registry);

  it('indexes one v3 document per group version, addressed by the SHA-512 of its body', () => {
    const index = docs.v3Index();
    assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1', 'apis/example.com/v1']);
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      const doc = docs.v3Document(key);
      assert.ok(doc);
      const hash = createHash('sha512').update(doc.body).digest('hex').toUpperCase();
      assert.equal(serverRelativeURL, `/openapi/v3/${key}?hash=${hash}`);
      assert.equal(doc.etag, `"${hash}"`);
    }
    assert.equal(docs.v3Document('/apis/apps/v1'), docs.v3Document('apis/apps/v1'));
    assert.equal(docs.v3Document('apis/nope/v1'), undefined);
  });

  it('describes every verb with the extensions kubectl matches on', () => {
    const doc = JSON.parse(docs.v3Document('apis/apps/v1')?.body.toString() ?? '{}') as J;
    assert.equal(doc.openapi, '3.0.0');
    const paths = o(doc.paths);
    assert.deepEqual(Object.keys(paths), [
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
    ]);
    const item = o(paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']);
    assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
    const patch = o(item.patch);
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
    assert.equal(patch['x-kubernetes-action'], 'patch');
    const fv = arr(patch.parameters).map(o).find((p) => p.name === 'fieldValidation');
    assert.equal(fv?.in, 'query');
    assert.deepEqual(Object.keys(o(o(patch.requestBody).content)).sort(), [
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    for (const [path, method] of [
      ['/apis/apps/v1/namespaces/{namespace}/deployments', 'post'],
      ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'put'],
      ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status', 'patch'],
    ]) {
      assert.ok(arr(o(o(paths[path])[method]).parameters).map(o).some((p) => p.name === 'fieldValidation'), `${method} ${path}`);
    }
    const scale = o(o(paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']).patch);
    assert.deepEqual(scale['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
    const list = o(o(paths['/apis/apps/v1/deployments']).get);
    assert.equal(list['x-kubernetes-action'], 'list');
    assert.equal(list.operationId, 'listAppsV1DeploymentForAllNamespaces');
    assert.deepEqual(Object.keys(o(o(paths['/apis/apps/v1/namespaces/{namespace}/deployments']).delete)).includes('requestBody'), true);
  });

  it('publishes the schemas with GVK arrays, resolvable refs and patch metadata', () => {
    const doc = JSON.parse(docs.v3Document('apis/apps/v1')?.body.toString() ?? '{}') as J;
    const schemas = o(o(doc.components).schemas);
    assert.deepEqual(gvkOf(schemas['io.k8s.api.apps.v1.Deployment']), [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.deepEqual(gvkOf(schemas['io.k8s.api.apps.v1.DeploymentList']), [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
    assert.ok(schemas['io.k8s.api.autoscaling.v1.Scale']);
    for (const ref of allRefs(doc)) {
      assert.ok(ref.startsWith('#/components/schemas/'), ref);
      assert.ok(schemas[ref.slice('#/components/schemas/'.length)], ref);
    }
    assert.deepEqual(patchMetaV3(doc, 'io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'containers']), { strategy: 'merge', key: 'name' });
    assert.deepEqual(patchMetaV3(doc, 'io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'containers', 'ports']), { strategy: 'merge', key: 'containerPort' });
    assert.deepEqual(patchMetaV3(doc, 'io.k8s.api.apps.v1.Deployment', ['spec', 'strategy']), { strategy: 'retainKeys', key: undefined });
    const strategyProp = o(o(o(schemas['io.k8s.api.apps.v1.DeploymentSpec']).properties).strategy);
    assert.deepEqual(strategyProp.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
    assert.deepEqual(o(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.deepEqual(o(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).oneOf, [{ type: 'string' }, { type: 'number' }]);
  });

  it('handles cluster-scoped kinds, restricted verbs and kinds without a schema', () => {
    const core = JSON.parse(docs.v3Document('api/v1')?.body.toString() ?? '{}') as J;
    const paths = o(core.paths);
    assert.deepEqual(arr(o(paths['/api/v1/namespaces/{name}']).parameters).map((p) => o(p).name), ['name', 'pretty']);
    assert.ok(o(paths['/api/v1/namespaces']).post);
    assert.deepEqual(Object.keys(o(paths['/api/v1/namespaces/{namespace}/bindings'])).sort(), ['parameters', 'post']);
    assert.equal(paths['/api/v1/namespaces/{namespace}/bindings/{name}'], undefined);

    const custom = JSON.parse(docs.v3Document('apis/example.com/v1')?.body.toString() ?? '{}') as J;
    const schemas = o(o(custom.components).schemas);
    assert.deepEqual(gvkOf(schemas['com.example.v1.Widget']), [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
    assert.equal(o(schemas['com.example.v1.Widget'])['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(gvkOf(schemas['com.example.v1.WidgetList']), [{ group: 'example.com', kind: 'WidgetList', version: 'v1' }]);
  });

  it('writes the v2 document and its protobuf form with the same definitions', () => {
    const v2 = docs.v2Document();
    const json = o(v2.json);
    assert.equal(json.swagger, '2.0');
    const definitions = o(json.definitions);
    for (const ref of allRefs(json)) assert.ok(definitions[ref.replace('#/definitions/', '')], ref);
    const spec = o(o(definitions['io.k8s.api.apps.v1.DeploymentSpec']).properties);
    assert.deepEqual(spec.strategy, {
      $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy',
      description: 'How old pods are replaced by new ones: RollingUpdate (default) or Recreate.',
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    assert.deepEqual(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
      description: 'Either an integer or a string (a port number or name, a count or a percentage).',
      format: 'int-or-string',
      type: 'string',
    });
    const patch = o(o(o(json.paths)['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']).patch);
    assert.ok(arr(patch.consumes).includes('application/strategic-merge-patch+json'));

    const decoded = decodeV2Protobuf(v2.protobuf);
    assert.equal(decoded.swagger, '2.0');
    assert.deepEqual(decoded.definitions, JSON.parse(JSON.stringify(definitions)));
    const item = decoded.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    const op = o(item.patch);
    const ext = arr(op.vendor_extension).map(o);
    const gvk = ext.find((e) => e.name === 'x-kubernetes-group-version-kind');
    assert.deepEqual(parseYaml(String(o(gvk?.value).yaml)), { group: 'apps', kind: 'Deployment', version: 'v1' });
    const names = arr(op.parameters).map((p) => o(o(o(o(p).parameter).non_body_parameter ?? {}).query_parameter_sub_schema ?? {}).name);
    assert.ok(names.includes('fieldValidation'));
    assert.ok(arr(op.consumes).includes('application/strategic-merge-patch+json'));
    const pathParams = arr(item.parameters).map((p) => o(o(o(o(p).parameter).non_body_parameter).path_parameter_sub_schema ?? {}).name);
    assert.deepEqual(pathParams.slice(0, 2), ['name', 'namespace']);
  });

  it('caches per strategy list', () => {
    assert.equal(openApiV2Document(strategies, registry), openApiV2Document(strategies, registry));
    assert.deepEqual(buildOpenApiV3Index(strategies, registry), docs.v3Index());
    assert.equal(openApiV3Document(strategies, 'api/v1', registry), openApiV3Document(strategies, 'api/v1', registry));
  });
});
