// Deployment arithmetic and bookkeeping (upstream pkg/controller/deployment/util/
// deployment_util.go and the ReplicaSet sort orders of pkg/controller/controller_utils.go),
// as functions over plain JSON objects. Mutating helpers say so and change only the copy
// they are given.
import { scaledValueFromIntOrPercent } from '../../machinery/intstr.js';
import type { KubeObject } from '../../machinery/types.js';
import { clone, compareByCreation, ensureRec, int, num, rec, semanticEqual, specOf, statusOf } from '../shared/meta.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_CONFIG_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
/** apps.DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** deployment_controller.go maxRevHistoryLengthInChars. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;
const MAX_INT32 = 2147483647;

/** Reasons of the Progressing and Available conditions (deployment/util). */
export const Reason = {
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  PausedDeploy: 'DeploymentPaused',
  ResumedDeploy: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

// --- spec readers ---

/** spec.replicas (defaulted to 1 by the API server, so absent reads as 1). */
export function replicasOf(obj: KubeObject): number {
  return num(specOf(obj).replicas) ?? 1;
}

export function setReplicas(obj: KubeObject, n: number): void {
  ensureRec(obj as Record<string, unknown>, 'spec').replicas = n;
}

function strategyOf(d: KubeObject): Record<string, unknown> {
  return rec(specOf(d).strategy) ?? {};
}

export function isRollingUpdate(d: KubeObject): boolean {
  return strategyOf(d).type === 'RollingUpdate';
}

export function isRecreate(d: KubeObject): boolean {
  return strategyOf(d).type === 'Recreate';
}

function intOrPercent(v: unknown): number | string {
  return typeof v === 'number' || typeof v === 'string' ? v : 0;
}

function scaled(v: unknown, total: number, roundUp: boolean): number {
  try {
    return scaledValueFromIntOrPercent(intOrPercent(v), total, roundUp);
  } catch {
    return 0; // validation rejects such values; upstream ignores the error here too
  }
}

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and when both come out
 * 0 maxUnavailable becomes 1 (surge might be impossible under quota).
 */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): { surge: number; unavailable: number } {
  const surge = scaled(maxSurge, desired, true);
  let unavailable = scaled(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function rollingUpdateOf(d: KubeObject): Record<string, unknown> {
  return rec(strategyOf(d).rollingUpdate) ?? {};
}

export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = rollingUpdateOf(d);
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicasOf(d)).surge;
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = rollingUpdateOf(d);
  return Math.min(resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicas).unavailable, replicas);
}

/** HasProgressDeadline: set and not MaxInt32. */
export function hasProgressDeadline(d: KubeObject): boolean {
  const v = num(specOf(d).progressDeadlineSeconds);
  return v !== undefined && v !== MAX_INT32;
}

export function hasRevisionHistoryLimit(d: KubeObject): boolean {
  const v = num(specOf(d).revisionHistoryLimit);
  return v !== undefined && v !== MAX_INT32;
}

// --- ReplicaSet sums ---

export const specReplicaSum = (rss: readonly KubeObject[]): number => rss.reduce((n, rs) => n + replicasOf(rs), 0);
export const actualReplicaSum = (rss: readonly KubeObject[]): number => rss.reduce((n, rs) => n + int(statusOf(rs), 'replicas'), 0);
export const readyReplicaSum = (rss: readonly KubeObject[]): number => rss.reduce((n, rs) => n + int(statusOf(rs), 'readyReplicas'), 0);
export const availableReplicaSum = (rss: readonly KubeObject[]): number => rss.reduce((n, rs) => n + int(statusOf(rs), 'availableReplicas'), 0);

/** controller.FilterActiveReplicaSets: spec.replicas > 0. */
export function filterActive(rss: readonly KubeObject[]): KubeObject[] {
  return rss.filter((rs) => replicasOf(rs) > 0);
}

// --- orders ---

function creationLess(a: KubeObject, b: KubeObject): boolean {
  return compareByCreation(a, b) < 0;
}

const cmp = (less: (a: KubeObject, b: KubeObject) => boolean) => (a: KubeObject, b: KubeObject): number =>
  less(a, b) ? -1 : less(b, a) ? 1 : 0;

/** ReplicaSetsByCreationTimestamp (name breaks ties). Returns a new array. */
export function byCreation(rss: readonly KubeObject[]): KubeObject[] {
  return [...rss].sort(cmp(creationLess));
}

/** ReplicaSetsBySizeOlder: larger first; among equals, older first. */
export function bySizeOlder(rss: readonly KubeObject[]): KubeObject[] {
  return [...rss].sort(cmp((a, b) => (replicasOf(a) === replicasOf(b) ? creationLess(a, b) : replicasOf(a) > replicasOf(b))));
}

/** ReplicaSetsBySizeNewer: larger first; among equals, newer first. */
export function bySizeNewer(rss: readonly KubeObject[]): KubeObject[] {
  return [...rss].sort(cmp((a, b) => (replicasOf(a) === replicasOf(b) ? creationLess(b, a) : replicasOf(a) > replicasOf(b))));
}

/** Revision(rs): 0 when absent, NaN when not an integer. */
export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number.parseInt(v, 10) : Number.NaN;
}

/** ReplicaSetsByRevision: by revision, by creation when either fails to parse or they tie. */
export function byRevision(rss: readonly KubeObject[]): KubeObject[] {
  return [...rss].sort(cmp((a, b) => {
    const ra = revisionOf(a);
    const rb = revisionOf(b);
    if (Number.isNaN(ra) || Number.isNaN(rb) || ra === rb) return creationLess(a, b);
    return ra < rb;
  }));
}

export function maxRevision(rss: readonly KubeObject[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (!Number.isNaN(v) && v > max) max = v;
  }
  return max;
}

// --- templates ---

function templateWithoutHash(t: unknown): unknown {
  const copy = clone(rec(t) ?? {});
  const labels = rec(rec(copy.metadata)?.labels);
  if (labels) delete labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** EqualIgnoreHash: semantic equality of two pod templates, pod-template-hash label aside. */
export function equalIgnoreHash(t1: unknown, t2: unknown): boolean {
  return semanticEqual(templateWithoutHash(t1), templateWithoutHash(t2));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the deployment's. */
export function findNewReplicaSet(d: KubeObject, rss: readonly KubeObject[]): KubeObject | undefined {
  const template = specOf(d).template;
  return byCreation(rss).find((rs) => equalIgnoreHash(specOf(rs).template, template));
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active. */
export function findActiveOrLatest(newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): KubeObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = byCreation(oldRSs).reverse();
  const active = filterActive(newRS ? [...newestFirst, newRS] : newestFirst);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

// --- annotations ---

function intAnnotation(obj: KubeObject, key: string): number | undefined {
  const v = obj.metadata.annotations?.[key];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number.parseInt(v, 10) : undefined;
}

export const desiredReplicasAnnotation = (rs: KubeObject): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: KubeObject): number | undefined => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

function annotationsOf(obj: KubeObject): Record<string, string> {
  obj.metadata.annotations ??= {};
  return obj.metadata.annotations;
}

/** Mutates `rs`. Returns whether anything changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = annotationsOf(rs);
  let updated = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    updated = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    updated = true;
  }
  return updated;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  return !a || a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

const annotationsToSkip = new Set([
  LAST_APPLIED_CONFIG_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION, DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

/**
 * SetNewReplicaSetAnnotations (mutates `rs`): copy the deployment's annotations (bar the
 * bookkeeping ones), raise the revision to `newRevision` when lower — recording the old one
 * in revision-history, as a rollback to this ReplicaSet does — and, for a ReplicaSet about
 * to be created, set desired/max replicas. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean): boolean {
  const a = annotationsOf(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[REVISION_ANNOTATION];
  let oldRevisionInt = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^[+-]?\d+$/.test(oldRevision)) return false;
    oldRevisionInt = Number.parseInt(oldRevision, 10);
  }
  if (oldRevisionInt < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
      const old = history.split(',');
      if (old[0].length === 0) {
        a[REVISION_HISTORY_ANNOTATION] = oldRevision;
      } else {
        let totalLen = history.length + oldRevision.length + 1;
        let start = 0;
        while (totalLen > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < old.length) {
          totalLen -= old[start].length + 1;
          start++;
        }
        if (totalLen <= MAX_REV_HISTORY_LENGTH_IN_CHARS) a[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** SetDeploymentRevision (mutates `d`). */
export function setDeploymentRevision(d: KubeObject, revision: string): boolean {
  const a = annotationsOf(d);
  if (a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}

// --- replica math ---

/** NewRSNewReplicas: how far the new ReplicaSet may grow now. */
export function newRSNewReplicas(d: KubeObject, allRSs: readonly KubeObject[], newRS: KubeObject): number {
  if (isRecreate(d)) return replicasOf(d);
  if (!isRollingUpdate(d)) return 0;
  const surge = scaled(rollingUpdateOf(d).maxSurge, replicasOf(d), true);
  const current = specReplicaSum(allRSs);
  const maxTotal = replicasOf(d) + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
}

/** IsSaturated: the new ReplicaSet runs the full, desired, available count. */
export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  const n = replicasOf(d);
  return replicasOf(rs) === n && desired === n && int(statusOf(rs), 'availableReplicas') === n;
}

/** k8s.io/utils/integer.RoundToInt32: half away from zero. */
const roundToInt = (x: number): number => (x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5));

function replicaSetFraction(rs: KubeObject, d: KubeObject): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentMaxReplicas = replicasOf(d) + maxSurge(d);
  // Without the annotation upstream falls back to the deployment's current size.
  const annotated = maxReplicasAnnotation(rs) ?? int(statusOf(d), 'replicas');
  if (annotated === 0) return 0;
  return roundToInt((replicasOf(rs) * deploymentMaxReplicas) / annotated) - replicasOf(rs);
}

/** GetReplicaSetProportion: this ReplicaSet's share of the replicas to add (or remove). */
export function replicaSetProportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

// --- progress predicates (status = the newly computed status) ---

export function deploymentComplete(d: KubeObject, status: Record<string, unknown>): boolean {
  const n = replicasOf(d);
  return int(status, 'updatedReplicas') === n && int(status, 'replicas') === n && int(status, 'availableReplicas') === n &&
    int(status, 'observedGeneration') >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: compared with the deployment's current status. */
export function deploymentProgressing(d: KubeObject, status: Record<string, unknown>): boolean {
  const old = statusOf(d);
  const oldOld = int(old, 'replicas') - int(old, 'updatedReplicas');
  const newOld = int(status, 'replicas') - int(status, 'updatedReplicas');
  return int(status, 'updatedReplicas') > int(old, 'updatedReplicas') || newOld < oldOld ||
    int(status, 'readyReplicas') > int(old, 'readyReplicas') || int(status, 'availableReplicas') > int(old, 'availableReplicas');
}

export function progressDeadlineMs(d: KubeObject): number {
  return (num(specOf(d).progressDeadlineSeconds) ?? 0) * 1000;
}
