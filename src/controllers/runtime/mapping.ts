// How a change to a dependent object maps to the keys of the controllers that care about
// it: its controller ownerReference, or — for orphans — every owner whose selector matches
// (so the owner can adopt it), as upstream's controllers enqueue.
import type { KubeObject } from '../../machinery/types.js';
import { getControllerOf } from '../shared/ownerRefs.js';
import { selectorOf } from '../shared/selectors.js';
import type { SharedInformer } from '../../client/informer.js';

export function ownerKeys(obj: KubeObject, ownerKind: string, owners: SharedInformer): string[] {
  const ns = obj.metadata.namespace ?? '';
  const ref = getControllerOf(obj);
  if (ref) return ref.kind === ownerKind ? [`${ns}/${ref.name}`] : [];
  const labels = obj.metadata.labels ?? {};
  return owners
    .listInNamespace(ns)
    .filter((o) => selectorOf((o.spec as { selector?: unknown } | undefined)?.selector)?.matches(labels))
    .map((o) => `${ns}/${o.metadata.name}`);
}

/** The controller owner of `obj`'s controller owner (pod → ReplicaSet → Deployment). */
export function grandOwnerKeys(obj: KubeObject, parentKind: string, parents: SharedInformer, ownerKind: string): string[] {
  const ns = obj.metadata.namespace ?? '';
  const ref = getControllerOf(obj);
  if (!ref || ref.kind !== parentKind) return [];
  const parent = parents.get(`${ns}/${ref.name}`);
  if (!parent) return [];
  const pref = getControllerOf(parent);
  return pref && pref.kind === ownerKind ? [`${ns}/${pref.name}`] : [];
}
