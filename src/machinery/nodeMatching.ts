// Node-side matching shared by filters and scores: node selector terms (component-helpers
// scheduling/corev1/nodeaffinity), taints and tolerations (core/v1 helper ToleratesTaint).
import { hasOwn, num, record, records, str, stringMap, strings } from './jsonAccess.js';

// --- taints and tolerations ---

export interface Taint {
  key: string;
  value: string;
  effect: string;
}

export interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
}

export function parseTaints(v: unknown): Taint[] {
  return records(v).map((t) => ({ key: str(t.key) ?? '', value: str(t.value) ?? '', effect: str(t.effect) ?? '' }));
}

export function parseTolerations(v: unknown): Toleration[] {
  return records(v).map((t) => ({
    key: str(t.key) ?? '',
    operator: str(t.operator) ?? '',
    value: str(t.value) ?? '',
    effect: str(t.effect) ?? '',
  }));
}

/** v1.Toleration.ToleratesTaint: empty effect/key are wildcards; '' operator means Equal. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator) {
    case '':
    case 'Equal':
      return t.value === taint.value;
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export const tolerationsTolerate = (ts: readonly Toleration[], taint: Taint): boolean => ts.some((t) => toleratesTaint(t, taint));

const doNotSchedule = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** FindMatchingUntoleratedTaint restricted to NoSchedule/NoExecute (the filter's predicate). */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const taint of taints) if (doNotSchedule(taint) && !tolerationsTolerate(tolerations, taint)) return taint;
  return undefined;
}

// --- node selector terms ---

interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

/** One NodeSelectorTerm: expressions on labels and fields, ANDed. */
export interface NodeSelectorTerm {
  readonly expressions: readonly Requirement[];
  readonly fields: readonly Requirement[];
}

const intRe = /^[+-]?[0-9]+$/;

function requirementMatches(r: Requirement, values: Record<string, string>): boolean {
  const has = hasOwn(values, r.key);
  const v = has ? values[r.key] : '';
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(v);
    case 'NotIn':
      return !has || !r.values.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Upstream rejects the term (so it matches nothing) unless there is exactly one integer value.
      if (r.values.length !== 1 || !intRe.test(r.values[0]) || !has || !intRe.test(v)) return false;
      const a = BigInt(v);
      const b = BigInt(r.values[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

function validRequirement(r: Requirement, field: boolean): boolean {
  if (field) return r.key === 'metadata.name' && (r.operator === 'In' || r.operator === 'NotIn') && r.values.length > 0;
  if (r.operator === 'In' || r.operator === 'NotIn') return r.values.length > 0;
  if (r.operator === 'Exists' || r.operator === 'DoesNotExist') return r.values.length === 0;
  return r.operator === 'Gt' || r.operator === 'Lt';
}

const parseRequirements = (v: unknown): Requirement[] =>
  records(v).map((r) => ({ key: str(r.key) ?? '', operator: str(r.operator) ?? '', values: strings(r.values) }));

/**
 * A compiled term, or undefined when it selects nothing: an empty term (upstream "nil or empty
 * term selects no objects") or one with an invalid requirement (upstream drops unparsable terms).
 */
export function compileTerm(v: unknown): NodeSelectorTerm | undefined {
  const t = record(v);
  if (!t) return undefined;
  const expressions = parseRequirements(t.matchExpressions);
  const fields = parseRequirements(t.matchFields);
  if (expressions.length + fields.length === 0) return undefined;
  if (!expressions.every((r) => validRequirement(r, false)) || !fields.every((r) => validRequirement(r, true))) return undefined;
  return { expressions, fields };
}

export function termMatches(term: NodeSelectorTerm, nodeName: string, labels: Record<string, string>): boolean {
  for (const r of term.expressions) if (!requirementMatches(r, labels)) return false;
  for (const r of term.fields) if (!requirementMatches(r, { 'metadata.name': nodeName })) return false;
  return true;
}

/**
 * nodeaffinity.RequiredNodeAffinity: spec.nodeSelector (every label equal) AND the required
 * node affinity terms (ORed). `terms` undefined means no affinity was given; an empty array
 * (all terms empty or invalid) matches no node.
 */
export interface RequiredNodeAffinity {
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  readonly terms: readonly NodeSelectorTerm[] | undefined;
}

export function requiredNodeAffinity(spec: Record<string, unknown>): RequiredNodeAffinity {
  const sel = stringMap(spec.nodeSelector);
  const nodeSelector = Object.keys(sel).length > 0 ? sel : undefined;
  const required = record(record(record(spec.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution);
  let terms: NodeSelectorTerm[] | undefined;
  if (required) {
    terms = [];
    for (const t of records(required.nodeSelectorTerms)) {
      const c = compileTerm(t);
      if (c) terms.push(c);
    }
  }
  return { nodeSelector, terms };
}

export function nodeAffinityMatches(a: RequiredNodeAffinity, nodeName: string, labels: Record<string, string>): boolean {
  if (a.nodeSelector) {
    for (const [k, v] of Object.entries(a.nodeSelector)) if (!hasOwn(labels, k) || labels[k] !== v) return false;
  }
  if (a.terms) return a.terms.some((t) => termMatches(t, nodeName, labels));
  return true;
}

export interface PreferredTerm {
  readonly weight: number;
  readonly term: NodeSelectorTerm;
}

/** nodeaffinity.NewPreferredSchedulingTerms: zero-weight and empty preferences are dropped. */
export function preferredNodeTerms(spec: Record<string, unknown>): PreferredTerm[] {
  const out: PreferredTerm[] = [];
  const pref = record(record(spec.affinity)?.nodeAffinity)?.preferredDuringSchedulingIgnoredDuringExecution;
  for (const p of records(pref)) {
    const weight = num(p.weight) ?? 0;
    if (weight === 0) continue;
    const term = compileTerm(p.preference);
    if (term) out.push({ weight, term });
  }
  return out;
}
