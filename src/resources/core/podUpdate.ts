// ValidatePodUpdate: a pod's spec is immutable except container images, a shrinking
// activeDeadlineSeconds, added tolerations, removed scheduling gates and a negative
// terminationGracePeriodSeconds raised to 1; the error names the fields that may change.
import { type FieldError, forbidden, invalid, required } from '../../machinery/fieldErrors.js';
import { inclusiveRangeError } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, clone, jsonEqual, num, rec, recs, str } from '../shared/access.js';
import { maxInt32 } from '../shared/validate.js';

const updatableFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export const podUpdateForbiddenMessage = `pod updates may not change fields other than ${updatableFields.join(',')}`;

function containerUpdates(next: Obj[], prev: Obj[], field: string): { errs: FieldError[]; stop: boolean } {
  if (next.length !== prev.length) return { errs: [forbidden(field, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  next.forEach((c, i) => {
    const image = str(c.image) ?? '';
    if (image === '') errs.push(required(`${field}[${i}].image`));
    if (image.trim().length !== image.length) errs.push(invalid(`${field}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** A Go-struct-like field name for the diff text (containers → Containers). */
const goName = (k: string): string => k.charAt(0).toUpperCase() + k.slice(1);

/** A short diff in the spirit of cmp.Diff(old, new) that upstream appends to the message. */
function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    if (jsonEqual(oldSpec[k], newSpec[k])) continue;
    if (oldSpec[k] !== undefined) lines.push(`- \t${goName(k)}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${goName(k)}: ${JSON.stringify(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n') + '\n';
}

function onlyAddedTolerations(next: Obj[], prev: Obj[], field: string): FieldError[] {
  for (const old of prev) {
    const found = next.some((t) => jsonEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(field, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

function onlyDeletedGates(next: Obj[], prev: Obj[], field: string): FieldError[] {
  const old = new Set(prev.map((g) => str(g.name) ?? ''));
  for (const g of next) {
    if (!old.has(str(g.name) ?? '')) return [forbidden(field, 'only deletion is allowed, but found new scheduling gate \'' + (str(g.name) ?? '') + "'")];
  }
  return [];
}

export function validatePodUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = rec(obj.spec) ?? {};
  const prev = rec(old.spec) ?? {};
  const errs: FieldError[] = [];
  for (const list of ['containers', 'initContainers']) {
    const r = containerUpdates(recs(next[list]), recs(prev[list]), `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const newAds = num(next.activeDeadlineSeconds);
  const oldAds = num(prev.activeDeadlineSeconds);
  if (newAds !== undefined) {
    if (newAds < 0 || newAds > maxInt32) return [...errs, invalid('spec.activeDeadlineSeconds', newAds, inclusiveRangeError(0, maxInt32))];
    if (oldAds !== undefined && oldAds < newAds) return [...errs, invalid('spec.activeDeadlineSeconds', newAds, 'must be less than or equal to previous value')];
  } else if (oldAds !== undefined) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...onlyAddedTolerations(recs(next.tolerations), recs(prev.tolerations), 'spec.tolerations'));
  errs.push(...onlyDeletedGates(recs(next.schedulingGates), recs(prev.schedulingGates), 'spec.schedulingGates'));
  if (jsonEqual(next, prev)) return errs;

  // Copy the updatable fields from the old spec; anything still different is forbidden.
  const munged = clone(next);
  for (const list of ['containers', 'initContainers']) {
    const oldList = recs(prev[list]);
    recs(munged[list]).forEach((c, i) => {
      if (oldList[i]?.image === undefined) delete c.image;
      else c.image = oldList[i].image;
    });
  }
  for (const k of ['activeDeadlineSeconds', 'tolerations', 'schedulingGates']) {
    if (prev[k] === undefined) delete munged[k];
    else munged[k] = clone(prev[k]);
  }
  const oldGrace = num(prev.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  // A gated pod may still gain nodeSelector entries and node affinity before it is scheduled.
  if (recs(prev.schedulingGates).length > 0) {
    const oldSel = rec(prev.nodeSelector) ?? {};
    const newSel = rec(munged.nodeSelector) ?? {};
    if (Object.entries(oldSel).every(([k, v]) => newSel[k] === v)) {
      if (prev.nodeSelector === undefined) delete munged.nodeSelector;
      else munged.nodeSelector = clone(prev.nodeSelector);
    }
  }
  if (!jsonEqual(munged, prev)) errs.push(forbidden('spec', `${podUpdateForbiddenMessage}\n${specDiff(prev, munged)}`));
  return errs;
}
