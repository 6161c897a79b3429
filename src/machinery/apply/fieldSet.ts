// A set of field paths as a trie, like structured-merge-diff's fieldpath.Set: at each level,
// `members` are paths that end here and `children` lead to longer paths. A node can be both
// (an owned list item whose fields are owned too), which FieldsV1 writes as `".": {}`.
// Sets are treated as immutable once built; operations return new sets that may share
// untouched subtrees.
import { type Path, type PathElement, comparePE, deserializePE, serializePE } from './pathElement.js';
import { isPlainObject } from '../types.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

export class FieldSet {
  /** Keyed by the serialised path element, which is its identity. */
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds one path (parents are not added). Only for sets still being built. */
  insert(path: Path): void {
    // The empty path is the whole object; nobody owns that upstream.
    if (path.length === 0) return;
    let s: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) s = s.descend(path[i]);
    const last = path[path.length - 1];
    s.members.set(serializePE(last), last);
  }

  /** The child set under pe, created if missing. Only for sets still being built. */
  descend(pe: PathElement): FieldSet {
    const id = serializePE(pe);
    let c = this.children.get(id);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.children.set(id, c);
    }
    return c.set;
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let s: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && s; i++) s = s.children.get(serializePE(path[i]))?.set;
    return s ? s.members.has(serializePE(path[path.length - 1])) : false;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializePE(pe));
  }

  /** The paths under pe, without the prefix. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePE(pe))?.set ?? EMPTY;
  }

  /** Whether every path of this set is in o. */
  isSubsetOf(o: FieldSet): boolean {
    for (const k of this.members.keys()) if (!o.members.has(k)) return false;
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (oc ? !c.set.isSubsetOf(oc.set) : !c.set.isEmpty()) return false;
    }
    return true;
  }

  /** Whether some path is in both sets. */
  intersects(o: FieldSet): boolean {
    const [small, large] = o.members.size < this.members.size ? [o, this] : [this, o];
    for (const k of small.members.keys()) if (large.members.has(k)) return true;
    for (const [k, c] of o.children) {
      const tc = this.children.get(k);
      if (tc && tc.set.intersects(c.set)) return true;
    }
    return false;
  }

  union(o: FieldSet): FieldSet {
    // Sets are immutable once built, so an operation that changes nothing may return an
    // operand: a write that changes fields its manager already owns keeps the very set
    // decoded from the object (and its cached encoding).
    if (o.isSubsetOf(this)) return this;
    if (this.isSubsetOf(o)) return o;
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of o.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      out.children.set(k, oc ? { pe: c.pe, set: c.set.union(oc.set) } : c);
    }
    for (const [k, c] of o.children) if (!this.children.has(k)) out.children.set(k, c);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    // Looked up from the smaller side: a write's few changed fields against a large owned set.
    if (o.members.size < this.members.size) {
      for (const k of o.members.keys()) {
        const pe = this.members.get(k);
        if (pe) out.members.set(k, pe);
      }
    } else {
      for (const [k, pe] of this.members) if (o.members.has(k)) out.members.set(k, pe);
    }
    const small = o.children.size < this.children.size;
    for (const k of (small ? o.children : this.children).keys()) {
      const c = this.children.get(k);
      const oc = o.children.get(k);
      if (!c || !oc) continue;
      const r = c.set.intersection(oc.set);
      if (!r.isEmpty()) out.children.set(k, { pe: c.pe, set: r });
    }
    return out;
  }

  /** Leaf-wise difference: a parent minus its child keeps the parent; a child minus its parent stays. */
  difference(o: FieldSet): FieldSet {
    if (!this.intersects(o)) return this;
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      if (!oc) {
        out.children.set(k, c);
        continue;
      }
      const r = c.set.difference(oc.set);
      if (!r.isEmpty()) out.children.set(k, { pe: c.pe, set: r });
    }
    return out;
  }

  /** Like difference, but a member of o also removes everything beneath it. */
  recursiveDifference(o: FieldSet): FieldSet {
    if (o.isEmpty()) return this;
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const oc = o.children.get(k);
      if (!oc) {
        out.children.set(k, c);
        continue;
      }
      const r = c.set.recursiveDifference(oc.set);
      if (!r.isEmpty()) out.children.set(k, { pe: c.pe, set: r });
    }
    return out;
  }

  sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(comparePE);
  }

  sortedChildren(): Child[] {
    return [...this.children.values()].sort((a, b) => comparePE(a.pe, b.pe));
  }

  /** Every member path in upstream's Set.Iterate order: this level's members, then each child. */
  paths(prefix: Path = []): PathElement[][] {
    const out: PathElement[][] = this.sortedMembers().map((pe) => [...prefix, pe]);
    for (const c of this.sortedChildren()) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }
}

const EMPTY = new FieldSet();

/** The FieldsV1 JSON object for a set (serialize.go emitContentsV1). */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  return emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const members = set.sortedMembers();
  const children = set.sortedChildren().filter((c) => !c.set.isEmpty());
  if (includeSelf && (members.length > 0 || children.length > 0)) out['.'] = {};
  let mi = 0;
  let ci = 0;
  while (mi < members.length || ci < children.length) {
    const c = mi < members.length && ci < children.length ? comparePE(members[mi], children[ci].pe) : mi < members.length ? -1 : 1;
    if (c < 0) {
      out[serializePE(members[mi++])] = {};
    } else if (c > 0) {
      const child = children[ci++];
      out[serializePE(child.pe)] = emit(child.set, false);
    } else {
      const child = children[ci++];
      mi++;
      out[serializePE(child.pe)] = emit(child.set, true);
    }
  }
  return out;
}

/** Reads FieldsV1 (readIterV1): `{}` or `".": {}` marks membership; unknown prefixes are dropped. */
export function fromFieldsV1(obj: unknown): FieldSet {
  if (!isPlainObject(obj)) throw new Error('FieldsV1 must be a JSON object');
  return read(obj).children ?? new FieldSet();
}

function read(obj: Record<string, unknown>): { children?: FieldSet; isMember: boolean } {
  let children: FieldSet | undefined;
  let isMember = false;
  for (const [key, val] of Object.entries(obj)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    const pe = deserializePE(key);
    if (!pe) continue;
    if (!isPlainObject(val)) throw new Error(`FieldsV1 value for ${key} must be an object`);
    const sub = read(val);
    children ??= new FieldSet();
    // A field's key is already its identity; other kinds are re-serialised (k:/v: JSON may
    // come with another spacing or key order).
    const id = pe.kind === 'field' ? key : serializePE(pe);
    if (sub.isMember) children.members.set(id, pe);
    if (sub.children) {
      const existing = children.children.get(id);
      const set = existing ? existing.set.union(sub.children) : sub.children;
      children.children.set(id, { pe, set });
    }
  }
  if (!children) isMember = true;
  return { children, isMember };
}
