// Completion-index bookkeeping of Indexed Jobs (upstream indexed_job_utils.go): the
// compressed interval form of status.completedIndexes ("1,3-5,7"), merging new indexes in,
// the first indexes still to run, and which active pods hold duplicated or invalid indexes.
import type { KubeObject } from '../../machinery/types.js';
import { completionIndexOf, unknownCompletionIndex } from './jobMeta.js';

export interface Interval {
  first: number;
  last: number;
}

/** Sorted, non-overlapping, non-adjacent intervals. */
export type OrderedIntervals = readonly Interval[];

/**
 * parseIndexesFromString: intervals below `completions`; a corrupted interval is skipped,
 * the first one at or past `completions` ends the list, and adjacent intervals merge.
 */
export function parseIndexes(s: string, completions: number): Interval[] {
  if (s === '') return [];
  const out: Interval[] = [];
  for (const part of s.split(',')) {
    const limits = part.split('-');
    const first = goAtoi(limits[0]);
    if (first === undefined) continue;
    if (first >= completions) break;
    let last = first;
    if (limits.length > 1) {
      const l = goAtoi(limits[1]);
      if (l === undefined) continue;
      last = Math.min(l, completions - 1);
    }
    const prev = out[out.length - 1];
    if (prev && prev.last === first - 1) prev.last = last;
    else out.push({ first, last });
  }
  return out;
}

function goAtoi(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number.parseInt(s, 10);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** merge: the union of two ordered lists, adjacent intervals joined. */
export function mergeIntervals(a: OrderedIntervals, b: OrderedIntervals): Interval[] {
  const out: Interval[] = [];
  const push = (iv: Interval): void => {
    const last = out[out.length - 1];
    if (!last || iv.first > last.last + 1) out.push({ ...iv });
    else if (last.last < iv.last) last.last = iv.last;
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) push(a[i].first < b[j].first ? a[i++] : b[j++]);
  while (i < a.length) push(a[i++]);
  while (j < b.length) push(b[j++]);
  return out;
}

/** withOrderedIndexes: `indexes` must be sorted ascending. */
export function withIndexes(oi: OrderedIntervals, indexes: readonly number[]): Interval[] {
  return mergeIntervals(oi, indexes.map((ix) => ({ first: ix, last: ix })));
}

export function totalIndexes(oi: OrderedIntervals): number {
  return oi.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
}

export function hasIndex(oi: OrderedIntervals, ix: number): boolean {
  return oi.some((iv) => iv.first <= ix && ix <= iv.last);
}

/** String(): "0-2,4" — an interval of two is written "3,4", as upstream does. */
export function formatIndexes(oi: OrderedIntervals): string {
  return oi
    .map((iv) => {
      if (iv.last === iv.first) return String(iv.first);
      return `${iv.first}${iv.last === iv.first + 1 ? ',' : '-'}${iv.last}`;
    })
    .join(',');
}

/** The sorted set of valid completion indexes held by `pods`. */
export function indexesOf(pods: readonly KubeObject[]): number[] {
  const set = new Set<number>();
  for (const p of pods) {
    const ix = completionIndexOf(p);
    if (ix !== unknownCompletionIndex) set.add(ix);
  }
  return [...set].sort((x, y) => x - y);
}

/**
 * firstPendingIndexes: up to `count` indexes below `completions` not covered by `nonPending`
 * (succeeded indexes, indexes of active pods, and terminating pods when only failed pods
 * are replaced).
 */
export function firstPendingIndexes(nonPending: OrderedIntervals, count: number, completions: number): number[] {
  const result: number[] = [];
  if (count === 0) return result;
  let candidate = 0;
  for (const iv of nonPending) {
    for (; candidate < completions && result.length < count && candidate < iv.first; candidate++) result.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

/**
 * appendDuplicatedIndexPodsForRemoval: pods without an index or with one at or past
 * `completions` go; of pods sharing an index all but the last in `order` go.
 * Returns [toRemove, kept]. `order` is the deletion preference (controller.ActivePods).
 */
export function duplicatedIndexPods(
  pods: readonly KubeObject[],
  completions: number,
  order: (a: KubeObject, b: KubeObject) => number,
): [KubeObject[], KubeObject[]] {
  const rm: KubeObject[] = [];
  const left: KubeObject[] = [];
  const byIndex = new Map<number, KubeObject[]>();
  for (const p of pods) {
    const ix = completionIndexOf(p);
    if (ix === unknownCompletionIndex || ix >= completions) {
      rm.push(p);
      continue;
    }
    const same = byIndex.get(ix);
    if (same) same.push(p);
    else byIndex.set(ix, [p]);
  }
  for (const ix of [...byIndex.keys()].sort((x, y) => x - y)) {
    const same = [...(byIndex.get(ix) ?? [])].sort(order);
    rm.push(...same.slice(0, -1));
    left.push(same[same.length - 1]);
  }
  return [rm, left];
}
