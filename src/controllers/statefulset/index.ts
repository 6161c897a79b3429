// The StatefulSet controller as the lead's wiring reads it: what it watches and how a change
// in each secondary resource maps to StatefulSet keys (upstream stateful_set.go's handlers).
import type { KubeObject } from '../../machinery/types.js';
import { specOf } from '../shared/meta.js';
import { getControllerOf } from '../shared/ownerRefs.js';
import { selectorOf } from '../shared/selectors.js';
import { decideStatefulSet } from './decide.js';
import { claimTemplateName, claimTemplates, parentAndOrdinal } from './identity.js';

export { decideStatefulSet, type StatefulSetObserved } from './decide.js';

const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/**
 * Pods: the controllerRef's StatefulSet; an orphan wakes every set in its namespace whose
 * selector matches it (so it can be adopted). On an update whose labels or controllerRef
 * changed, upstream also wakes the old owner: pass the old object too.
 */
export function statefulSetKeysForPod(pod: KubeObject, sets: readonly KubeObject[]): string[] {
  const ref = getControllerOf(pod);
  const inNs = sets.filter((s) => s.metadata.namespace === pod.metadata.namespace);
  if (ref) return ref.kind === 'StatefulSet' ? inNs.filter((s) => s.metadata.uid === ref.uid).map(key) : [];
  if (pod.metadata.deletionTimestamp) return [];
  return inNs.filter((s) => selectorOf(specOf(s).selector)?.matches(pod.metadata.labels ?? {}) === true).map(key);
}

/** ControllerRevisions: the controllerRef's StatefulSet (orphans wake selecting sets). */
export const statefulSetKeysForRevision = statefulSetKeysForPod;

/**
 * PersistentVolumeClaims (not watched upstream, which retries instead): a claim named
 * `<template>-<set>-<ordinal>` wakes that set, e.g. when a claim being deleted is gone.
 */
export function statefulSetKeysForClaim(claim: KubeObject, sets: readonly KubeObject[]): string[] {
  const { parent, ordinal } = parentAndOrdinal(claim);
  if (ordinal < 0) return [];
  return sets
    .filter((s) => s.metadata.namespace === claim.metadata.namespace)
    .filter((s) => claimTemplates(s).some((t) => parent === `${claimTemplateName(t)}-${s.metadata.name ?? ''}`))
    .map(key);
}

