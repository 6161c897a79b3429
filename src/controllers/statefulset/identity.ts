// A StatefulSet pod's identity and storage (upstream statefulset/stateful_set_utils.go):
// ordinal names `<set>-<i>`, the pod-name / pod-index / controller-revision-hash labels,
// hostname and subdomain, the claims `<template>-<set>-<i>` and the volumes that use them,
// and the pod predicates the control loop reads.
import type { KubeObject } from '../../machinery/types.js';
import { POD, type Gvk } from '../shared/actions.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../shared/history.js';
import { clone, int, num, rec, recs, specOf, str, strMap } from '../shared/meta.js';
import { newControllerRef } from '../shared/ownerRefs.js';
import { isPodAvailable, isPodReady, podPhase } from '../shared/pods.js';
import { podFromTemplate } from '../replicaset/podTemplate.js';

export const STATEFUL_SET: Gvk = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
export const PVC: Gvk = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
export { POD };

/** apps.StatefulSetPodNameLabel. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** apps.PodIndexLabel (PodIndexLabel, GA in 1.32). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const statefulPodRe = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: the parent name and ordinal in a pod name, or ordinal -1. */
export function parentAndOrdinal(pod: KubeObject): { parent: string; ordinal: number } {
  const m = statefulPodRe.exec(pod.metadata.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  // strconv.ParseInt(…, 10, 32): out of int32 range is a parse error.
  return { parent: m[1], ordinal: n <= 2147483647 ? n : -1 };
}

export function ordinalOf(pod: KubeObject): number {
  return parentAndOrdinal(pod).ordinal;
}

export function replicasOf(set: KubeObject): number {
  return num(specOf(set).replicas) ?? 1;
}

/** getStartOrdinal: spec.ordinals.start, or 0. */
export function startOrdinal(set: KubeObject): number {
  return int(rec(specOf(set).ordinals) ?? {}, 'start');
}

export function endOrdinal(set: KubeObject): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

export function podInOrdinalRange(pod: KubeObject, set: KubeObject): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name ?? ''}-${ordinal}`;
}

export function claimTemplates(set: KubeObject): Record<string, unknown>[] {
  return recs(specOf(set).volumeClaimTemplates);
}

export function claimTemplateName(template: Record<string, unknown>): string {
  return str(rec(template.metadata)?.name) ?? '';
}

/** getPersistentVolumeClaimName. */
export function claimName(set: KubeObject, template: Record<string, unknown>, ordinal: number): string {
  return `${claimTemplateName(template)}-${set.metadata.name ?? ''}-${ordinal}`;
}

/** isMemberOf: the pod's name parses to this set's name. */
export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

/** identityMatches. */
export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  const labels = pod.metadata.labels ?? {};
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace && labels[POD_NAME_LABEL] === pod.metadata.name &&
    labels[POD_INDEX_LABEL] === String(ordinal);
}

function claimVolumeName(volume: Record<string, unknown>): string | undefined {
  return str(rec(volume.persistentVolumeClaim)?.claimName);
}

/** storageMatches: every claim template has a volume of its name using the pod's claim. */
export function storageMatches(set: KubeObject, pod: KubeObject): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map(recs(specOf(pod).volumes).map((v) => [str(v.name) ?? '', v]));
  return claimTemplates(set).every((t) => {
    const v = volumes.get(claimTemplateName(t));
    return v !== undefined && claimVolumeName(v) === claimName(set, t, ordinal);
  });
}

/**
 * getPersistentVolumeClaims: the pod's claims in template order — the template with the
 * pod's claim name, the set's namespace and the template's labels plus the selector's
 * matchLabels.
 */
export function claimsForOrdinal(set: KubeObject, ordinal: number): { template: string; claim: KubeObject }[] {
  const matchLabels = strMap(rec(specOf(set).selector)?.matchLabels);
  return claimTemplates(set).map((t) => {
    const meta = clone(rec(t.metadata) ?? {});
    const claim: KubeObject = {
      apiVersion: PVC.apiVersion,
      kind: PVC.kind,
      metadata: { ...meta, name: claimName(set, t, ordinal) },
      spec: clone(rec(t.spec) ?? {}),
    };
    if (set.metadata.namespace !== undefined) claim.metadata.namespace = set.metadata.namespace;
    const labels = { ...strMap(meta.labels), ...matchLabels };
    if (Object.keys(labels).length) claim.metadata.labels = labels;
    else delete claim.metadata.labels;
    return { template: claimTemplateName(t), claim };
  });
}

/** updateStorage: claim volumes first (template order), then the pod's other volumes. */
export function updateStorage(set: KubeObject, pod: KubeObject): void {
  const spec = rec(pod.spec) ?? {};
  const claims = claimsForOrdinal(set, ordinalOf(pod));
  const names = new Set(claims.map((c) => c.template));
  const volumes: Record<string, unknown>[] = claims.map((c) => ({ name: c.template, persistentVolumeClaim: { claimName: c.claim.metadata.name } }));
  for (const v of recs(spec.volumes)) if (!names.has(str(v.name) ?? '')) volumes.push(v);
  if (volumes.length) spec.volumes = volumes;
  pod.spec = spec;
}

/** updateIdentity: name, namespace and the pod-name / pod-index labels. */
export function updateIdentity(set: KubeObject, pod: KubeObject): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  if (set.metadata.namespace !== undefined) pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/**
 * newStatefulSetPod + setPodRevision: GetPodFromTemplate (generateName `<set>-` stays, as
 * upstream leaves it), the ordinal name, identity, hostname/subdomain (set only at
 * creation: they are immutable), the claim volumes, and the revision label.
 */
export function newStatefulSetPod(set: KubeObject, template: Record<string, unknown>, ordinal: number, revision: string): KubeObject {
  const pod = podFromTemplate(set, template, newControllerRef(set, STATEFUL_SET));
  pod.metadata.name = podName(set, ordinal);
  updateIdentity(set, pod);
  const spec = rec(pod.spec) ?? {};
  spec.hostname = pod.metadata.name;
  const serviceName = str(specOf(set).serviceName);
  if (serviceName) spec.subdomain = serviceName;
  pod.spec = spec;
  updateStorage(set, pod);
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: revision };
  return pod;
}

export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
}

/** isCreated: the API server has it (a phase is set). Placeholders have no status. */
export function isCreated(pod: KubeObject): boolean {
  return podPhase(pod) !== '';
}

export function isTerminating(pod: KubeObject): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

export function isRunningAndReady(pod: KubeObject): boolean {
  return podPhase(pod) === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  return isPodAvailable(pod, minReadySeconds, now);
}

/** isUnavailable: not available, or terminating. */
export function isUnavailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  return !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod);
}
