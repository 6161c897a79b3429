// A StatefulSet's revision history (upstream stateful_set_control.go getStatefulSetRevisions
// and truncateHistory, stateful_set.go adoptOrphanRevisions): the update revision is the
// current template (reused when the newest revision already holds it, renumbered when an
// older one does — a rollback — created otherwise, bumping collisionCount on a name taken
// by different data); the current revision is status.currentRevision's, or the update one.
import type { KubeObject } from '../../machinery/types.js';
import type { Selector } from '../../machinery/labels.js';
import type { Action } from '../shared/actions.js';
import {
  CONTROLLER_REVISION, createRevisionAction, deleteRevisionAction, equalRevision, findEqualRevisions, newControllerRevision, nextRevision,
  ownedOrOrphanRevisions, revisionNumber, sameRevisionData, sortRevisions, templatePatch, updateRevisionNumberAction,
} from '../shared/history.js';
import { num, rec, specOf, statusOf, str, strMap } from '../shared/meta.js';
import { adoptPatch, getControllerOf } from '../shared/ownerRefs.js';
import { STATEFUL_SET, podRevision } from './identity.js';

export interface SetRevisions {
  current: KubeObject;
  update: KubeObject;
  collisionCount: number;
  /** The owned (and adopted) revisions as listed, sorted. */
  revisions: KubeObject[];
  /** Adoptions, then the create or renumbering of the update revision. */
  actions: Action[];
}

/** newRevision: the template patch, the template's labels and the set's annotations. */
function candidateRevision(set: KubeObject, revision: number, collisionCount: number): KubeObject {
  const labels = strMap(rec(rec(specOf(set).template)?.metadata)?.labels);
  const cr = newControllerRevision(set, STATEFUL_SET, labels, templatePatch(set), revision, collisionCount);
  const annotations = set.metadata.annotations ?? {};
  if (Object.keys(annotations).length) cr.metadata.annotations = { ...annotations };
  return cr;
}

export function statefulSetRevisions(set: KubeObject, allRevisions: readonly KubeObject[], selector: Selector): SetRevisions {
  const actions: Action[] = [];
  const listed = ownedOrOrphanRevisions(set, allRevisions, selector);
  for (const r of listed) if (!getControllerOf(r)) actions.push(adoptPatch(set, STATEFUL_SET, r, CONTROLLER_REVISION));
  const revisions = sortRevisions(listed);
  let collisionCount = num(statusOf(set).collisionCount) ?? 0;

  let update = candidateRevision(set, nextRevision(revisions), collisionCount);
  const equal = findEqualRevisions(revisions, update);
  const last = revisions[revisions.length - 1];
  if (equal.length > 0 && last !== undefined && equalRevision(last, equal[equal.length - 1])) {
    update = last;
  } else if (equal.length > 0) {
    const target = equal[equal.length - 1];
    actions.push(updateRevisionNumberAction(target, revisionNumber(update)));
    update = { ...target, revision: revisionNumber(update) };
  } else {
    // CreateControllerRevision: a name already taken by other data is a hash collision.
    const byName = new Map(allRevisions.filter((r) => r.metadata.namespace === set.metadata.namespace).map((r) => [r.metadata.name ?? '', r]));
    for (;;) {
      const taken = byName.get(update.metadata.name ?? '');
      if (!taken) {
        actions.push(createRevisionAction(update));
        break;
      }
      if (sameRevisionData(taken.data, update.data)) {
        update = taken;
        break;
      }
      collisionCount++;
      update = candidateRevision(set, revisionNumber(update), collisionCount);
    }
  }

  const currentName = str(statusOf(set).currentRevision);
  const current = revisions.find((r) => r.metadata.name === currentName) ?? update;
  return { current, update, collisionCount, revisions, actions };
}

/**
 * truncateHistory: revisions that are neither current, update, nor any pod's are history;
 * the oldest go until revisionHistoryLimit remain.
 */
export function truncateHistoryActions(set: KubeObject, pods: readonly KubeObject[], r: SetRevisions): Action[] {
  const live = new Set([r.current.metadata.name, r.update.metadata.name, ...pods.map(podRevision)]);
  const history = r.revisions.filter((cr) => !live.has(cr.metadata.name));
  const limit = num(specOf(set).revisionHistoryLimit) ?? 10;
  if (limit < 0 || history.length <= limit) return [];
  return history.slice(0, history.length - limit).map(deleteRevisionAction);
}
