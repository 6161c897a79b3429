// Finding or creating the deployment's new ReplicaSet and keeping revisions in step
// (upstream sync.go getAllReplicaSetsAndSyncRevision / getNewReplicaSet).
import type { KubeObject } from '../../machinery/types.js';
import { DEPLOYMENT, REPLICA_SET } from '../shared/actions.js';
import { computeHash } from '../shared/hash.js';
import { clone, ensureRec, int, num, rec, specOf, statusOf, strMap } from '../shared/meta.js';
import { isControlledBy, newControllerRef } from '../shared/ownerRefs.js';
import type { DeploymentSync } from './context.js';
import { PROGRESSING, deploymentCondition, newCondition, setDeploymentCondition } from './progress.js';
import {
  POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, Reason, equalIgnoreHash, findNewReplicaSet, hasProgressDeadline, maxRevision,
  newRSNewReplicas, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicas,
} from './util.js';

export interface RolloutSets {
  newRS?: KubeObject;
  /** Every other claimed ReplicaSet, scaled down or not. */
  oldRSs: KubeObject[];
}

/** labelsutil.CloneSelectorAndAddLabel. */
function selectorWithHash(selector: unknown, hash: string): Record<string, unknown> {
  const s = rec(selector) ?? {};
  const out: Record<string, unknown> = { matchLabels: { ...strMap(s.matchLabels), [POD_TEMPLATE_HASH_LABEL]: hash } };
  if (Array.isArray(s.matchExpressions)) out.matchExpressions = clone(s.matchExpressions);
  return out;
}

/** Copies the fields of `from` onto `to` so working-copy identity survives. */
function assignInto(to: KubeObject, from: KubeObject): void {
  to.metadata = from.metadata;
  to.spec = from.spec;
}

function syncExisting(ctx: DeploymentSync, existing: KubeObject, newRevision: number): KubeObject {
  const d = ctx.d;
  const copy = clone(existing);
  const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
  const minReadySeconds = int(specOf(d), 'minReadySeconds');
  if (annotationsUpdated || int(specOf(copy), 'minReadySeconds') !== minReadySeconds) {
    const spec = ensureRec(copy as Record<string, unknown>, 'spec');
    if (minReadySeconds) spec.minReadySeconds = minReadySeconds;
    else delete spec.minReadySeconds;
    assignInto(existing, copy);
    ctx.markUpdated(existing);
    return existing;
  }
  setDeploymentRevision(d, existing.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
  if (hasProgressDeadline(d) && !deploymentCondition(d, PROGRESSING)) {
    const msg = `Found new replica set "${existing.metadata.name ?? ''}"`;
    setDeploymentCondition(ctx, newCondition(PROGRESSING, 'True', Reason.FoundNewRS, msg, ctx.nowTime));
  }
  return existing;
}

function createNew(ctx: DeploymentSync, oldRSs: readonly KubeObject[], newRevision: number): KubeObject | undefined {
  const d = ctx.d;
  const spec = specOf(d);
  const collisionCount = num(statusOf(d).collisionCount);
  const template = clone(rec(spec.template) ?? {});
  const hash = computeHash(template, collisionCount);
  const templateMeta = ensureRec(template, 'metadata');
  const labels = { ...strMap(templateMeta.labels), [POD_TEMPLATE_HASH_LABEL]: hash };
  templateMeta.labels = labels;
  const name = `${d.metadata.name ?? ''}-${hash}`;
  const rs: KubeObject = {
    apiVersion: REPLICA_SET.apiVersion,
    kind: REPLICA_SET.kind,
    metadata: { name, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d, DEPLOYMENT)], labels: { ...labels } },
    spec: { replicas: 0, selector: selectorWithHash(spec.selector, hash), template },
  };
  const minReadySeconds = int(spec, 'minReadySeconds');
  if (minReadySeconds) (rs.spec as Record<string, unknown>).minReadySeconds = minReadySeconds;
  const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  setReplicas(rs, replicas);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  // The name is deterministic, so an existing ReplicaSet of that name is either ours (a stale
  // view upstream meets as AlreadyExists) or a hash collision: bump collisionCount, stop, and
  // let the status update's watch event bring the next sync with a new hash.
  const clash = ctx.namespaceReplicaSets.find((o) => o.metadata.name === name);
  if (clash) {
    if (isControlledBy(clash, d) && equalIgnoreHash(spec.template, specOf(clash).template)) {
      setDeploymentRevision(d, String(newRevision));
      return clone(clash);
    }
    ensureRec(d as Record<string, unknown>, 'status').collisionCount = (collisionCount ?? 0) + 1;
    ctx.stopped = true;
    return undefined;
  }

  const onSuccess = replicas > 0 ? [ctx.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`)] : [];
  const onFailure = [ctx.event('Warning', Reason.FailedRSCreate, `Failed to create new replica set "${name}": {{error}}`)];
  rs.metadata.creationTimestamp = ctx.nowTime; // sorts newest; dropped from the create itself
  ctx.markCreated(rs, onSuccess, onFailure);
  setDeploymentRevision(d, String(newRevision));
  if (hasProgressDeadline(d)) {
    setDeploymentCondition(ctx, newCondition(PROGRESSING, 'True', Reason.NewReplicaSet, `Created new replica set "${name}"`, ctx.nowTime));
  }
  return rs;
}

/**
 * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (its revision raised above the old
 * ones, created when asked and missing) and the old ones. Undefined when the sync must stop.
 */
export function getAllReplicaSetsAndSyncRevision(ctx: DeploymentSync, createIfNotExisted: boolean): RolloutSets | undefined {
  if (ctx.stopped) return undefined;
  const existing = findNewReplicaSet(ctx.d, ctx.rsList);
  const oldRSs = ctx.rsList.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) return { newRS: syncExisting(ctx, existing, newRevision), oldRSs };
  if (!createIfNotExisted) return { oldRSs };
  const newRS = createNew(ctx, oldRSs, newRevision);
  return ctx.stopped ? undefined : { newRS, oldRSs };
}
