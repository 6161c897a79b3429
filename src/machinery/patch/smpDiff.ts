// Creating strategic merge patches the way kubectl does (strategicpatch.CreateTwoWayMergePatch
// and CreateThreeWayMergePatch with overwrite=true, kubectl apply's default), so tests can
// reproduce exactly what kubectl sends: `$setElementOrder/<list>` for merged lists,
// `$patch: delete` for removed list elements, `$deleteFromPrimitiveList/<list>` for removed
// scalars, `$retainKeys` where the schema's strategy says retainKeys, null for removed keys.
// Conflict detection (overwrite=false) is not implemented.
import { deepClone, deepEqual, goString, isMap, jsonKind, type JsonMap } from './json.js';
import { ERR_BAD_JSON_DOC, patchBadRequest, patchInternal } from './patchErrors.js';
import { mergeMap } from './smpApply.js';
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
  errBadArgType,
  errNoMergeKey,
  mergeKeyValueEqual,
  normalizeSliceOrder,
  sliceElementKind,
  sortScalars,
} from './smpLists.js';

interface DiffOptions {
  setElementOrder: boolean;
  ignoreChangesAndAdditions: boolean;
  ignoreDeletions: boolean;
  buildRetainKeysDirective: boolean;
}

const hasOwn = (m: JsonMap, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);

function replaceIfNotEqual(key: string, original: unknown, modified: unknown, patch: JsonMap, opts: DiffOptions): void {
  if (opts.ignoreChangesAndAdditions || deepEqual(original, modified)) return;
  patch[key] = modified;
}

function hasAdditionalNewField(original: JsonMap, modified: JsonMap): boolean {
  return Object.entries(original).some(([k, v]) => v !== null && !hasOwn(modified, k));
}

function diffMaps(original: JsonMap, modified: JsonMap, schema: PatchSchema, opts: DiffOptions): JsonMap {
  const patch: JsonMap = {};
  const retainKeys: unknown[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (opts.buildRetainKeysDirective && modifiedValue !== null) retainKeys.push(key);
    if (!hasOwn(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (key === DIRECTIVE_MARKER) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') {
        throw patchInternal(`invalid value for special key: ${DIRECTIVE_MARKER}`);
      }
      if (originalValue !== modifiedValue) patch[key] = modifiedValue;
      continue;
    }
    const kind = jsonKind(modifiedValue);
    if (jsonKind(originalValue) !== kind) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (kind === 'map') handleMapDiff(key, originalValue as JsonMap, modifiedValue as JsonMap, patch, schema, opts);
    else if (kind === 'slice') handleSliceDiff(key, originalValue as unknown[], modifiedValue as unknown[], patch, schema, opts);
    else replaceIfNotEqual(key, originalValue, modifiedValue, patch, opts);
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!hasOwn(modified, key)) patch[key] = null;
  }
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) {
    patch[RETAIN_KEYS_DIRECTIVE] = sortScalars(retainKeys);
  }
  return patch;
}

function handleMapDiff(key: string, original: JsonMap, modified: JsonMap, patch: JsonMap, schema: PatchSchema, opts: DiffOptions): void {
  const { schema: sub, meta } = schema.forStruct(key);
  const { retainKeys, strategy } = splitStrategies(meta.strategies);
  if (strategy === REPLACE_DIRECTIVE) {
    // Upstream sends the whole map for replace-strategy fields, changed or not.
    if (!opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const value = diffMaps(original, modified, sub, { ...opts, buildRetainKeysDirective: retainKeys });
  if (Object.keys(value).length > 0) patch[key] = value;
}

function handleSliceDiff(key: string, original: unknown[], modified: unknown[], patch: JsonMap, schema: PatchSchema, opts: DiffOptions): void {
  const { schema: elem, meta } = schema.forSlice(key);
  const { retainKeys, strategy } = splitStrategies(meta.strategies);
  if (strategy !== MERGE_DIRECTIVE) {
    replaceIfNotEqual(key, original, modified, patch, opts);
    return;
  }
  const d = diffLists(original, modified, elem, meta.mergeKey, { ...opts, buildRetainKeysDirective: retainKeys });
  if (d.patchList.length > 0) patch[key] = d.patchList;
  if (d.deleteList.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/${key}`] = d.deleteList;
  if (d.setOrderList.length > 0) patch[`${SET_ELEMENT_ORDER_PREFIX}/${key}`] = d.setOrderList;
}

interface ListDiff {
  patchList: unknown[];
  deleteList: unknown[];
  setOrderList: unknown[];
}

function diffLists(original: unknown[], modified: unknown[], schema: PatchSchema, mergeKey: string, opts: DiffOptions): ListDiff {
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return { patchList: [], deleteList: [], setOrderList: [] };
    return { patchList: modified, deleteList: [], setOrderList: [] };
  }
  const kind = sliceElementKind(original, modified);
  if (kind === 'map') {
    const d = diffListsOfMaps(original, modified, schema, mergeKey, opts);
    const sorted = normalizeSliceOrder(d.patch, modified, mergeKey, kind);
    const orderSame = isOrderSame(original, modified, mergeKey);
    const patchList = sorted.concat(d.deletions);
    const wantOrder =
      opts.setElementOrder &&
      ((!opts.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) || (!opts.ignoreDeletions && patchList.length > 0));
    const setOrderList = wantOrder ? modified.map((v) => ({ [mergeKey]: (v as JsonMap)[mergeKey] })) : [];
    return { patchList, deleteList: [], setOrderList };
  }
  const d = diffListsOfScalars(original, modified, opts);
  const patchList = normalizeSliceOrder(d.add, modified, mergeKey, 'scalar');
  // Upstream sorts `original` in place while diffing, so this compares the sorted original:
  // a merely unsorted list yields a $setElementOrder even when nothing changed.
  const wantOrder =
    opts.setElementOrder &&
    ((!opts.ignoreDeletions && d.del.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(d.sortedOriginal, modified)));
  return { patchList, deleteList: d.del, setOrderList: wantOrder ? modified : [] };
}

function isOrderSame(original: unknown[], modified: unknown[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  return modified.every((m, i) => mergeKeyValueEqual(original[i], m, mergeKey));
}

function diffListsOfScalars(original: unknown[], modified: unknown[], opts: DiffOptions): { add: unknown[]; del: unknown[]; sortedOriginal: unknown[] } {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  const add: unknown[] = [];
  const del: unknown[] = [];
  let oi = 0;
  let mi = 0;
  for (;;) {
    const oIn = oi < o.length;
    const mIn = mi < m.length;
    if (!oIn && !mIn) break;
    const os = oIn ? goString(o[oi]) : '';
    const ms = mIn ? goString(m[mi]) : '';
    if (oIn && mIn && os === ms) {
      oi++;
      mi++;
    } else if (!oIn || (mIn && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[mi]);
      mi++;
    } else {
      if (!opts.ignoreDeletions) del.push(o[oi]);
      oi++;
    }
  }
  return { add, del: deduplicateScalars(del), sortedOriginal: o };
}

/** sortMergeListsByNameArray without recursion: maps ordered by the %v text of the merge key. */
function sortByMergeKey(list: unknown[], mergeKey: string): unknown[] {
  if (list.length === 0) return list;
  if (sliceElementKind(list) !== 'map') return sortScalars(deduplicateScalars(list));
  const keyOf = (v: unknown): string => goString((v as JsonMap)[mergeKey]);
  return [...list].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function mapAndKey(list: unknown[], i: number, mergeKey: string): { map: JsonMap; key: unknown } {
  const m = list[i];
  if (!isMap(m)) throw errBadArgType('map', m);
  if (!hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
  return { map: m, key: m[mergeKey] };
}

function diffListsOfMaps(original: unknown[], modified: unknown[], schema: PatchSchema, mergeKey: string, opts: DiffOptions): { patch: unknown[]; deletions: unknown[] } {
  const patch: unknown[] = [];
  const deletions: unknown[] = [];
  const os = sortByMergeKey(original, mergeKey);
  const ms = sortByMergeKey(modified, mergeKey);
  let oi = 0;
  let mi = 0;
  for (;;) {
    const oIn = oi < os.length;
    const mIn = mi < ms.length;
    if (!oIn && !mIn) break;
    const o = oIn ? mapAndKey(os, oi, mergeKey) : undefined;
    const m = mIn ? mapAndKey(ms, mi, mergeKey) : undefined;
    const oKey = o ? goString(o.key) : '';
    const mKey = m ? goString(m.key) : '';
    if (o && m && oKey === mKey) {
      const value = diffMaps(o.map, m.map, schema, opts);
      if (Object.keys(value).length > 0) {
        value[mergeKey] = m.key;
        patch.push(value);
      }
      oi++;
      mi++;
    } else if (!o || (m && oKey > mKey)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(m?.map);
      mi++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ [mergeKey]: o.key, [DIRECTIVE_MARKER]: DELETE_DIRECTIVE });
      oi++;
    }
  }
  return { patch, deletions };
}

function asDoc(v: unknown): JsonMap {
  if (v === null || v === undefined) return {};
  if (!isMap(v)) throw patchBadRequest(ERR_BAD_JSON_DOC);
  return deepClone(v);
}

/** The patch that turns `original` into `modified` (kubectl edit / set / label paths). */
export function createTwoWayStrategicMergePatch(original: unknown, modified: unknown, schema?: SchemaLookup): JsonMap {
  const opts: DiffOptions = { setElementOrder: true, ignoreChangesAndAdditions: false, ignoreDeletions: false, buildRetainKeysDirective: false };
  return diffMaps(asDoc(original), asDoc(modified), PatchSchema.of(schema), opts);
}

/**
 * kubectl apply's patch: changes from `current` (the live object) to `modified` (the new
 * configuration, last-applied annotation included), plus deletions of what `original` (the
 * previous last-applied configuration) had and `modified` dropped.
 */
export function createThreeWayStrategicMergePatch(original: unknown, modified: unknown, current: unknown, schema?: SchemaLookup): JsonMap {
  const s = PatchSchema.of(schema);
  const mod = asDoc(modified);
  const base = { setElementOrder: true, buildRetainKeysDirective: false };
  const delta = diffMaps(asDoc(current), mod, s, { ...base, ignoreDeletions: true, ignoreChangesAndAdditions: false });
  const deletions = diffMaps(asDoc(original), mod, s, { ...base, ignoreDeletions: false, ignoreChangesAndAdditions: true });
  return mergeMap(deepClone(deletions), deepClone(delta), s, { mergeParallelList: false, ignoreUnmatchedNulls: false });
}
