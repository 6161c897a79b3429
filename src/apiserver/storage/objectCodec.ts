// Objects are stored as JSON without metadata.resourceVersion: the store's modRevision is
// the resourceVersion, filled in on the way out (as upstream does with etcd's ModRevision).
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

export function encodeStored(info: ResourceInfo, obj: KubeObject): string {
  const conv = info.strategy.storage;
  const stored = conv ? conv.toStorage(obj) : obj;
  const { resourceVersion: _rv, selfLink: _sl, ...meta } = stored.metadata;
  return JSON.stringify({ ...stored, metadata: meta });
}

/** Deep copy of a JSON object. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Everything but metadata and status: what counts as "spec" for metadata.generation. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
