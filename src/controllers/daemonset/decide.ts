// The DaemonSet controller's decision (upstream pkg/controller/daemon/daemon_controller.go
// syncDaemonSet / manage / podsShouldBeOnNode / syncNodes and update.go), without
// expectations: the observed state is assumed fresh, and the rolling update runs only in a
// sync where manage() had nothing to create or delete (upstream's expectations gate).
//
// Output order: revision adoptions/labels/create/renumbering, pod adoptions/releases, the
// status update, failed-pod Events, pod deletes, pod creates (slow-start batches), the
// rolling update's writes, history clean-up, a requeue. Status goes before the pod writes
// so that a failing write (which stops the list) leaves it recorded, as upstream writes
// status even when the update failed. Deletes go before creates so a failing create (quota)
// cannot hold back deletions, which upstream runs regardless of create failures.
//
// Not modelled: the failed-pod back-off (1 s doubling to 15 min per node): a failed daemon
// pod is deleted as soon as it is seen.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type CreateAction, type DeleteAction, type LastFailure, POD, eventFor, refOf } from '../shared/actions.js';
import { clone, int, specOf } from '../shared/meta.js';
import { claimObjects, newControllerRef } from '../shared/ownerRefs.js';
import { isPodAvailable, isPodReady, podPhase } from '../shared/pods.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../shared/history.js';
import { isEmptyLabelSelector, selectorOf } from '../shared/selectors.js';
import { podFromTemplate, slowStartBatches } from '../replicaset/podTemplate.js';
import { nodeShouldRunDaemonPod } from './nodeEligibility.js';
import { createPodTemplate, pinToNode, targetNodeName, templateGeneration } from './podTemplate.js';
import { DAEMON_SET, cleanupHistoryActions, constructHistory } from './revisions.js';
import { allowsSurge, rollingUpdatePlan } from './rollingUpdate.js';
import { byCreationAndPhase, countDaemonPods, daemonSetStatus, daemonSetStatusUnchanged } from './status.js';

/** kube-controller-manager's DaemonSet BurstReplicas: creates or deletes per sync. */
export const DAEMONSET_BURST_REPLICAS = 250;

export interface DaemonSetObserved {
  daemonSet: KubeObject;
  /** Every node. */
  nodes: readonly KubeObject[];
  /** Every pod in the DaemonSet's namespace. */
  pods: readonly KubeObject[];
  /** Every ControllerRevision in the DaemonSet's namespace. */
  revisions: readonly KubeObject[];
  /** Reported by the loop; the DaemonSet controller keeps no state from it. */
  lastFailure?: LastFailure;
}

const isTerminal = (p: KubeObject): boolean => podPhase(p) === 'Succeeded' || podPhase(p) === 'Failed';

/** getNodesToDaemonPods: claimed pods by target node; deleted terminal pods only if asked. */
function groupByNode(pods: readonly KubeObject[], includeDeletedTerminal: boolean): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const pod of pods) {
    if (!includeDeletedTerminal && isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    out.set(node, [...(out.get(node) ?? []), pod]);
  }
  return out;
}

interface NodePlan {
  create: string[];
  delete: KubeObject[];
  events: Action[];
}

/** podsShouldBeOnNode. */
function podsShouldBeOnNode(ds: KubeObject, node: KubeObject, pods: readonly KubeObject[] | undefined, hash: string, now: number, plan: NodePlan): void {
  const nodeName = node.metadata.name ?? '';
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  if (shouldRun && pods === undefined) {
    plan.create.push(nodeName);
    return;
  }
  if (!shouldContinueRunning) {
    for (const pod of pods ?? []) if (!pod.metadata.deletionTimestamp) plan.delete.push(pod);
    return;
  }
  const running: KubeObject[] = [];
  for (const pod of pods ?? []) {
    if (pod.metadata.deletionTimestamp) continue;
    const where = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${nodeName}`;
    if (podPhase(pod) === 'Failed') {
      plan.events.push({ kind: 'event', event: eventFor(ds, DAEMON_SET, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${where}, will try to kill it`) });
      plan.delete.push(pod);
    } else if (podPhase(pod) === 'Succeeded') {
      plan.events.push({ kind: 'event', event: eventFor(ds, DAEMON_SET, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${where}, will try to delete it`) });
      plan.delete.push(pod);
    } else {
      running.push(pod);
    }
  }
  running.sort(byCreationAndPhase);
  if (!allowsSurge(ds)) {
    // More than one running pod: keep the oldest.
    plan.delete.push(...running.slice(1));
    return;
  }
  if (running.length <= 1) {
    if (running.length === 0 && shouldRun) plan.create.push(nodeName);
    return;
  }
  // Surging: keep the oldest new and the oldest old pod; the old one goes when it is not
  // ready, or when the new one is available.
  const minReady = int(specOf(ds), 'minReadySeconds');
  let oldestNew: KubeObject | undefined;
  let oldestOld: KubeObject | undefined;
  for (const pod of running) {
    const isNew = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
    if (isNew && !oldestNew) oldestNew = pod;
    else if (!isNew && !oldestOld) oldestOld = pod;
    else plan.delete.push(pod);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now)) plan.delete.push(oldestOld);
  }
}

function deleteActions(ds: KubeObject, pods: readonly KubeObject[]): DeleteAction[] {
  return pods.slice(0, DAEMONSET_BURST_REPLICAS).map((pod) => ({
    kind: 'delete',
    ref: refOf(pod, POD),
    onSuccess: [eventFor(ds, DAEMON_SET, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`)],
    onFailure: [eventFor(ds, DAEMON_SET, 'Warning', 'FailedDelete', 'Error deleting: {{error}}')],
    tolerate: ['NotFound'],
  }));
}

function createActions(ds: KubeObject, nodeNames: readonly string[], hash: string): CreateAction[] {
  const template = createPodTemplate(ds, hash);
  const ref = newControllerRef(ds, DAEMON_SET);
  const targets = nodeNames.slice(0, DAEMONSET_BURST_REPLICAS);
  const actions: CreateAction[] = [];
  let i = 0;
  slowStartBatches(targets.length).forEach((size, batch) => {
    for (let k = 0; k < size; k++, i++) {
      const t = clone(template);
      const spec = (t.spec ?? {}) as Record<string, unknown>;
      pinToNode(spec, targets[i]);
      t.spec = spec;
      actions.push({
        kind: 'create',
        object: podFromTemplate(ds, t, ref),
        batch,
        onSuccess: [eventFor(ds, DAEMON_SET, 'Normal', 'SuccessfulCreate', 'Created pod: {{name}}')],
        onFailure: [eventFor(ds, DAEMON_SET, 'Warning', 'FailedCreate', 'Error creating: {{error}}')],
      });
    }
  });
  return actions;
}

export function decideDaemonSet(observed: DaemonSetObserved, now: number): Action[] {
  const ds = observed.daemonSet;
  const spec = specOf(ds);
  if (isEmptyLabelSelector(spec.selector)) {
    return [{ kind: 'event', event: eventFor(ds, DAEMON_SET, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.') }];
  }
  const selector = selectorOf(spec.selector);
  // Being deleted: the history may be gone already, so upstream does not even write status.
  if (!selector || ds.metadata.deletionTimestamp) return [];

  const ns = ds.metadata.namespace;
  const claim = claimObjects(ds, DAEMON_SET, observed.pods.filter((p) => p.metadata.namespace === ns), POD, (p) => selector.matches(p.metadata.labels ?? {}));
  const history = constructHistory(ds, observed.revisions, selector, claim.claimed);
  const actions: Action[] = [...history.actions];
  if (history.collision || history.hash === undefined) return actions;
  const hash = history.hash;
  actions.push(...claim.patches);

  const nodes = [...observed.nodes].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const nodeToPods = groupByNode(claim.claimed, false);
  const generation = templateGeneration(ds);

  const counts = countDaemonPods(ds, nodes, nodeToPods, hash, generation, now);
  if (!daemonSetStatusUnchanged(ds, counts)) {
    actions.push({ kind: 'updateStatus', object: { ...clone(ds), apiVersion: DAEMON_SET.apiVersion, kind: DAEMON_SET.kind, status: daemonSetStatus(ds, counts) } });
  }

  const plan: NodePlan = { create: [], delete: [], events: [] };
  for (const node of nodes) podsShouldBeOnNode(ds, node, nodeToPods.get(node.metadata.name ?? ''), hash, now, plan);
  // Unscheduled pods pinned to nodes that no longer exist: Pod GC cannot remove them.
  const existing = new Set(nodes.map((n) => n.metadata.name ?? ''));
  for (const [node, pods] of nodeToPods) {
    if (!existing.has(node)) plan.delete.push(...pods.filter((p) => !specOf(p).nodeName));
  }
  actions.push(...plan.events, ...deleteActions(ds, plan.delete), ...createActions(ds, plan.create, hash));

  if (plan.create.length === 0 && plan.delete.length === 0 && String((spec.updateStrategy as Record<string, unknown> | undefined)?.type) === 'RollingUpdate') {
    const rolling = rollingUpdatePlan(ds, nodes, nodeToPods, hash, generation, now);
    const byName = new Map(claim.claimed.map((p) => [p.metadata.name ?? '', p]));
    const toDelete = rolling.podsToDelete.map((n) => byName.get(n)).filter((p): p is KubeObject => p !== undefined);
    actions.push(...deleteActions(ds, toDelete), ...createActions(ds, rolling.nodesToCreate, hash));
  }

  actions.push(...cleanupHistoryActions(ds, history.old, [...groupByNode(claim.claimed, true).values()].flat()));
  const minReady = int(spec, 'minReadySeconds');
  if (minReady > 0 && counts.numberReady !== counts.numberAvailable) actions.push({ kind: 'requeueAfter', ms: minReady * 1000 });
  return actions;
}
