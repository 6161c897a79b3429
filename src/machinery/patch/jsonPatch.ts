// RFC 6902 JSON Patch (application/json-patch+json), applied with fast-json-patch and
// reported the way the apiserver's jsonPatcher.applyJSPatch does (evanphx/json-patch v4):
//  - a body that is not a list of objects fails to decode → 400 with the Go decoder message
//    (the strict decoder, used for fieldValidation=Strict|Warn, names handlers.jsonPatchOp);
//  - more than 10000 operations → 413;
//  - anything that fails while applying (unknown op, missing path, failing `test`) → 422
//    with the generic message (NewGenericServerResponse drops the reason).
import jsonpatch from 'fast-json-patch';
import { ApiError } from '../errors.js';
import { deepClone, jsonKind } from './json.js';
import { patchBadRequest, patchUnprocessable } from './patchErrors.js';

export interface JsonPatchOptions {
  /** fieldValidation=Strict or Warn: the apiserver decodes the body strictly first. */
  strict?: boolean;
}

const MAX_OPERATIONS = 10000;

/** Go's name for a JSON value's kind in "cannot unmarshal X into …" messages. */
function goJsonKindWord(v: unknown): string {
  const k = jsonKind(v);
  return k === 'map' ? 'object' : k === 'slice' ? 'array' : k;
}

function decodeOperations(patch: unknown, strict: boolean): unknown[] {
  const listType = strict ? '[]handlers.jsonPatchOp' : 'jsonpatch.Patch';
  const opType = strict ? 'handlers.jsonPatchOp' : 'jsonpatch.Operation';
  const fail = (msg: string): ApiError => patchBadRequest(strict ? `error decoding patch: ${msg}` : msg);
  // json.Unmarshal of `null` into a slice leaves it empty: an empty patch.
  if (patch === null || patch === undefined) return [];
  if (!Array.isArray(patch)) throw fail(`json: cannot unmarshal ${goJsonKindWord(patch)} into Go value of type ${listType}`);
  for (const op of patch) {
    if (op === null) continue;
    const kind = jsonKind(op);
    if (kind !== 'map') throw fail(`json: cannot unmarshal ${goJsonKindWord(op)} into Go value of type ${opType}`);
    if (strict) {
      for (const field of ['op', 'path', 'from'] as const) {
        const v = (op as Record<string, unknown>)[field];
        if (v !== undefined && v !== null && typeof v !== 'string') {
          throw fail(`json: cannot unmarshal ${goJsonKindWord(v)} into Go struct field jsonPatchOp.${field} of type string`);
        }
      }
    }
  }
  return patch;
}

/** Applies an RFC 6902 patch to a copy of `doc`; throws ApiError (400/413/422) like the apiserver. */
export function applyJsonPatch(doc: unknown, patch: unknown, opts: JsonPatchOptions = {}): unknown {
  const ops = decodeOperations(patch, opts.strict ?? false);
  if (ops.length > MAX_OPERATIONS) {
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${ops.length}`,
    );
  }
  if (ops.length === 0) return deepClone(doc);
  for (const op of ops) {
    // evanphx/json-patch rejects a null operation while applying ("Unexpected kind").
    if (op === null) throw patchUnprocessable('Unexpected kind: unknown');
  }
  try {
    // Clone both: fast-json-patch inserts patch values by reference.
    const result = jsonpatch.applyPatch(deepClone(doc), deepClone(ops) as jsonpatch.Operation[], true, true);
    return result.newDocument;
  } catch (e) {
    throw patchUnprocessable(e instanceof Error ? e.message : String(e));
  }
}
