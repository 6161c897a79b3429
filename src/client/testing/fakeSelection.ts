// Filtering for the fake client: namespace, label and field selectors over plain objects,
// and the watch-filter rule upstream applies (an object that stops matching is reported as
// DELETED, one that starts matching as ADDED).
import { parseFieldSelector } from '../../machinery/fieldSelector.js';
import { parseSelector } from '../../machinery/labels.js';
import { isPlainObject, type KubeObject } from '../../machinery/types.js';

export interface Selection {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** A field's value as field selectors compare it: dotted path, scalars as strings. */
function fieldValue(obj: KubeObject, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return undefined;
}

export function matcher(sel: Selection): (obj: KubeObject) => boolean {
  const labels = sel.labelSelector ? parseSelector(sel.labelSelector) : undefined;
  const fields = sel.fieldSelector ? parseFieldSelector(sel.fieldSelector) : undefined;
  return (obj) => {
    if (sel.namespace && obj.metadata.namespace !== sel.namespace) return false;
    if (labels && !labels.matches(obj.metadata.labels)) return false;
    if (fields && !fields.matches((f) => fieldValue(obj, f))) return false;
    return true;
  };
}

/** What a filtered watcher sees of a change, or undefined when it sees nothing. */
export function filteredEventType(
  type: 'ADDED' | 'MODIFIED' | 'DELETED',
  obj: KubeObject,
  prev: KubeObject | undefined,
  matches: (o: KubeObject) => boolean,
): 'ADDED' | 'MODIFIED' | 'DELETED' | undefined {
  const now = matches(obj);
  if (type !== 'MODIFIED') return now ? type : undefined;
  const before = prev ? matches(prev) : now;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}
