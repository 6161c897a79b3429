// Strategic merge patch (application/strategic-merge-patch+json): the merge half of
// k8s.io/apimachinery/pkg/util/strategicpatch (mergeMap and friends), driven by our schema
// registry instead of Go struct tags. Server-side application is mergeMap with
// MergeParallelList and IgnoreUnmatchedNulls on; the three-way diff reuses mergeMap with both
// off to combine its deletion and delta patches (see smpDiff.ts).
//
// One addition to upstream: values copied verbatim from the patch (new keys, replaced maps and
// lists, new list elements) lose null members and leftover `$…` directive keys, because the
// apiserver decodes the result into a typed object, which drops both; we store plain JSON.
import { deepClone, deepEqual, goString, isMap, jsonKind, type JsonMap } from './json.js';
import {
  ERR_BAD_JSON_DOC,
  ERR_BAD_PATCH_FORMAT_PRIMITIVE_LIST,
  ERR_BAD_PATCH_FORMAT_RETAIN_KEYS,
  ERR_BAD_PATCH_FORMAT_SET_ELEMENT_ORDER,
  patchBadRequest,
  patchInternal,
} from './patchErrors.js';
import { PatchSchema, type SchemaLookup, splitStrategies } from './smpSchema.js';
import {
  DELETE_DIRECTIVE,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  MERGE_DIRECTIVE,
  REPLACE_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
  deduplicateScalars,
  deleteFromSlice,
  errBadArgType,
  errNoMergeKey,
  extractToDeleteItems,
  findMapByKey,
  mergeKeyValueEqual,
  normalizeElementOrder,
  partitionMaps,
  partitionPrimitives,
  requireElementKind,
  sliceElementKind,
} from './smpLists.js';

export interface MergeOptions {
  /** Apply `$deleteFromPrimitiveList`, `$setElementOrder` and `$retainKeys` (server side). */
  mergeParallelList: boolean;
  /** Drop a null whose key the original lacks instead of keeping it (server side). */
  ignoreUnmatchedNulls: boolean;
}

export const SERVER_MERGE: MergeOptions = { mergeParallelList: true, ignoreUnmatchedNulls: true };

const hasOwn = (m: JsonMap, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);

function isDirectiveKey(k: string): boolean {
  return (
    k === DIRECTIVE_MARKER ||
    k === RETAIN_KEYS_DIRECTIVE ||
    k.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`) ||
    k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`)
  );
}

/** What a typed decode keeps of a value taken from the patch: no nulls in maps, no directives. */
function asStored(v: unknown, opts: MergeOptions): unknown {
  if (!opts.mergeParallelList) return v;
  if (Array.isArray(v)) return v.map((x) => asStored(x, opts));
  if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null || isDirectiveKey(k)) delete v[k];
      else v[k] = asStored(x, opts);
    }
  }
  return v;
}

/** discardNullValuesFromPatch. */
function discardNulls(v: unknown): void {
  if (Array.isArray(v)) for (const x of v) discardNulls(x);
  else if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else discardNulls(x);
    }
  }
}

/** removeDirectives: maps carrying `$patch` vanish (from lists too); returns keep=false for them. */
function removeDirectives(v: unknown): { value: unknown; keep: boolean } {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const r = removeDirectives(x);
      if (r.keep) out.push(r.value);
    }
    return { value: out, keep: true };
  }
  if (isMap(v)) {
    if (hasOwn(v, DIRECTIVE_MARKER)) return { value: null, keep: false };
    for (const [k, x] of Object.entries(v)) {
      const r = removeDirectives(x);
      if (r.keep) v[k] = r.value;
      else delete v[k];
    }
  }
  return { value: v, keep: true };
}

/** Sets original[k] from a patch value the original has no counterpart for. */
function setFromPatch(original: JsonMap, k: string, patchV: unknown, opts: MergeOptions): void {
  if (opts.ignoreUnmatchedNulls) discardNulls(patchV);
  const r = removeDirectives(patchV);
  if (r.keep) original[k] = asStored(r.value, opts);
  else delete original[k];
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw patchBadRequest(ERR_BAD_PATCH_FORMAT_PRIMITIVE_LIST);
    if (prefix === SET_ELEMENT_ORDER_PREFIX) throw patchBadRequest(ERR_BAD_PATCH_FORMAT_SET_ELEMENT_ORDER);
    throw patchInternal(`fail to find unknown prefix "${prefix}" in ${s}`);
  }
  return s.slice(slash + 1);
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonMap, opts: MergeOptions): JsonMap {
  if (directive === REPLACE_DIRECTIVE) {
    delete patch[DIRECTIVE_MARKER];
    return asStored(patch, opts) as JsonMap;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw patchInternal(`unknown patch type: ${goString(directive)} in map: ${goString(patch)}`);
}

/**
 * `$retainKeys`: keys of the original not listed are cleared before merging, and every
 * non-null key of the patch must be listed (else 400 "invalid patch format of retainKeys").
 */
function applyRetainKeysDirective(original: JsonMap, patch: JsonMap, opts: MergeOptions): void {
  if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retain = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!opts.mergeParallelList) {
    // Combining two patches: carry the directive over; both must agree.
    if (hasOwn(original, RETAIN_KEYS_DIRECTIVE)) {
      if (!deepEqual(original[RETAIN_KEYS_DIRECTIVE], retain)) {
        throw patchInternal(
          `${goString(original[RETAIN_KEYS_DIRECTIVE])} and ${goString(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`,
        );
      }
    } else {
      original[RETAIN_KEYS_DIRECTIVE] = retain;
    }
    return;
  }
  if (!Array.isArray(retain)) throw patchBadRequest(ERR_BAD_PATCH_FORMAT_RETAIN_KEYS);
  const keep = new Set(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw patchBadRequest(ERR_BAD_PATCH_FORMAT_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** The patch list must follow `$setElementOrder`'s relative order (deletions aside). */
function validatePatchWithSetOrderList(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList).keep : patchList;
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < order.length) {
    const item = nonDelete[pi];
    if (isMap(item) && hasOwn(item, DIRECTIVE_MARKER)) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[si], mergeKey)) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= order.length) {
    throw patchInternal(`the order in patch list:\n${goString(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goString(order)}`);
  }
}

/**
 * Processes every `$setElementOrder/<list>` together with `<list>`: merges the list, then
 * orders it with precedence $setElementOrder > patch order > live order.
 */
function mergePatchIntoOriginal(original: JsonMap, patch: JsonMap, schema: PatchSchema, opts: MergeOptions): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[key];
    if (!opts.mergeParallelList) {
      if (hasOwn(original, key)) {
        if (!deepEqual(original[key], order)) throw patchBadRequest(ERR_BAD_PATCH_FORMAT_SET_ELEMENT_ORDER);
      } else {
        original[key] = order;
      }
    }
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('slice', order);
    const listKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = hasOwn(original, listKey);
    const foundPatch = hasOwn(patch, listKey);
    let originalList: unknown[] | undefined;
    let patchList: unknown[] | undefined;
    if (foundOriginal) {
      const v = original[listKey];
      if (!Array.isArray(v)) throw errBadArgType('slice', v);
      originalList = v;
    }
    if (foundPatch) {
      const v = patch[listKey];
      if (!Array.isArray(v)) throw errBadArgType('slice', v);
      patchList = v;
    }
    const { schema: elemSchema, meta } = schema.forSlice(listKey);
    const { strategy } = splitStrategies(meta.strategies);
    validatePatchWithSetOrderList(patchList ?? [], order, meta.mergeKey);

    let merged: unknown[];
    if (originalList && !patchList) merged = originalList;
    else if (!originalList && patchList) merged = asStored(removeDirectives(patchList).value, opts) as unknown[];
    else if (originalList && patchList) {
      merged = mergeSliceHandler(originalList, patchList, elemSchema, strategy, meta.mergeKey, false, opts);
    } else continue;

    const parts = meta.mergeKey ? partitionMaps(merged, order, meta.mergeKey) : partitionPrimitives(merged, order);
    const kind = sliceElementKind(originalList, patchList);
    // Upstream fails on two empty lists ("no elements in any of the given slices"); a typed
    // object never holds an empty list there, so treat it as nothing to order.
    original[listKey] = kind ? normalizeElementOrder(parts.inList, parts.rest, order, originalList ?? [], meta.mergeKey, kind) : merged;
    delete patch[listKey];
  }
}

function deleteMatchingEntries(list: readonly unknown[], mergeKey: string, value: unknown): unknown[] {
  let out = [...list];
  for (let found = findMapByKey(out, mergeKey, value); found; found = findMapByKey(out, mergeKey, value)) {
    out = out.slice(0, found.index).concat(out.slice(found.index + 1));
  }
  return out;
}

/** Handles list elements carrying `$patch` (delete / replace) before the element-wise merge. */
function mergeSliceWithSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  opts: MergeOptions,
): { original: unknown[]; patch: unknown[] } {
  const plain: unknown[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    const m = v as JsonMap;
    if (!hasOwn(m, DIRECTIVE_MARKER)) {
      plain.push(v);
      continue;
    }
    const directive = m[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      orig = deleteMatchingEntries(orig, mergeKey, m[mergeKey]);
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw patchInternal('merging lists cannot yet be specified in the patch');
    } else {
      throw patchInternal(`unknown patch type: ${goString(directive)} in map: ${goString(m)}`);
    }
  }
  if (replace) return { original: plain.map((x) => asStored(x, opts)), patch: [] };
  return { original: orig, patch: plain };
}

function mergeSliceWithoutSpecialElements(
  original: readonly unknown[],
  patch: readonly unknown[],
  mergeKey: string,
  schema: PatchSchema,
  opts: MergeOptions,
): unknown[] {
  // A copy: the caller still orders by the pre-merge list, which must not see appended items.
  const out = [...original];
  for (const v of patch) {
    const m = v as JsonMap;
    if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const found = findMapByKey(out, mergeKey, m[mergeKey]);
    if (found) out[found.index] = mergeMap(found.map, m, schema, opts);
    else out.push(asStored(v, opts));
  }
  return out;
}

function mergeSlice(original: unknown[], patch: unknown[], schema: PatchSchema, mergeKey: string, opts: MergeOptions, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = requireElementKind(original, patch);
  let orig = original;
  let p = patch;
  let merged: unknown[];
  if (kind !== 'map') {
    if (opts.mergeParallelList && isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw patchInternal(`cannot merge lists without merge key for ${schema.name}`);
    ({ original: orig, patch: p } = mergeSliceWithSpecialElements(original, patch, mergeKey, opts));
    merged = mergeSliceWithoutSpecialElements(orig, p, mergeKey, schema, opts);
  }
  const parts = mergeKey ? partitionMaps(merged, p, mergeKey) : partitionPrimitives(merged, p);
  return normalizeElementOrder(parts.inList, parts.rest, p, orig, mergeKey, kind);
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  schema: PatchSchema,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  opts: MergeOptions,
): unknown[] {
  // Deletion lists apply whatever the field's strategy.
  if (strategy === MERGE_DIRECTIVE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, opts, isDeleteList);
  return asStored(patch, opts) as unknown[];
}

/** Merges `patch` into `original` (both are modified; pass copies). */
export function mergeMap(original: JsonMap | undefined, patch: JsonMap, schema: PatchSchema, opts: MergeOptions): JsonMap {
  if (hasOwn(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch, opts);
  const orig = original ?? {};
  applyRetainKeysDirective(orig, patch, opts);
  mergePatchIntoOriginal(orig, patch, schema, opts);

  for (const [patchKey, patchV] of Object.entries(patch)) {
    let k = patchKey;
    let isDeleteList = false;
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      if (!opts.mergeParallelList) {
        orig[k] = patchV;
        continue;
      }
      k = extractKey(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      if (opts.ignoreUnmatchedNulls) continue;
    }
    if (!hasOwn(orig, k) || jsonKind(orig[k]) !== jsonKind(patchV)) {
      if (!isDeleteList) setFromPatch(orig, k, patchV, opts);
      continue;
    }
    const kind = jsonKind(patchV);
    if (kind === 'map') {
      const { schema: sub, meta } = schema.forStruct(k);
      const { strategy } = splitStrategies(meta.strategies);
      orig[k] = strategy === REPLACE_DIRECTIVE ? asStored(patchV, opts) : mergeMap(orig[k] as JsonMap, patchV as JsonMap, sub, opts);
    } else if (kind === 'slice') {
      const { schema: sub, meta } = schema.forSlice(k);
      const { strategy } = splitStrategies(meta.strategies);
      orig[k] = mergeSliceHandler(orig[k] as unknown[], patchV as unknown[], sub, strategy, meta.mergeKey, isDeleteList, opts);
    } else {
      setFromPatch(orig, k, patchV, opts);
    }
  }
  return orig;
}

function goJsonKindWord(v: unknown): string {
  const k = jsonKind(v);
  return k === 'map' ? 'object' : k === 'slice' ? 'array' : k;
}

/**
 * Applies a strategic merge patch to a copy of `doc` using the schema's patch strategies and
 * merge keys. Throws ApiError: 400 for malformed directives, 422 for lists of lists, 500 for
 * other merge failures (a missing merge key), as the apiserver does.
 */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, schema: SchemaLookup): unknown {
  // Decoding JSON null into the apiserver's patch map leaves it empty: nothing to do.
  if (patch === null || patch === undefined) return deepClone(doc);
  if (!isMap(patch)) throw patchBadRequest(`json: cannot unmarshal ${goJsonKindWord(patch)} into Go value of type map[string]interface {}`);
  if (!isMap(doc)) throw patchBadRequest(ERR_BAD_JSON_DOC);
  return mergeMap(deepClone(doc), deepClone(patch), PatchSchema.of(schema), SERVER_MERGE);
}
