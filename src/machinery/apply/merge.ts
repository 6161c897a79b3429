// Merging an applied configuration into the live object (typed/merge.go with ruleKeepRHS):
// leaves take the applied value, granular maps merge key by key, keyed lists and sets merge
// item by item in upstream's order, atomic lists and maps are replaced. Nothing is removed
// here; removal of fields the applier gave up is pruning's job. An explicit null in the
// configuration clears the field (the typed round trip upstream turns null into absent).
import { isPlainObject } from '../types.js';
import { serializePE } from './pathElement.js';
import { type Atom, type TypeRef, atomOf, fieldType, indexList } from './typed.js';

/** lhs merged with rhs; undefined when nothing is left. */
export function mergeValues(lhs: unknown, rhs: unknown, tr: TypeRef): unknown {
  if (lhs === undefined && rhs === undefined) return undefined;
  let atom: Atom;
  if (rhs === undefined) atom = atomOf(tr, lhs);
  else if (lhs === undefined) atom = atomOf(tr, rhs);
  else {
    const al = atomOf(tr, lhs);
    atom = atomOf(tr, rhs);
    if (al.t !== atom.t) return leaf(lhs, rhs);
  }
  if (atom.t === 'scalar') return leaf(lhs, rhs);
  if (atom.t === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const r = Array.isArray(rhs) ? rhs : undefined;
    if (atom.atomic || ((!l || l.length === 0) && (!r || r.length === 0))) return leaf(lhs, rhs);
    return mergeList(atom, l ?? [], r ?? []);
  }
  const l = isPlainObject(lhs) ? lhs : undefined;
  const r = isPlainObject(rhs) ? rhs : undefined;
  if (atom.atomic || (isEmptyMap(l) && isEmptyMap(r))) return leaf(lhs, rhs);
  const out: Record<string, unknown> = {};
  for (const [k, lv] of Object.entries(l ?? {})) {
    if (lv === undefined) continue;
    const m = mergeValues(lv, r?.[k], fieldType(atom, k));
    if (m !== undefined) out[k] = m;
  }
  for (const [k, rv] of Object.entries(r ?? {})) {
    if (rv === undefined || (l && l[k] !== undefined)) continue;
    const m = mergeValues(undefined, rv, fieldType(atom, k));
    if (m !== undefined) out[k] = m;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function isEmptyMap(m: Record<string, unknown> | undefined): boolean {
  return !m || Object.keys(m).length === 0;
}

function leaf(lhs: unknown, rhs: unknown): unknown {
  if (rhs === null) return undefined;
  return rhs !== undefined ? rhs : lhs;
}

/**
 * Item order as upstream's visitListItems: live order is kept, except that items both sides
 * share follow the applied order, and new applied items slot in where they appear there.
 */
function mergeList(atom: Atom & { t: 'list' }, lhs: readonly unknown[], rhs: readonly unknown[]): unknown {
  const lItems = indexList(atom, lhs);
  const rItems = indexList(atom, rhs);
  const lhsById = new Map(lItems.map((x) => [serializePE(x.pe), x.item]));
  const rhsById = new Map(rItems.map((x) => [serializePE(x.pe), x.item]));
  const lIds = lItems.map((x) => serializePE(x.pe));
  const rIds = rItems.map((x) => serializePE(x.pe));
  const shared = rIds.filter((id) => lhsById.has(id));
  let nextShared = shared.shift();
  const mergedRHS = new Set<string>();
  const out: unknown[] = [];
  const push = (l: unknown, r: unknown): void => {
    const m = mergeValues(l, r, atom.elem);
    if (m !== undefined) out.push(m);
  };
  let lI = 0;
  let rI = 0;
  while (lI < lIds.length || rI < rIds.length) {
    if (lI < lIds.length && rI < rIds.length) {
      const id = lIds[lI];
      if (id === rIds[rI]) {
        mergedRHS.add(id);
        push(lItems[lI].item, rhsById.get(id));
        lI++;
        rI++;
        nextShared = shared.shift();
        continue;
      }
      if (rhsById.has(id) && nextShared !== undefined && nextShared !== id) {
        lI++;
        continue;
      }
    }
    if (lI < lIds.length) {
      const id = lIds[lI];
      if (!rhsById.has(id)) {
        push(lItems[lI].item, undefined);
        lI++;
        continue;
      }
      if (mergedRHS.has(id)) {
        lI++;
        continue;
      }
    }
    if (rI < rIds.length) {
      const id = rIds[rI];
      mergedRHS.add(id);
      push(lhsById.get(id), rItems[rI].item);
      rI++;
      if (nextShared === id) nextShared = shared.shift();
    }
  }
  return out.length > 0 ? out : undefined;
}
