import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { applyJsonPatch } from './jsonPatch.js';
import { GENERIC_UNPROCESSABLE } from './patchErrors.js';
import { deepFreeze } from './testSchemas.js';

function deployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: {
      replicas: 2,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.17' }] } },
    },
  };
}

function catchApiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('applyJsonPatch', () => {
  it('applies add, replace, remove, move and copy to a copy of the document', () => {
    const doc = deepFreeze(deployment());
    const patch = deepFreeze([
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/metadata/labels', value: { tier: 'front' } },
      { op: 'remove', path: '/metadata/annotations/deployment.kubernetes.io~1revision' },
      { op: 'copy', from: '/metadata/labels', path: '/spec/template/metadata/labels' },
      { op: 'move', from: '/spec/template/spec/containers/0/image', path: '/metadata/annotations/image' },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'sidecar', image: 'busybox' } },
    ]);
    const out = applyJsonPatch(doc, patch) as ReturnType<typeof deployment>;
    assert.deepEqual(out, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', annotations: { image: 'nginx:1.17' }, labels: { tier: 'front' } },
      spec: {
        replicas: 5,
        template: {
          metadata: { labels: { tier: 'front' } },
          spec: { containers: [{ name: 'nginx' }, { name: 'sidecar', image: 'busybox' }] },
        },
      },
    });
    assert.deepEqual(doc, deployment());
  });

  it('does not share structure with the patch (kubectl rollout undo replaces the template)', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.16' }] } };
    const patch = [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
    ];
    const out = applyJsonPatch(deployment(), patch) as { spec: { template: unknown } };
    assert.deepEqual(out.spec.template, template);
    assert.notEqual(out.spec.template, template);
  });

  it('a failing test operation is 422 Invalid with the generic upstream message', () => {
    const err = catchApiError(() => applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 3 }]));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.status.message, GENERIC_UNPROCESSABLE);
    assert.deepEqual(err.status.details, {});
    assert.match(String(err.cause), /Test operation failed/);
  });

  it('a passing test operation lets the rest apply', () => {
    const out = applyJsonPatch(deployment(), [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ]) as { spec: { replicas: number } };
    assert.equal(out.spec.replicas, 3);
  });

  for (const [name, op] of [
    ['replace at a missing path', { op: 'replace', path: '/spec/paused', value: true }],
    ['remove at a missing path', { op: 'remove', path: '/metadata/labels/app' }],
    ['add under a missing parent', { op: 'add', path: '/status/conditions/0', value: {} }],
    ['an unknown op', { op: 'frobnicate', path: '/spec' }],
    ['move from a missing path', { op: 'move', from: '/nope', path: '/spec/x' }],
    ['a null operation', null],
  ] as const) {
    it(`${name} is 422`, () => {
      const err = catchApiError(() => applyJsonPatch(deployment(), [op]));
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
    });
  }

  it('a body that is not a list of objects is 400 with the decoder message', () => {
    let err = catchApiError(() => applyJsonPatch(deployment(), { op: 'add' }));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.status.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    err = catchApiError(() => applyJsonPatch(deployment(), ['add']));
    assert.equal(err.status.message, 'json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  });

  it('strict decoding (fieldValidation=Strict) reports the handler type', () => {
    let err = catchApiError(() => applyJsonPatch(deployment(), 'x', { strict: true }));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'error decoding patch: json: cannot unmarshal string into Go value of type []handlers.jsonPatchOp');
    err = catchApiError(() => applyJsonPatch(deployment(), [{ op: 1, path: '/x' }], { strict: true }));
    assert.equal(
      err.status.message,
      'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    );
  });

  it('a null body is an empty patch', () => {
    assert.deepEqual(applyJsonPatch(deployment(), null), deployment());
    assert.deepEqual(applyJsonPatch(deployment(), []), deployment());
  });

  it('more than 10000 operations is 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
    const err = catchApiError(() => applyJsonPatch(deployment(), ops));
    assert.equal(err.code, 413);
    assert.equal(err.reason, 'RequestEntityTooLarge');
    assert.equal(err.status.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  });
});
