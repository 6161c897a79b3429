// List helpers shared by strategic-merge apply and diff: element typing, merge-key lookups
// and the ordering rules of upstream's "preserve order in strategic merge patch" design
// (strategicpatch/patch.go: normalizeElementOrder, mergeSortedSlice, normalizeSliceOrder).
// The ordering code reproduces upstream step by step because kubectl users see its result.
import { goEq, goString, goTypeName, isMap, jsonKind, type JsonMap } from './json.js';
import type { ApiError } from '../errors.js';
import { ERR_NO_LIST_OF_LISTS, patchInternal, patchUnprocessable } from './patchErrors.js';

export const DIRECTIVE_MARKER = '$patch';
export const DELETE_DIRECTIVE = 'delete';
export const REPLACE_DIRECTIVE = 'replace';
export const MERGE_DIRECTIVE = 'merge';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

/** 'map' for lists of objects, 'scalar' for everything else upstream treats as comparable. */
export type ElementKind = 'map' | 'scalar';

export const errBadArgType = (expected: 'map' | 'slice', actual: unknown): ApiError =>
  patchInternal(`expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goTypeName(actual)}`);

export const errNoMergeKey = (m: JsonMap, key: string): ApiError =>
  patchInternal(`map: ${goString(m)} does not contain declared merge key: ${key}`);

/**
 * sliceElementType: every element of every list must have the same JSON type, and lists of
 * lists are refused (422 upstream). Returns undefined when there are no elements at all,
 * where upstream fails with "no elements in any of the given slices"; callers decide.
 */
export function sliceElementKind(...lists: (readonly unknown[] | undefined)[]): ElementKind | undefined {
  let prev: string | undefined;
  for (const list of lists) {
    for (const v of list ?? []) {
      const k = jsonKind(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'slice') throw patchUnprocessable(ERR_NO_LIST_OF_LISTS);
      } else if (prev !== k) {
        throw patchInternal(`list element types are not identical: ${goString(lists.map((l) => l ?? []))}`);
      }
    }
  }
  if (prev === undefined) return undefined;
  return prev === 'map' ? 'map' : 'scalar';
}

export function requireElementKind(...lists: (readonly unknown[] | undefined)[]): ElementKind {
  const k = sliceElementKind(...lists);
  if (!k) throw patchInternal('no elements in any of the given slices');
  return k;
}

/** Position of `val` in `list`, comparing merge-key values for maps and values for scalars. */
export function indexIn(list: readonly unknown[], val: unknown, mergeKey: string, kind: ElementKind): number {
  const get = (item: unknown): unknown => (kind === 'map' ? (isMap(item) ? item[mergeKey] : null) : item);
  const want = get(val);
  return list.findIndex((v) => goEq(get(v), want));
}

export function findMapByKey(list: readonly unknown[], key: string, value: unknown): { map: JsonMap; index: number } | undefined {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isMap(v)) throw patchInternal(`value for key ${i} is not a map`);
    if (Object.prototype.hasOwnProperty.call(v, key) && goEq(v[key], value)) return { map: v, index: i };
  }
  return undefined;
}

export function validateMergeKeyInLists(mergeKey: string, ...lists: readonly unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType('map', item);
      if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Splits list elements into kept ones and `$patch: delete` ones. */
export function extractToDeleteItems(list: readonly unknown[]): { keep: unknown[]; toDelete: unknown[] } {
  const keep: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType('map', v);
    if (v[DIRECTIVE_MARKER] === DELETE_DIRECTIVE) toDelete.push(v);
    else keep.push(v);
  }
  return { keep, toDelete };
}

export function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return goEq(left, right);
  if (!isMap(left)) throw errBadArgType('map', left);
  if (!isMap(right)) throw errBadArgType('map', right);
  if (!Object.prototype.hasOwnProperty.call(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.prototype.hasOwnProperty.call(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return goEq(left[mergeKey], right[mergeKey]);
}

/**
 * sort.SliceStable with upstream's comparator, which answers "less" for any pair where one
 * side is missing from `order`; Go's stable sort is an insertion sort for short lists, so an
 * insertion sort reproduces the same result.
 */
function sortByOrder(list: unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): void {
  const less = (a: unknown, b: unknown): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  for (let i = 1; i < list.length; i++) {
    for (let j = i; j > 0 && less(list[j], list[j - 1]); j--) {
      const t = list[j];
      list[j] = list[j - 1];
      list[j - 1] = t;
    }
  }
}

/** normalizeSliceOrder: sorts by `order`; for maps, `$patch: delete` elements go last. */
export function normalizeSliceOrder(toSort: readonly unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let items = [...toSort];
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, items, [...order]);
    ({ keep: items, toDelete } = extractToDeleteItems(items));
  }
  sortByOrder(items, order, mergeKey, kind);
  return items.concat(toDelete);
}

/**
 * mergeSortedSlice: interleaves server-only items (left) into patch items (right), keeping
 * both relative orders; a left item goes first only when both are in `serverOrder` and it
 * comes earlier there (so elements new to the server come before later server-only ones).
 */
function mergeSortedSlice(left: readonly unknown[], right: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Orders patch items by `patchOrder`, server-only items by `serverOrder`, then interleaves. */
export function normalizeElementOrder(
  patchItems: readonly unknown[],
  serverOnly: readonly unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const p = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

export function partitionPrimitives(list: readonly unknown[], by: readonly unknown[]): { inList: unknown[]; rest: unknown[] } {
  const set = new Set(by);
  const inList: unknown[] = [];
  const rest: unknown[] = [];
  for (const v of list) (set.has(v) ? inList : rest).push(v);
  return { inList, rest };
}

export function partitionMaps(list: readonly unknown[], by: readonly unknown[], mergeKey: string): { inList: unknown[]; rest: unknown[] } {
  const inList: unknown[] = [];
  const rest: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType('map', v);
    if (!Object.prototype.hasOwnProperty.call(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapByKey(by, mergeKey, v[mergeKey]) ? inList : rest).push(v);
  }
  return { inList, rest };
}

/** deduplicateScalars, including its habit of moving the last element into a duplicate's slot. */
export function deduplicateScalars(list: readonly unknown[]): unknown[] {
  const s = [...list];
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (goEq(s[i], s[j])) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}

/** sortScalars: ordered by the %v text of each value. */
export function sortScalars(list: readonly unknown[]): unknown[] {
  return [...list].sort((a, b) => {
    const x = goString(a);
    const y = goString(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export function deleteFromSlice(current: readonly unknown[], toDelete: readonly unknown[]): unknown[] {
  const set = new Set(toDelete);
  return current.filter((v) => !set.has(v));
}
