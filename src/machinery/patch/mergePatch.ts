// RFC 7386 JSON Merge Patch (application/merge-patch+json) with the exact behaviour of
// evanphx/json-patch's MergePatch, which the apiserver uses:
//  - a patch that is null or a scalar → 400 "Invalid JSON Patch" (ErrBadJSONPatch);
//  - a patch that is a list replaces the whole document (the caller's decode then fails);
//  - null deletes a key; objects merge recursively; anything else replaces, and values that
//    replace a non-object have their nested nulls pruned (pruneNulls).
import { deepClone, deepEqual, isMap, type JsonMap } from './json.js';
import { patchBadRequest } from './patchErrors.js';

const ERR_BAD_JSON_PATCH = 'Invalid JSON Patch';

/** pruneNulls: drops null-valued keys in every object, keeps list elements (even null). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null) pruneNulls(x);
  } else if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else pruneNulls(x);
    }
  }
  return v;
}

function mergeDocs(doc: JsonMap, patch: JsonMap): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null) {
      doc[k] = pruneNulls(v);
    } else if (!isMap(cur)) {
      doc[k] = pruneNulls(v);
    } else if (isMap(v)) {
      mergeDocs(cur, v);
    } else {
      // evanphx returns a non-object patch value as is when the current value is an object.
      doc[k] = v;
    }
  }
}

/** Applies a JSON merge patch to a copy of `doc`. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(deepClone(patch));
  if (!isMap(patch)) throw patchBadRequest(ERR_BAD_JSON_PATCH);
  const p = deepClone(patch);
  if (!isMap(doc)) return pruneNulls(p);
  const out = deepClone(doc);
  mergeDocs(out, p);
  return out;
}

/**
 * Two-way merge patch: applying the result to `original` yields `modified` (for objects;
 * lists are compared as wholes, like evanphx CreateMergePatch).
 */
export function createMergePatch(original: unknown, modified: unknown): unknown {
  if (!isMap(original) || !isMap(modified)) return deepClone(modified);
  const patch: JsonMap = {};
  for (const [k, m] of Object.entries(modified)) {
    if (!Object.prototype.hasOwnProperty.call(original, k)) {
      patch[k] = deepClone(m);
      continue;
    }
    const o = original[k];
    if (isMap(o) && isMap(m)) {
      const sub = createMergePatch(o, m) as JsonMap;
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (!deepEqual(o, m)) {
      patch[k] = deepClone(m);
    }
  }
  for (const k of Object.keys(original)) {
    if (!Object.prototype.hasOwnProperty.call(modified, k)) patch[k] = null;
  }
  return patch;
}
