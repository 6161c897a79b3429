import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../errors.js';
import { applyPatch, patchMediaType, supportedPatchTypes } from './index.js';
import { podSchema } from './testSchemas.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test access to nested JSON

const pod = (): Record<string, unknown> => ({
  kind: 'Pod',
  metadata: { name: 'p', labels: { a: '1' } },
  spec: { containers: [{ name: 'c', image: 'x' }, { name: 'd', image: 'y' }] },
});

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('applyPatch', () => {
  it('dispatches json-patch, merge-patch and strategic-merge-patch', () => {
    const json = applyPatch('application/json-patch+json', pod(), [{ op: 'replace', path: '/metadata/labels/a', value: '2' }], podSchema) as Obj;
    assert.equal(json.metadata.labels.a, '2');

    // Merge patch replaces the list; strategic merge patch merges it by name.
    const body = { spec: { containers: [{ name: 'd', image: 'z' }] } };
    const merge = applyPatch('application/merge-patch+json', pod(), body, podSchema) as Obj;
    assert.deepEqual(merge.spec.containers, [{ name: 'd', image: 'z' }]);
    const smp = applyPatch('application/strategic-merge-patch+json; charset=utf-8', pod(), body, podSchema) as Obj;
    assert.deepEqual(smp.spec.containers, [{ name: 'c', image: 'x' }, { name: 'd', image: 'z' }]);
  });

  it('strategic merge patch on a kind without schema is 415 listing the other types', () => {
    const err = apiError(() => applyPatch('application/strategic-merge-patch+json', pod(), {}, undefined));
    assert.equal(err.code, 415);
    assert.equal(err.reason, 'UnsupportedMediaType');
    assert.equal(
      err.status.message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('an unknown patch content type is 415 listing every type the kind accepts', () => {
    const err = apiError(() => applyPatch('application/json', pod(), {}, podSchema));
    assert.equal(err.code, 415);
    assert.equal(
      err.status.message,
      `the body of the request was in an unknown format - accepted media types include: ${supportedPatchTypes(true).join(', ')}`,
    );
  });

  it('server-side apply is not handled here', () => {
    assert.throws(
      () => applyPatch('application/apply-patch+yaml', pod(), {}, podSchema),
      (e: unknown) => e instanceof Error && !(e instanceof ApiError) && /server-side apply/.test(e.message),
    );
  });

  it('strict decoding changes the wording of malformed merge patches', () => {
    const err = apiError(() => applyPatch('application/merge-patch+json', pod(), [1], podSchema, { strict: true }));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
    const lax = apiError(() => applyPatch('application/merge-patch+json', pod(), 'x', podSchema));
    assert.equal(lax.status.message, 'Invalid JSON Patch');
  });

  it('patchMediaType drops parameters', () => {
    assert.equal(patchMediaType('application/merge-patch+json ; charset=utf-8'), 'application/merge-patch+json');
  });
});
