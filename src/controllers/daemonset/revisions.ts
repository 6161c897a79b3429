// A DaemonSet's revision history (upstream daemon/update.go constructHistory, snapshot,
// dedupCurHistories, cleanupHistory). Unlike the StatefulSet, the name's hash is
// controller.ComputeHash of the template (with status.collisionCount), revisions carry the
// `controller-revision-hash` label, and pods are labelled with the bare hash.
import type { KubeObject } from '../../machinery/types.js';
import type { Selector } from '../../machinery/labels.js';
import { type Action, type Gvk, POD, type PatchAction, refOf } from '../shared/actions.js';
import { computeHash } from '../shared/hash.js';
import {
  CONTROLLER_REVISION, CONTROLLER_REVISION_HASH_LABEL, createRevisionAction, deleteRevisionAction, revisionNumber, sameRevisionData,
  templatePatch, updateRevisionNumberAction,
} from '../shared/history.js';
import { clone, num, rec, specOf, statusOf, strMap } from '../shared/meta.js';
import { claimObjects, newControllerRef } from '../shared/ownerRefs.js';

export const DAEMON_SET: Gvk = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

export interface DaemonSetHistory {
  /** The current revision's hash, the label new pods carry; undefined when blocked. */
  hash?: string;
  old: KubeObject[];
  actions: Action[];
  /** A hash collision: the status update bumping collisionCount (the sync stops there). */
  collision?: boolean;
}

const hashOf = (cr: KubeObject): string | undefined => cr.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];

/** snapshot's revision: labels = template labels + hash, the set's annotations, the patch. */
function snapshot(ds: KubeObject, hash: string, revision: number): KubeObject {
  const labels = { ...strMap(rec(rec(specOf(ds).template)?.metadata)?.labels), [CONTROLLER_REVISION_HASH_LABEL]: hash };
  const cr: KubeObject = {
    apiVersion: CONTROLLER_REVISION.apiVersion,
    kind: CONTROLLER_REVISION.kind,
    metadata: { name: `${ds.metadata.name ?? ''}-${hash}`, labels, ownerReferences: [newControllerRef(ds, DAEMON_SET)] },
    data: templatePatch(ds),
    revision,
  };
  if (ds.metadata.namespace !== undefined) cr.metadata.namespace = ds.metadata.namespace;
  const annotations = ds.metadata.annotations ?? {};
  if (Object.keys(annotations).length) cr.metadata.annotations = { ...annotations };
  return cr;
}

/**
 * constructHistory. `pods` are the DaemonSet's claimed pods (for dedup relabelling);
 * `revisions` every ControllerRevision in its namespace.
 */
export function constructHistory(ds: KubeObject, revisions: readonly KubeObject[], selector: Selector, pods: readonly KubeObject[]): DaemonSetHistory {
  const inNs = revisions.filter((r) => r.metadata.namespace === ds.metadata.namespace);
  const claim = claimObjects(ds, DAEMON_SET, inNs, CONTROLLER_REVISION, (r) => selector.matches(r.metadata.labels ?? {}));
  const actions: Action[] = [...claim.patches];
  const patch = templatePatch(ds);
  const current: KubeObject[] = [];
  const old: KubeObject[] = [];
  for (let history of claim.claimed) {
    if (hashOf(history) === undefined) {
      // Older revisions without the label get their name as the hash (no collision worries).
      const updated = { ...clone(history), apiVersion: CONTROLLER_REVISION.apiVersion, kind: CONTROLLER_REVISION.kind };
      updated.metadata.labels = { ...(updated.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: updated.metadata.name ?? '' };
      actions.push({ kind: 'update', object: updated });
      history = updated;
    }
    (sameRevisionData(history.data, patch) ? current : old).push(history);
  }
  const currRevision = Math.max(0, ...old.map(revisionNumber)) + 1;

  if (current.length === 0) {
    const collisionCount = num(statusOf(ds).collisionCount);
    const hash = computeHash(rec(specOf(ds).template) ?? {}, collisionCount);
    const cr = snapshot(ds, hash, currRevision);
    const taken = inNs.find((r) => r.metadata.name === cr.metadata.name);
    if (taken && !sameRevisionData(taken.data, patch)) {
      // A name collision between different histories: bump collisionCount and retry later.
      const status = { ...statusOf(ds), collisionCount: (collisionCount ?? 0) + 1 };
      actions.push({ kind: 'updateStatus', object: { ...clone(ds), apiVersion: DAEMON_SET.apiVersion, kind: DAEMON_SET.kind, status } });
      return { old, actions, collision: true };
    }
    if (taken) return { hash: hashOf(taken) ?? hash, old, actions };
    actions.push(createRevisionAction(cr));
    return { hash, old, actions };
  }

  // dedupCurHistories: keep the highest revision, relabel pods to its hash, delete the rest.
  let keep = current[0];
  for (const cr of current) if (revisionNumber(cr) >= revisionNumber(keep)) keep = cr;
  const keepHash = hashOf(keep) ?? '';
  if (current.length > 1) {
    for (const pod of pods) {
      if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === keepHash) continue;
      const relabel: PatchAction = { kind: 'patch', ref: refOf(pod, POD), patchType: 'merge', patch: { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: keepHash } } } };
      actions.push(relabel);
    }
    for (const cr of current) if (cr !== keep) actions.push(deleteRevisionAction(cr));
  }
  if (revisionNumber(keep) < currRevision) actions.push(updateRevisionNumberAction(keep, currRevision));
  return { hash: keepHash, old, actions };
}

/**
 * cleanupHistory: beyond revisionHistoryLimit, the oldest revisions no pod (deleted terminal
 * pods included) still carries are deleted.
 */
export function cleanupHistoryActions(ds: KubeObject, old: readonly KubeObject[], pods: readonly KubeObject[]): Action[] {
  let toKill = old.length - (num(specOf(ds).revisionHistoryLimit) ?? 10);
  if (toKill <= 0) return [];
  const live = new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).filter((h): h is string => Boolean(h)));
  const actions: Action[] = [];
  for (const cr of [...old].sort((a, b) => revisionNumber(a) - revisionNumber(b))) {
    if (toKill <= 0) break;
    const h = hashOf(cr);
    if (h !== undefined && live.has(h)) continue;
    actions.push(deleteRevisionAction(cr));
    toKill--;
  }
  return actions;
}
