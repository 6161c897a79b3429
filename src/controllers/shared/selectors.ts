// Label selectors of workload specs: metav1.LabelSelectorAsSelector over the JSON
// `spec.selector`, reporting an invalid selector as undefined (upstream logs it and skips
// the object) instead of throwing.
import { type LabelSelector, type Selector, selectorFromLabelSelector } from '../../machinery/labels.js';
import { isPlainObject } from '../../machinery/types.js';
import { recs, strMap } from './meta.js';

/** The JSON value as a metav1.LabelSelector (undefined when absent or not an object). */
export function asLabelSelector(v: unknown): LabelSelector | undefined {
  if (!isPlainObject(v)) return undefined;
  const ls: LabelSelector = {};
  if (isPlainObject(v.matchLabels)) ls.matchLabels = strMap(v.matchLabels);
  if (Array.isArray(v.matchExpressions)) {
    ls.matchExpressions = recs(v.matchExpressions).map((e) => ({
      key: typeof e.key === 'string' ? e.key : '',
      operator: typeof e.operator === 'string' ? e.operator : '',
      ...(Array.isArray(e.values) ? { values: e.values.filter((x): x is string => typeof x === 'string') } : {}),
    }));
  }
  return ls;
}

/** The selector, or undefined when it does not convert (invalid operator, key or value). */
export function selectorOf(v: unknown): Selector | undefined {
  try {
    return selectorFromLabelSelector(asLabelSelector(v));
  } catch {
    return undefined;
  }
}

/** True for a selector with no requirements at all (`{}`), which selects every pod. */
export function isEmptyLabelSelector(v: unknown): boolean {
  const ls = asLabelSelector(v);
  return ls !== undefined && Object.keys(ls.matchLabels ?? {}).length === 0 && (ls.matchExpressions ?? []).length === 0;
}
