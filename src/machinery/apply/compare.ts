// Which fields differ between two versions of an object (TypedValue.Compare): leaves are
// added, modified or removed; a map, struct or list item that appears or disappears as a
// whole is also recorded itself, which is where the `".": {}` of Update entries comes from.
import { isPlainObject } from '../types.js';
import { FieldSet } from './fieldSet.js';
import { type Path, fieldPE, serializePE, valuesEqual } from './pathElement.js';
import { type Atom, type TypeRef, atomOf, fieldType, indexList, isNamedField, requiredFields } from './typed.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export interface CompareOptions {
  /**
   * lhs stands for a freshly created, empty object. Upstream that is a Go zero value, whose
   * struct fields exist (empty) all the way down and required slices are null; treating
   * absent structs reached through struct fields as empty (and required lists as null) keeps
   * `".": {}` off `f:spec`, `f:template`, `f:containers` and friends, as there.
   */
  emptyLhs?: boolean;
}

export function compareObjects(lhs: unknown, rhs: unknown, tr: TypeRef, opts: CompareOptions = {}): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walk(lhs, rhs, tr, [], c, opts.emptyLhs ?? false);
  return c;
}

/** The comparison without the given fields (and everything beneath them). */
export function excludeFields(c: Comparison, ignored: FieldSet): Comparison {
  if (ignored.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

/** Map levels (from the root) whose equal fields are skipped without walking them. */
const maxSkipDepth = 3;

function walk(l: unknown, r: unknown, tr: TypeRef, path: Path, c: Comparison, skeleton: boolean): void {
  if (l === undefined && r === undefined) return;
  if (skeleton && l === undefined) {
    const a = atomOf(tr, r);
    if (a.t === 'map' && a.fields && !a.atomic && isPlainObject(r)) {
      if (Object.keys(r).length === 0) {
        c.added.insert(path);
        return;
      }
      l = {};
    }
  }
  let atom: Atom;
  if (r === undefined) atom = atomOf(tr, l);
  else if (l === undefined) atom = atomOf(tr, r);
  else {
    atom = atomOf(tr, r);
    if (atomOf(tr, l).t !== atom.t) return leaf(l, r, path, c);
  }
  if (atom.t === 'scalar') return leaf(l, r, path, c);
  if (atom.t === 'list') {
    const la = Array.isArray(l) ? l : undefined;
    const ra = Array.isArray(r) ? r : undefined;
    if (atom.atomic || ((!la || la.length === 0) && (!ra || ra.length === 0))) return leaf(l, r, path, c);
    const lItems = new Map(indexList(atom, la ?? []).map((x) => [serializePE(x.pe), x]));
    const rItems = new Map(indexList(atom, ra ?? []).map((x) => [serializePE(x.pe), x]));
    for (const [id, x] of lItems) walk(x.item, rItems.get(id)?.item, atom.elem, [...path, x.pe], c, false);
    for (const [id, x] of rItems) if (!lItems.has(id)) walk(undefined, x.item, atom.elem, [...path, x.pe], c, false);
  } else {
    const lm = isPlainObject(l) ? l : undefined;
    const rm = isPlainObject(r) ? r : undefined;
    if (atom.atomic || (isEmptyMap(lm) && isEmptyMap(rm))) return leaf(l, r, path, c);
    for (const k in lm) {
      const lv = lm[k];
      if (lv === undefined) continue;
      const rv = rm?.[k];
      // Equal subtrees add nothing to any of the three sets: near the root (metadata, spec,
      // status and their fields) a schema-free equality test skips them, so a status write
      // does not walk the whole spec. Deeper down the walk itself is as cheap.
      if (!skeleton && path.length < maxSkipDepth && valuesEqual(lv, rv)) continue;
      walk(lv, rv, fieldType(atom, k), [...path, fieldPE(k)], c, skeleton && isNamedField(atom, k));
    }
    const required = skeleton ? requiredFields(tr) : [];
    for (const k in rm) {
      const rv = rm[k];
      if (rv === undefined || (lm && lm[k] !== undefined)) continue;
      const named = skeleton && isNamedField(atom, k);
      // In a Go zero value a required (non-omitempty) slice or map is present as null.
      const zero = named && required.includes(k) && (Array.isArray(rv) || atomOf(fieldType(atom, k), rv).t === 'map') ? null : undefined;
      walk(zero, rv, fieldType(atom, k), [...path, fieldPE(k)], c, named);
    }
  }
  // A container that appeared or vanished as a whole is itself added or removed.
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

function isEmptyMap(m: Record<string, unknown> | undefined): boolean {
  for (const _ in m) return false;
  return true;
}

function leaf(l: unknown, r: unknown, path: Path, c: Comparison): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!valuesEqual(l, r)) c.modified.insert(path);
}
