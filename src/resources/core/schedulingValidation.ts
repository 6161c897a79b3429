// Scheduling-related validation shared by pods and nodes: tolerations, taints, node and
// pod affinity, topology spread constraints (upstream ValidateTolerations,
// validateNodeTaints, validateAffinity, validateTopologySpreadConstraints).
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { type LabelSelector, validateLabelSelector } from '../../machinery/labels.js';
import { isValidLabelValue } from '../../machinery/names.js';
import { type Obj, arr, num, rec, recs, str } from '../shared/access.js';
import { dns1123Label, qualifiedName } from '../shared/validate.js';

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const isNotPositive = 'must be greater than zero';

function taintEffect(effect: string, allowEmpty: boolean, field: string): FieldError[] {
  if (effect === '') return allowEmpty ? [] : [required(field)];
  return taintEffects.includes(effect) ? [] : [notSupported(field, effect, taintEffects)];
}

export function validateTolerations(tolerations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(tolerations).forEach((t, i) => {
    const at = `${field}[${i}]`;
    const key = str(t.key) ?? '';
    const operator = str(t.operator) ?? '';
    const value = str(t.value) ?? '';
    const effect = str(t.effect) ?? '';
    if (key !== '') errs.push(...qualifiedName(key, `${at}.key`));
    if (key === '' && operator !== 'Exists') {
      errs.push(invalid(`${at}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(`${at}.operator`, value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value !== '') errs.push(invalid(`${at}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${at}.operator`, operator, ['Equal', 'Exists']));
    }
    errs.push(...taintEffect(effect, true, `${at}.effect`));
  });
  return errs;
}

export function validateTaints(taints: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(taints).forEach((t, i) => {
    const at = `${field}[${i}]`;
    const key = str(t.key) ?? '';
    const value = str(t.value) ?? '';
    const effect = str(t.effect) ?? '';
    errs.push(...qualifiedName(key, `${at}.key`));
    const msgs = isValidLabelValue(value);
    if (msgs.length > 0) errs.push(invalid(`${at}.value`, value, msgs.join(';')));
    errs.push(...taintEffect(effect, false, `${at}.effect`));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) errs.push({ type: 'Duplicate', field: at, value: t, detail: 'taints must be unique by key and effect pair' });
    seen.add(id);
  });
  return errs;
}

/** A NodeSelector (required node affinity, PV node affinity): at least one term. */
export function validateNodeSelector(sel: Obj, field: string): FieldError[] {
  const terms = recs(sel.nodeSelectorTerms);
  if (terms.length === 0) return [required(`${field}.nodeSelectorTerms`, 'must have at least one node selector term')];
  const errs: FieldError[] = [];
  terms.forEach((term, i) => errs.push(...validateNodeSelectorTerm(term, `${field}.nodeSelectorTerms[${i}]`)));
  return errs;
}

function validateNodeSelectorTerm(term: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(term.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, `${field}.matchExpressions[${j}]`)));
  recs(term.matchFields).forEach((r, j) => {
    const at = `${field}.matchFields[${j}]`;
    if (str(r.key) !== 'metadata.name') errs.push(invalid(`${at}.key`, r.key ?? '', 'not a valid field selector key'));
    const op = str(r.operator) ?? '';
    if (op !== 'In' && op !== 'NotIn') errs.push(invalid(`${at}.operator`, op, 'not a valid selector operator'));
    if (arr(r.values).length !== 1) errs.push(required(`${at}.values`, 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
  });
  return errs;
}

function validateNodeSelectorRequirement(r: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = arr(r.values);
  const op = str(r.operator) ?? '';
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${field}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${field}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(`${field}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(`${field}.operator`, op, 'not a valid selector operator'));
  }
  errs.push(...qualifiedName(str(r.key) ?? '', `${field}.key`));
  values.forEach((v, i) => {
    const s = typeof v === 'string' ? v : '';
    for (const m of isValidLabelValue(s)) errs.push(invalid(`${field}.values[${i}]`, s, m));
  });
  return errs;
}

function weight(w: unknown, field: string): FieldError[] {
  const n = num(w) ?? 0;
  return n <= 0 || n > 100 ? [invalid(field, n, 'must be in the range 1-100')] : [];
}

export function validateAffinity(affinity: Obj | undefined, field: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const node = rec(affinity.nodeAffinity);
  if (node) {
    const at = `${field}.nodeAffinity`;
    const req = rec(node.requiredDuringSchedulingIgnoredDuringExecution);
    if (req) errs.push(...validateNodeSelector(req, `${at}.requiredDuringSchedulingIgnoredDuringExecution`));
    recs(node.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const p = `${at}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...weight(t.weight, `${p}.weight`));
      errs.push(...validateNodeSelectorTerm(rec(t.preference) ?? {}, `${p}.preference`));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = rec(affinity[kind]);
    if (!pa) continue;
    const at = `${field}.${kind}`;
    recs(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      errs.push(...validatePodAffinityTerm(t, `${at}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`));
    });
    recs(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const p = `${at}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...weight(t.weight, `${p}.weight`));
      errs.push(...validatePodAffinityTerm(rec(t.podAffinityTerm) ?? {}, `${p}.podAffinityTerm`));
    });
  }
  return errs;
}

function validatePodAffinityTerm(term: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(rec(term.labelSelector) as LabelSelector | undefined, `${field}.labelSelector`));
  errs.push(...validateLabelSelector(rec(term.namespaceSelector) as LabelSelector | undefined, `${field}.namespaceSelector`));
  for (const ns of arr(term.namespaces)) errs.push(...dns1123Label(typeof ns === 'string' ? ns : '', `${field}.namespace`));
  const key = str(term.topologyKey) ?? '';
  if (key === '') errs.push(required(`${field}.topologyKey`, 'can not be empty'));
  errs.push(...qualifiedName(key, `${field}.topologyKey`));
  return errs;
}

const scheduleActions = ['DoNotSchedule', 'ScheduleAnyway'];
const inclusionPolicies = ['Honor', 'Ignore'];

export function validateTopologySpreadConstraints(constraints: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = recs(constraints);
  list.forEach((c, i) => {
    const at = `${field}[${i}]`;
    const maxSkew = num(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(invalid(`${at}.maxSkew`, maxSkew, isNotPositive));
    const key = str(c.topologyKey) ?? '';
    if (key === '') errs.push(required(`${at}.topologyKey`, 'can not be empty'));
    const action = str(c.whenUnsatisfiable) ?? '';
    if (!scheduleActions.includes(action)) errs.push(notSupported(`${at}.whenUnsatisfiable`, action, scheduleActions));
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      errs.push(duplicate(`${at}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${action}}`));
    }
    const minDomains = num(c.minDomains);
    if (minDomains !== undefined) {
      if (action !== 'DoNotSchedule') errs.push(invalid(`${at}.minDomains`, minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
      if (minDomains <= 0) errs.push(invalid(`${at}.minDomains`, minDomains, isNotPositive));
    }
    for (const k of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = str(c[k]);
      if (v !== undefined && !inclusionPolicies.includes(v)) errs.push(notSupported(`${at}.${k}`, v, inclusionPolicies));
    }
    errs.push(...validateLabelSelector(rec(c.labelSelector) as LabelSelector | undefined, `${at}.labelSelector`));
  });
  return errs;
}
