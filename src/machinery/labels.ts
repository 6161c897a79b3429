// Label selectors: the `?labelSelector=` string syntax (apimachinery pkg/labels/selector.go,
// lexer and parser reproduced so error messages match), metav1.LabelSelector conversion
// (LabelSelectorAsSelector / FormatLabelSelector) and their validation.
import { badRequest } from './errors.js';
import { type FieldError, forbidden, invalid, required } from './fieldErrors.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Selector {
  /** True when the selector has no requirements and so matches everything. */
  readonly empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
  toString(): string;
}

/** selection.Operator values. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

// --- requirements ---

const sortedValues = (vs: readonly string[]): string[] => [...vs].sort();

function requirementString(r: Requirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    default:
      s += r.operator;
  }
  const vals = r.values.length === 1 ? r.values[0] : sortedValues(r.values).join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

const int64Re = /^[+-]?[0-9]+$/;

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : '';
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1 || !int64Re.test(v) || !int64Re.test(r.values[0])) return false;
      const a = BigInt(v);
      const b = BigInt(r.values[0]);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** Upstream NewRequirement's checks, joined into one message the way its aggregate error prints. */
function requirementErrors(key: string, op: Operator, vals: readonly string[], path: string): string[] {
  const errs: string[] = [];
  const keyPath = path ? `${path}.key` : 'key';
  const valuesPath = path ? `${path}.values` : 'values';
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length) errs.push(`${keyPath}: Invalid value: ${JSON.stringify(key)}: ${keyMsgs.join('; ')}`);
  const goList = `[]string{${vals.map((v) => JSON.stringify(v)).join(', ')}}`;
  switch (op) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(`${valuesPath}: Invalid value: ${goList}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(`${valuesPath}: Invalid value: ${goList}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(`${valuesPath}: Invalid value: ${goList}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(`${valuesPath}: Invalid value: ${goList}: for 'Gt', 'Lt' operators, exactly one value is required`);
      vals.forEach((v, i) => {
        if (!int64Re.test(v)) errs.push(`${valuesPath}[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  vals.forEach((v, i) => {
    const m = isValidLabelValue(v);
    if (m.length) errs.push(`${valuesPath}[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${m.join('; ')}`);
  });
  return errs;
}

function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  constructor(reqs: Requirement[]) {
    // Upstream sorts by key so String() is deterministic.
    this.requirements = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  get empty(): boolean {
    return this.requirements.length === 0;
  }
  matches(labels: Record<string, string> | undefined): boolean {
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

/** labels.Nothing(): what a nil *LabelSelector converts to. */
const nothing: Selector = {
  empty: false,
  matches: () => false,
  toString: () => '',
};

export const everything = (): Selector => new RequirementsSelector([]);
export const nothingSelector = (): Selector => nothing;

/** labels.SelectorFromSet: equality on every key; an empty or missing set matches everything. */
export function selectorFromSet(set: Record<string, string> | undefined): Selector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=', values: [v] })));
}

// --- lexer (selector.go Lexer) ---

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const string2token: Record<string, Tok> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(',
};
const hasToken = (s: string): boolean => Object.prototype.hasOwnProperty.call(string2token, s);
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);

interface Item {
  tok: Tok;
  lit: string;
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    if (isSpecial(s[pos])) {
      // Longest run of special characters that still names a token ("!=" vs "!").
      let buf = '';
      let last: Item | null = null;
      while (pos < s.length && isSpecial(s[pos])) {
        buf += s[pos];
        if (hasToken(buf)) last = { tok: string2token[buf], lit: buf };
        else if (last) break;
        pos++;
      }
      if (!last) {
        items.push({ tok: 'error', lit: `error expected: keyword found '${buf}'` });
        return items;
      }
      items.push(last);
      continue;
    }
    const start = pos;
    while (pos < s.length && !isWhitespace(s[pos]) && !isSpecial(s[pos])) pos++;
    const word = s.slice(start, pos);
    items.push(hasToken(word) ? { tok: string2token[word], lit: word } : { tok: 'id', lit: word });
  }
}

// --- parser (selector.go Parser) ---

class ParseError extends Error {}

const binaryOperators = 'in, notin, =, ==, !=, gt, lt';

class Parser {
  private p = 0;
  constructor(private readonly items: Item[]) {}

  /** `values` context: in/notin are plain identifiers after an operator. */
  private look(values: boolean): Item {
    const it = this.items[Math.min(this.p, this.items.length - 1)];
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  private next(values: boolean): Item {
    const it = this.look(values);
    if (this.p < this.items.length - 1) this.p++;
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.look(true);
      if (tok === 'id' || tok === '!') {
        let r: Requirement;
        try {
          r = this.requirement();
        } catch (e) {
          if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
          throw e;
        }
        reqs.push(r);
        const t = this.next(true);
        if (t.tok === 'eos') return reqs;
        if (t.tok === ',') {
          const t2 = this.look(true);
          if (t2.tok !== 'id' && t2.tok !== '!') throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
        } else {
          throw new ParseError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === 'eos') {
        return reqs;
      } else {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private requirement(): Requirement {
    let op: Operator | undefined;
    let t = this.next(true);
    if (t.tok === '!') {
      op = '!';
      t = this.next(true);
    }
    if (t.tok !== 'id') throw new ParseError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyMsgs = isQualifiedName(key);
    if (keyMsgs.length) throw new ParseError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyMsgs.join('; ')}`);
    const la = this.look(true).tok;
    if (la === 'eos' || la === ',') op ??= 'exists';
    if (op === 'exists' || op === '!') return this.build(key, op, []);
    op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.values() : this.exactValue();
    return this.build(key, op, values);
  }

  private build(key: string, op: Operator, vals: string[]): Requirement {
    const errs = requirementErrors(key, op, vals, '');
    if (errs.length) throw new ParseError(aggregate(errs));
    return { key, operator: op, values: vals };
  }

  private operator(): Operator {
    const { tok, lit } = this.next(false);
    switch (tok) {
      case 'in':
        return 'in';
      case 'notin':
        return 'notin';
      case '=':
        return '=';
      case '==':
        return '==';
      case '!=':
        return '!=';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new ParseError(`found '${lit}', expected: ${binaryOperators}`);
    }
  }

  /** `(a,b)`; returns the sorted distinct set, as upstream's sets.String. */
  private values(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.look(true);
    if (tok === 'id' || tok === ',') {
      const s = this.identifiers();
      if (this.next(true).tok !== ')') throw new ParseError(`found '${lit}', expected: ')'`);
      return [...s].sort();
    }
    if (tok === ')') {
      this.next(true);
      return [''];
    }
    throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private identifiers(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.next(true);
      if (tok === 'id') {
        s.add(lit);
        const t2 = this.look(true);
        if (t2.tok === ',') continue;
        if (t2.tok === ')') return s;
        throw new ParseError(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (tok === ',') {
        if (s.size === 0) s.add('');
        const t2 = this.look(true);
        if (t2.tok === ')') {
          s.add('');
          return s;
        }
        if (t2.tok === ',') {
          this.next(true);
          s.add('');
        }
      } else {
        throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string[] {
    const la = this.look(true);
    if (la.tok === 'eos' || la.tok === ',') return [''];
    const t = this.next(true);
    if (t.tok === 'id') return [t.lit];
    throw new ParseError(`found '${t.lit}', expected: identifier`);
  }
}

/** Parses a `labelSelector` query string; throws a 400 BadRequest with upstream's message. */
export function parseSelector(s: string): Selector {
  try {
    return new RequirementsSelector(new Parser(lex(s)).parse());
  } catch (e) {
    if (e instanceof ParseError) throw badRequest(e.message);
    throw e;
  }
}

/** Parses like parseSelector but returns the requirements (for callers that inspect them). */
export function parseRequirements(s: string): readonly Requirement[] {
  const sel = parseSelector(s);
  return sel instanceof RequirementsSelector ? sel.requirements : [];
}

// --- metav1.LabelSelector ---

const selectorOps: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: nil matches nothing, `{}` matches everything. Throws a plain
 * Error (upstream returns one) for an unknown operator or invalid keys/values; objects that
 * passed validateLabelSelector never throw.
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls === null || ls === undefined) return nothing;
  const ml = Object.entries(ls.matchLabels ?? {});
  const me = ls.matchExpressions ?? [];
  if (ml.length + me.length === 0) return everything();
  const reqs: Requirement[] = [];
  const check = (key: string, op: Operator, vals: string[]): void => {
    const errs = requirementErrors(key, op, vals, '');
    if (errs.length) throw new Error(aggregate(errs));
    reqs.push({ key, operator: op, values: vals });
  };
  for (const [k, v] of ml) check(k, '=', [v]);
  for (const e of me) {
    const op = selectorOps[e.operator];
    if (!op) throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    check(e.key, op, [...(e.values ?? [])]);
  }
  return new RequirementsSelector(reqs);
}

/** metav1.FormatLabelSelector: `<none>` for an empty selector, `<error>` for an invalid one. */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  let s: string;
  try {
    s = selectorFromLabelSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return s.length === 0 ? '<none>' : s;
}

// --- validation (metav1 validation.go) ---

/** ValidateLabels: key and value errors all land on `field` itself, not on a keyed child. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(invalid(field, k, m));
    for (const m of isValidLabelValue(v)) errs.push(invalid(field, v, m));
  }
  return errs;
}

export function validateLabelSelectorRequirement(r: LabelSelectorRequirement, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${field}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${field}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(`${field}.operator`, r.operator, 'not a valid selector operator'));
  }
  for (const m of isQualifiedName(r.key)) errs.push(invalid(`${field}.key`, r.key, m));
  values.forEach((v, i) => {
    for (const m of isValidLabelValue(v)) errs.push(invalid(`${field}.values[${i}]`, v, m));
  });
  return errs;
}

export function validateLabelSelector(ls: LabelSelector | undefined, field: string): FieldError[] {
  if (!ls) return [];
  const errs = validateLabels(ls.matchLabels, `${field}.matchLabels`);
  (ls.matchExpressions ?? []).forEach((r, i) => errs.push(...validateLabelSelectorRequirement(r, `${field}.matchExpressions[${i}]`)));
  return errs;
}
