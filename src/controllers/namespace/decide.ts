// The namespace controller's decision for a namespace being deleted (upstream
// pkg/controller/namespace/deletion/namespaced_resources_deleter.go Delete / deleteAllContent
// and namespace_controller.go's requeue). One sync:
//   1. status: phase Terminating and the five deletion conditions (one updateStatus);
//   2. content: a deletecollection (propagationPolicy Background) per deletable resource that
//      still holds objects not yet being deleted — or, when the resource serves no
//      deletecollection, one delete per object;
//   3. either a requeue while content remains (after estimate/2 + 1 seconds, the estimate being
//      the longest pod grace period still running, or 15 s when finalizers hold objects), or,
//      once nothing is left, nothing failed and the status needed no write, the `finalize` PUT
//      that drops the `kubernetes` finalizer from spec.finalizers (the API server then removes
//      the namespace). A status write makes the finalize wait for the next sync (which that
//      write triggers), since the PUT carries the namespace's resourceVersion.
//
// Upstream lists each resource again right after deleting it and reports what is left. This
// function cannot, so it predicts what the deletes leave behind: objects already being
// deleted, objects with finalizers, and pods that get a graceful deletion (scheduled, not
// finished, grace period > 0). The conditions it writes describe that predicted state, and
// it never finalizes in the same sync that issued deletes: the next sync (triggered by the
// deletions, or by the 1 s requeue) sees the real state. `contents` must be fresh — a live
// list, or caches caught up past the namespace's deletion — or finalizing could strand an
// object created just before the namespace was deleted.
import type { GroupVersionResource, KubeObject } from '../../machinery/types.js';
import { type LastFailure, refOf } from '../shared/actions.js';
import { type CollectionAction, gvrDisplay, type PropagatingDeleteAction } from '../shared/collectionActions.js';
import { clone, num, parseTime, specOf, statusOf, str } from '../shared/meta.js';
import { type DeletionReport, failingConditions, mergeNamespaceConditions } from './conditions.js';

/** The finalizer token this controller owns in spec.finalizers. */
export const FINALIZER_KUBERNETES = 'kubernetes';
/** finalizerEstimateSeconds: the wait assumed for finalizers on remaining content. */
export const FINALIZER_ESTIMATE_SECONDS = 15;
/** Pod default terminationGracePeriodSeconds (applied by API defaulting). */
const DEFAULT_POD_GRACE_SECONDS = 30;

const NAMESPACE_GVK = { apiVersion: 'v1', kind: 'Namespace' };

/** One namespaced resource discovery lists, with what is left of it in the namespace. */
export interface NamespacedResourceContent {
  gvr: GroupVersionResource;
  /** Discovery verbs: only resources with `delete` are cleaned (discovery.SupportsAllVerbs). */
  verbs: readonly string[];
  /** The resource's kind (for per-object deletes when deletecollection is not served). */
  kind?: string;
  /** Its objects in the namespace; undefined when they could not be listed. */
  objects?: readonly KubeObject[];
}

export interface NamespaceObserved {
  namespace: KubeObject;
  /** ServerPreferredNamespacedResources: what discovery says the server serves. */
  resources: readonly NamespacedResourceContent[];
  /** Partial discovery: the NamespaceDeletionDiscoveryFailure message (discoveryFailureMessage). */
  discoveryError?: string;
  /** Group versions that failed to parse: the NamespaceDeletionGroupVersionParsingFailure message. */
  groupVersionError?: string;
  lastFailure?: LastFailure;
}

const gvrKey = (g: GroupVersionResource): string => `${g.group}/${g.version}/${g.resource}`;

function isPodResource(g: GroupVersionResource): boolean {
  return g.group === '' && g.resource === 'pods';
}

function isTerminalPod(pod: KubeObject): boolean {
  const phase = str(statusOf(pod).phase);
  return phase === 'Succeeded' || phase === 'Failed';
}

function podGraceSeconds(pod: KubeObject): number {
  return num(specOf(pod).terminationGracePeriodSeconds) ?? DEFAULT_POD_GRACE_SECONDS;
}

/** Whether a Background delete leaves the object in place (pending finalizers or grace). */
function remainsAfterDelete(gvr: GroupVersionResource, obj: KubeObject): boolean {
  if (obj.metadata.deletionTimestamp) return true;
  if ((obj.metadata.finalizers ?? []).length > 0) return true;
  if (!isPodResource(gvr)) return false;
  // pod strategy CheckGracefulDelete: unscheduled or finished pods go at once.
  return Boolean(str(specOf(obj).nodeName)) && !isTerminalPod(obj) && podGraceSeconds(obj) > 0;
}

/** estimateGracefulTerminationForPods, zeroed once that long has passed since the deletion. */
function podEstimateSeconds(pods: readonly KubeObject[], nsDeletedAt: number | undefined, now: number): number {
  let estimate = 0;
  for (const p of pods) {
    if (isTerminalPod(p)) continue;
    const grace = num(specOf(p).terminationGracePeriodSeconds);
    if (grace !== undefined && grace > estimate) estimate = grace;
  }
  const elapsed = nsDeletedAt === undefined ? Infinity : now - nsDeletedAt;
  return elapsed >= estimate * 1000 ? 0 : estimate;
}

/** The failure a content write of the previous sync hit, as upstream's deleteAllContent error. */
function contentWriteError(f: LastFailure | undefined): string | undefined {
  if (!f) return undefined;
  const a = f.action as CollectionAction;
  if (a.kind === 'deleteCollection' || (a.kind === 'delete' && a.ref.kind !== 'Namespace')) return f.message;
  return undefined;
}

interface ContentPlan {
  actions: CollectionAction[];
  report: DeletionReport;
  estimate: number;
}

function planContent(observed: NamespaceObserved, nsName: string, nsDeletedAt: number | undefined, now: number): ContentPlan {
  const report: DeletionReport = {
    discoveryError: observed.discoveryError,
    groupVersionError: observed.groupVersionError,
    contentErrors: [],
    remaining: [],
    finalizers: new Map(),
  };
  const actions: CollectionAction[] = [];
  let estimate = 0;
  const seen = new Set<string>();
  for (const res of observed.resources) {
    if (!res.verbs.includes('delete') || seen.has(gvrKey(res.gvr))) continue;
    seen.add(gvrKey(res.gvr));
    const objects = (res.objects ?? []).filter((o) => (o.metadata.namespace ?? nsName) === nsName);
    const gvrEstimate = isPodResource(res.gvr) ? podEstimateSeconds(objects, nsDeletedAt, now) : 0;

    if (objects.some((o) => !o.metadata.deletionTimestamp)) {
      if (res.verbs.includes('deletecollection')) {
        actions.push({ kind: 'deleteCollection', gvr: res.gvr, namespace: nsName, propagationPolicy: 'Background', tolerate: ['NotFound', 'MethodNotAllowed'] });
      } else if (res.verbs.includes('list') && res.kind) {
        // deleteEachItem: NotFound and MethodNotSupported are not errors.
        const gvk = { apiVersion: res.gvr.group ? `${res.gvr.group}/${res.gvr.version}` : res.gvr.version, kind: res.kind };
        for (const o of objects) {
          if (o.metadata.deletionTimestamp) continue;
          const del: PropagatingDeleteAction = { kind: 'delete', ref: refOf(o, gvk), propagationPolicy: 'Background', tolerate: ['NotFound', 'MethodNotAllowed'] };
          actions.push(del);
        }
      }
    }

    const left = objects.filter((o) => remainsAfterDelete(res.gvr, o));
    if (left.length === 0) continue;
    report.remaining.push({ gvr: res.gvr, count: left.length });
    let withFinalizers = 0;
    for (const o of left) {
      const fs = o.metadata.finalizers ?? [];
      if (fs.length > 0) withFinalizers++;
      for (const f of fs) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
    }
    let gvrWait = gvrEstimate;
    if (gvrWait === 0 && withFinalizers > 0) gvrWait = FINALIZER_ESTIMATE_SECONDS;
    if (gvrWait === 0) report.contentErrors.push(`unexpected items still remain in namespace: ${nsName} for gvr: ${gvrDisplay(res.gvr)}`);
    estimate = Math.max(estimate, gvrWait);
  }
  const prev = contentWriteError(observed.lastFailure);
  if (prev !== undefined) report.contentErrors.push(prev);
  return { actions, report, estimate };
}

export function decideNamespace(observed: NamespaceObserved, now: number): CollectionAction[] {
  const ns = observed.namespace;
  if (!ns.metadata.deletionTimestamp) return [];
  const nsName = ns.metadata.name ?? '';
  const status = statusOf(ns);
  const finalizers = (Array.isArray(specOf(ns).finalizers) ? (specOf(ns).finalizers as unknown[]) : []).filter((f): f is string => typeof f === 'string');
  const actions: CollectionAction[] = [];

  // updateNamespaceStatusFunc: a namespace being deleted is Terminating.
  const nextStatus: Record<string, unknown> = { ...clone(status), phase: 'Terminating' };
  let statusChanged = status.phase !== 'Terminating';
  if (finalizers.length === 0) {
    if (statusChanged) actions.push({ kind: 'updateStatus', object: { ...clone(ns), ...NAMESPACE_GVK, status: nextStatus } });
    return actions;
  }

  const plan = planContent(observed, nsName, parseTime(ns.metadata.deletionTimestamp), now);
  const merged = mergeNamespaceConditions(status, failingConditions(plan.report), now);
  if (merged.changed) {
    nextStatus.conditions = merged.conditions;
    statusChanged = true;
  }
  if (statusChanged) actions.push({ kind: 'updateStatus', object: { ...clone(ns), ...NAMESPACE_GVK, status: nextStatus } });
  actions.push(...plan.actions);

  const failed = plan.report.discoveryError !== undefined || plan.report.groupVersionError !== undefined || plan.report.contentErrors.length > 0;
  if (plan.estimate > 0 || failed || plan.actions.length > 0) {
    // namespace_controller: AddAfter(estimate/2 + 1 s) while content remains.
    actions.push({ kind: 'requeueAfter', ms: (Math.floor(plan.estimate / 2) + 1) * 1000 });
    return actions;
  }

  // The finalize PUT carries the whole namespace with its resourceVersion: after a status
  // write in this sync it would conflict, so it waits for the sync our own write triggers.
  if (!statusChanged && finalizers.includes(FINALIZER_KUBERNETES)) {
    const rest = [...new Set(finalizers.filter((f) => f !== FINALIZER_KUBERNETES))].sort();
    const object: KubeObject = { ...clone(ns), ...NAMESPACE_GVK, spec: { ...clone(specOf(ns)), finalizers: rest } };
    actions.push({ kind: 'update', subresource: 'finalize', object, tolerate: ['NotFound'] });
  }
  return actions;
}

