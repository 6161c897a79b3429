import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../machinery/errors.js';
import { intParam, validateWriteOptions } from './context.js';

const u = (q: string): URL => new URL(`https://x/api/v1/namespaces/default/configmaps${q}`);

function refusal(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected an ApiError');
}

test('dryRun accepts only All, as metav1 ValidateDryRun', () => {
  validateWriteOptions(u('?dryRun=All'), 'CreateOptions');
  validateWriteOptions(u(''), 'UpdateOptions');
  const e = refusal(() => validateWriteOptions(u('?dryRun=Some'), 'CreateOptions'));
  assert.equal(e.code, 422);
  assert.equal(e.reason, 'Invalid');
  assert.equal(e.message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"');
  assert.equal(e.status.details?.group, 'meta.k8s.io');
  // a DeleteOptions body's dryRun is checked the same way
  assert.equal(refusal(() => validateWriteOptions(u(''), 'DeleteOptions', ['all'])).message, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["all"]: supported values: "All"');
});

test('fieldValidation accepts Ignore, Warn, Strict or nothing', () => {
  for (const v of ['Ignore', 'Warn', 'Strict', '']) validateWriteOptions(u(`?fieldValidation=${v}`), 'PatchOptions');
  const e = refusal(() => validateWriteOptions(u('?fieldValidation=strict'), 'PatchOptions'));
  assert.equal(e.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"');
});

test('integer query parameters answer 400 when they do not parse', () => {
  assert.equal(intParam(u('?limit=5'), 'limit'), 5);
  assert.equal(intParam(u('?limit=-1'), 'limit'), -1);
  assert.equal(intParam(u(''), 'limit'), undefined);
  const e = refusal(() => intParam(u('?limit=abc'), 'limit'));
  assert.equal(e.code, 400);
  assert.equal(e.reason, 'BadRequest');
  assert.equal(e.message, 'strconv.ParseInt: parsing "abc": invalid syntax');
  assert.equal(refusal(() => intParam(u('?timeoutSeconds=1.5'), 'timeoutSeconds')).code, 400);
});
