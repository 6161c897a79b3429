// Field selectors (`?fieldSelector=`), as apimachinery pkg/fields/selector.go parses them:
// comma-separated `field=value`, `field==value`, `field!=value` terms, no whitespace
// trimming, and `\` escaping of `\`, `,` and `=` inside values.
import { badRequest } from './errors.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  readonly requirements: FieldRequirement[];
  readonly empty: boolean;
  /** `get` returns a field's value; a missing field compares as "" (as fields.Set.Get does). */
  matches(get: (field: string) => string | undefined): boolean;
  /** Upstream's String(): terms sorted, values re-escaped. */
  toString(): string;
}

/** fields.EscapeValue. */
export function escapeFieldValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue; throws with upstream's message on a bad escape or a bare `,`/`=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    // Upstream formats the rune with %v, which prints its code point.
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// `==` is tried before `=` so a double equals never leaves a leading `=` in the value.
const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | null {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return null;
}

class Terms implements FieldSelector {
  constructor(readonly requirements: FieldRequirement[]) {}
  get empty(): boolean {
    return this.requirements.length === 0;
  }
  matches(get: (field: string) => string | undefined): boolean {
    return this.requirements.every((r) => ((get(r.field) ?? '') === r.value) === (r.op === '='));
  }
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.op}${escapeFieldValue(r.value)}`).join(',');
  }
}

/** Parses a `fieldSelector` query string; throws a 400 BadRequest with upstream's message. */
export function parseFieldSelector(s: string): FieldSelector {
  // Upstream sorts the raw terms (byte order) before parsing.
  const parts = splitTerms(s).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    let value: string;
    try {
      value = unescapeFieldValue(t.rhs);
    } catch (e) {
      throw badRequest(e instanceof Error ? e.message : String(e));
    }
    reqs.push({ field: t.lhs, op: t.op === '!=' ? '!=' : '=', value });
  }
  return new Terms(reqs);
}

/** fields.SelectorFromSet / OneTermEqualSelector, for building selectors in code. */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  return new Terms(Object.keys(set).sort().map((field) => ({ field, op: '=', value: set[field] })));
}
