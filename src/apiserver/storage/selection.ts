// Label and field selection of stored objects, shared by list, watch and deletecollection.
import { badRequest } from '../../machinery/errors.js';
import { parseFieldSelector, type FieldSelector } from '../../machinery/fieldSelector.js';
import { parseSelector, type Selector } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/types.js';
import type { ResourceInfo } from '../registry.js';

export interface Selection {
  labels?: Selector;
  fields?: FieldSelector;
}

function fieldGetter(info: ResourceInfo, obj: KubeObject): (field: string) => string | undefined {
  return (field) => {
    if (field === 'metadata.name') return obj.metadata.name ?? '';
    if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
    return info.strategy.fieldSelectors?.[field]?.(obj) ?? '';
  };
}

/** Parses ?labelSelector= and ?fieldSelector=, rejecting fields the kind does not index (as upstream). */
export function parseSelection(info: ResourceInfo, labelSelector: string | null, fieldSelector: string | null): Selection {
  const sel: Selection = {};
  if (labelSelector) {
    const s = parseSelector(labelSelector);
    if (!s.empty) sel.labels = s;
  }
  if (fieldSelector) {
    const f = parseFieldSelector(fieldSelector);
    for (const r of f.requirements) {
      if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !info.strategy.fieldSelectors?.[r.field]) {
        throw badRequest(`"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"${Object.keys(info.strategy.fieldSelectors ?? {}).map((k) => `, "${k}"`).join('')}`);
      }
    }
    if (!f.empty) sel.fields = f;
  }
  return sel;
}

export function selectionEmpty(sel: Selection): boolean {
  return !sel.labels && !sel.fields;
}

export function matches(info: ResourceInfo, sel: Selection, obj: KubeObject): boolean {
  if (sel.labels && !sel.labels.matches(obj.metadata.labels)) return false;
  if (sel.fields && !sel.fields.matches(fieldGetter(info, obj))) return false;
  return true;
}
