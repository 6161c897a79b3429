// Pieces every pod-template controller kind repeats (apps/v1 and batch/v1): the selector-vs-
// template-labels check, label-selector narrowing, status/spec carry-over and the
// CONTAINERS / IMAGES cells.
import { type FieldError, invalid, required } from '../../machinery/fieldErrors.js';
import { type LabelSelector, type Selector, selectorFromLabelSelector, validateLabelSelector } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/types.js';
import { podContainers } from '../core/podSpec.js';
import { type Obj, at, ensureRec, rec, recs, str, strMap } from '../shared/access.js';

/** getIntOrPercentValue: a percent's number, an int as is, any other string Atoi'd (0 on error). */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return 0;
  const m = /^([0-9]+)%$/.exec(v);
  if (m) return Number(m[1]);
  return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
}

/** A metav1.LabelSelector read out of JSON (non-string values dropped; the schema reports them). */
export function labelSelectorOf(v: unknown): LabelSelector | undefined {
  const s = rec(v);
  if (!s) return undefined;
  const out: LabelSelector = {};
  if (s.matchLabels !== undefined && s.matchLabels !== null) out.matchLabels = strMap(s.matchLabels);
  if (Array.isArray(s.matchExpressions)) {
    out.matchExpressions = recs(s.matchExpressions).map((e) => {
      const values = Array.isArray(e.values) ? e.values.filter((x): x is string => typeof x === 'string') : undefined;
      return { key: str(e.key) ?? '', operator: str(e.operator) ?? '', ...(values ? { values } : {}) };
    });
  }
  return out;
}

export function selectorIsEmpty(ls: LabelSelector): boolean {
  return Object.keys(ls.matchLabels ?? {}).length + (ls.matchExpressions ?? []).length === 0;
}

/** LabelSelectorAsSelector, undefined where upstream returns an error. */
export function tryLabelSelector(ls: LabelSelector | undefined): Selector | undefined {
  try {
    return selectorFromLabelSelector(ls);
  } catch {
    return undefined;
  }
}

/** Template labels as upstream passes them around (nil map stays nil). */
export function templateLabels(template: unknown): Record<string, string> | undefined {
  const meta = rec(rec(template)?.metadata);
  return meta && rec(meta.labels) ? strMap(meta.labels) : undefined;
}

/**
 * The `spec.selector` checks of Deployment / ReplicaSet / StatefulSet: required, valid, not
 * empty (`empty selector is invalid for <kind>`), and the parsed selector (undefined when it
 * does not convert) for the template-labels check.
 */
export function validateControllerSelector(
  selector: unknown,
  field: string,
  kindWord: string,
): { errs: FieldError[]; parsed: Selector | undefined; invalidSelector: boolean } {
  const errs: FieldError[] = [];
  const ls = labelSelectorOf(selector);
  if (!ls) {
    errs.push(required(field));
  } else {
    errs.push(...validateLabelSelector(ls, field));
    if (selectorIsEmpty(ls)) errs.push(invalid(field, selector, `empty selector is invalid for ${kindWord}`));
  }
  const parsed = tryLabelSelector(ls);
  return { errs, parsed, invalidSelector: parsed === undefined };
}

/** `<templateField>.metadata.labels: Invalid value: …: `selector` does not match template `labels``. */
export function templateLabelsMatch(selector: Selector, template: unknown, templateField: string): FieldError[] {
  if (selector.empty) return [];
  const labels = templateLabels(template);
  if (selector.matches(labels)) return [];
  return [invalid(`${templateField}.metadata.labels`, labels ?? null, '`selector` does not match template `labels`')];
}

/** The pod spec's restartPolicy after defaulting ('' when absent). */
export function templateRestartPolicy(template: unknown): string {
  return str(at(template, 'spec.restartPolicy')) ?? '';
}

/** upstream layoutContainerCells: names and images joined with ','. */
export function containerCells(template: unknown): [string, string] {
  const containers = podContainers(rec(template)?.spec);
  return [containers.map((c) => str(c.name) ?? '').join(','), containers.map((c) => str(c.image) ?? '').join(',')];
}

/** Integer read of a status counter (absent = 0, as Go's zero value). */
export function count(obj: unknown, dotted: string): number {
  const v = at(obj, dotted);
  return typeof v === 'number' ? v : 0;
}

export function spec(obj: KubeObject): Obj {
  return ensureRec(obj as Obj, 'spec');
}

/** A status subresource kind's create: the status is the server's, and starts empty. */
export function clearStatus(obj: KubeObject): void {
  obj.status = {};
}

/** Main-resource update: status is carried over from the stored object. */
export function keepStatus(obj: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = structuredClone(old.status);
}

/** Status update: spec is carried over from the stored object. */
export function keepSpec(obj: KubeObject, old: KubeObject): void {
  if (old.spec === undefined) delete obj.spec;
  else obj.spec = structuredClone(old.spec);
}

/** Condition `type` has status "True" (printers' hasJobCondition and friends). */
export function conditionTrue(obj: unknown, type: string): boolean {
  for (const c of recs(at(obj, 'status.conditions'))) if (c.type === type) return c.status === 'True';
  return false;
}
