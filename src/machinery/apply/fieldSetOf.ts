// Walks between objects and field sets with the schema: which fields an object sets
// (typed/tofieldset.go), removing a set of fields from an object (typed/remove.go), and
// widening a set so named struct fields count as owned (Set.EnsureNamedFieldsAreMembers).
import { isPlainObject } from '../types.js';
import { FieldSet } from './fieldSet.js';
import { type Path, type PathElement, fieldPE } from './pathElement.js';
import { type TypeRef, atomOf, fieldType, indexList, isNamedField, listItemPE } from './typed.js';

/**
 * Every leaf field the object sets, plus each item of a granular list and each entry of a
 * map (not struct fields, which are implied by their children). Atomic lists and maps are
 * leaves; empty granular maps and lists contribute nothing.
 */
export function toFieldSet(value: unknown, tr: TypeRef): FieldSet {
  const set = new FieldSet();
  walk(value, tr, [], set);
  return set;
}

function walk(v: unknown, tr: TypeRef, path: Path, set: FieldSet): void {
  const a = atomOf(tr, v);
  if (a.t === 'scalar') {
    set.insert(path);
    return;
  }
  if (a.atomic) {
    set.insert(path);
    return;
  }
  if (a.t === 'list') {
    if (!Array.isArray(v)) return;
    for (const { pe, item } of indexList(a, v)) {
      const p = [...path, pe];
      walk(item, a.elem, p, set);
      set.insert(p);
    }
    return;
  }
  if (!isPlainObject(v)) return;
  for (const [k, cv] of Object.entries(v)) {
    if (cv === undefined) continue;
    const p = [...path, fieldPE(k)];
    walk(cv, fieldType(a, k), p, set);
    if (!isNamedField(a, k)) set.insert(p);
  }
}

/**
 * The object without the fields in `set`: a member removes the whole field or item, a child
 * set recurses. Containers left empty disappear (upstream leaves null there, which the typed
 * round trip turns into an absent field). Undefined means nothing is left.
 */
export function removeItems(v: unknown, set: FieldSet, tr: TypeRef): unknown {
  const a = atomOf(tr, v);
  if (a.t === 'scalar') return v;
  if (a.t === 'list') {
    if (!Array.isArray(v) || v.length === 0 || a.atomic) return undefined;
    const out: unknown[] = [];
    v.forEach((item, i) => {
      const r = listItemPE(a, item);
      const pe: PathElement = typeof r === 'string' ? { kind: 'index', index: i } : r;
      if (set.hasMember(pe)) return;
      const sub = set.withPrefix(pe);
      const kept = sub.isEmpty() ? item : removeItems(item, sub, a.elem);
      if (kept !== undefined) out.push(kept);
    });
    return out.length > 0 ? out : undefined;
  }
  if (!isPlainObject(v) || Object.keys(v).length === 0 || a.atomic) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, cv] of Object.entries(v)) {
    if (cv === undefined) continue;
    const pe = fieldPE(k);
    if (set.hasMember(pe)) continue;
    const sub = set.withPrefix(pe);
    const kept = sub.isEmpty() ? cv : removeItems(cv, sub, fieldType(a, k));
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The set plus, as members, every named struct field that has owned fields beneath it. */
export function ensureNamedFieldsAreMembers(set: FieldSet, tr: TypeRef): FieldSet {
  const a = atomOf(tr, undefined);
  const out = new FieldSet();
  for (const [k, pe] of set.members) out.members.set(k, pe);
  for (const [k, c] of set.children) {
    let childType: TypeRef = { reg: tr.reg, node: undefined };
    if (c.pe.kind === 'field' && a.t === 'map') {
      if (isNamedField(a, c.pe.name)) out.members.set(k, c.pe);
      childType = fieldType(a, c.pe.name);
    } else if (c.pe.kind === 'key' && a.t === 'list') {
      childType = a.elem;
    }
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, childType) });
  }
  return out;
}
