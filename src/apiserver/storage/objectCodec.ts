// Objects are stored as JSON without metadata.resourceVersion: the store's modRevision is
// the resourceVersion, filled in on the way out (as upstream does with etcd's ModRevision).
import { isDeepStrictEqual } from 'node:util';
import { cloneJson } from '../../machinery/clone.js';
import type { KubeObject } from '../../machinery/types.js';
import type { KeyValue } from '../../store/types.js';
import type { ResourceInfo } from '../registry.js';

export function decodeStored(info: ResourceInfo, kv: KeyValue): KubeObject {
  let obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  const conv = info.strategy.storage;
  if (conv) obj = conv.fromStorage(obj);
  obj.apiVersion = info.apiVersion;
  obj.kind = info.strategy.kind;
  return obj;
}

/**
 * Stored text always starts `{"apiVersion":…,"kind":…,"metadata":{`, so lists and watches
 * can splice the resourceVersion in without parsing (see withResourceVersion).
 */
export function encodeStored(info: ResourceInfo, obj: KubeObject): string {
  const conv = info.strategy.storage;
  const stored = conv ? conv.toStorage(obj) : obj;
  const { resourceVersion: _rv, selfLink: _sl, ...meta } = stored.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = stored;
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
}

/**
 * Whether two stored texts hold the same object. Upstream skips a write whose encoding is
 * byte-identical to the stored one (GuaranteedUpdate); Go encodes fields in a fixed order,
 * but our JSON keeps insertion order, so the same object can come out with its keys in
 * another order (e.g. metadata.managedFields set before or after the store adds uid).
 * Same content means same length, so only equal-length texts are parsed and compared.
 */
export function sameStored(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  // The same object in another key order is the same characters rearranged; most equal-length
  // texts (a Lease renewal, a status with a new timestamp) differ in their characters, which
  // is cheaper to see than parsing both.
  if (sameCharacters(a, b) === false) return false;
  return isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
}

const charCounts = new Int32Array(128);

/** Whether two equal-length texts hold the same ASCII characters; undefined when not all ASCII. */
function sameCharacters(a: string, b: string): boolean | undefined {
  charCounts.fill(0);
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c >= 128) return undefined;
    charCounts[c]++;
  }
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c >= 128) return undefined;
    if (--charCounts[c] < 0) return false;
  }
  return true;
}

const prefixes = new WeakMap<ResourceInfo, string>();

/**
 * The object's JSON as served (resourceVersion included) straight from the stored text, or
 * undefined when the kind is converted on the way out or the text has another shape.
 */
export function withResourceVersion(info: ResourceInfo, kv: KeyValue): string | undefined {
  if (info.strategy.storage) return undefined;
  let prefix = prefixes.get(info);
  if (prefix === undefined) {
    prefix = `{"apiVersion":${JSON.stringify(info.apiVersion)},"kind":${JSON.stringify(info.strategy.kind)},"metadata":{`;
    prefixes.set(info, prefix);
  }
  if (!kv.value.startsWith(prefix)) return undefined;
  const rv = `"resourceVersion":"${kv.modRevision}"`;
  const rest = kv.value.slice(prefix.length);
  return prefix + rv + (rest.startsWith('}') ? '' : ',') + rest;
}

/** Deep copy of a JSON object. */
export function clone<T>(v: T): T {
  return cloneJson(v);
}

/** Everything but metadata and status: what counts as "spec" for metadata.generation. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
