// The scale subresource: an autoscaling/v1 Scale view of a workload's replicas.
import { badRequest } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import { isPlainObject, type KubeObject } from '../../machinery/types.js';
import type { ResourceInfo } from '../registry.js';

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

export function scaleOf(info: ResourceInfo, obj: KubeObject): KubeObject {
  const spec = info.strategy.scale!;
  const m = obj.metadata;
  const selector = getPath(obj, spec.selectorPath);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(obj, spec.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(getPath(obj, spec.statusReplicasPath) ?? 0),
      selector: isPlainObject(selector) ? selectorFromLabelSelector(selector as LabelSelector).toString() : '',
    },
  };
}

/** The workload with the Scale's spec.replicas applied (and its resourceVersion as precondition). */
export function withScale(info: ResourceInfo, obj: KubeObject, scale: Record<string, unknown>): KubeObject {
  const spec = isPlainObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) throw badRequest('Scale.spec.replicas must be an integer');
  const out: KubeObject = structuredClone(obj);
  setPath(out, info.strategy.scale!.specReplicasPath, replicas);
  const meta = isPlainObject(scale.metadata) ? scale.metadata : {};
  out.metadata.resourceVersion = typeof meta.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined;
  return out;
}
