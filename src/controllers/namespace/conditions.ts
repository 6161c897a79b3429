// The status conditions the namespace deleter keeps on a Terminating namespace (upstream
// pkg/controller/namespace/deletion/status_condition_utils.go): five condition types, each
// either in its failing form (status True, reason and message describing what is wrong) or in
// its "ok" form (status False). Existing conditions are updated in place; lastTransitionTime
// moves only when the status flips, as upstream's updateConditions does.
import type { GroupVersionResource } from '../../machinery/types.js';
import { metaTime, recs } from '../shared/meta.js';

export const DISCOVERY_FAILURE = 'NamespaceDeletionDiscoveryFailure';
export const GV_PARSING_FAILURE = 'NamespaceDeletionGroupVersionParsingFailure';
export const CONTENT_FAILURE = 'NamespaceDeletionContentFailure';
export const CONTENT_REMAINING = 'NamespaceContentRemaining';
export const FINALIZERS_REMAINING = 'NamespaceFinalizersRemaining';

/** The order upstream walks (and therefore appends) the types. */
export const NAMESPACE_CONDITION_TYPES = [DISCOVERY_FAILURE, GV_PARSING_FAILURE, CONTENT_FAILURE, CONTENT_REMAINING, FINALIZERS_REMAINING] as const;

const okMessages: Record<string, string> = {
  [DISCOVERY_FAILURE]: 'All resources successfully discovered',
  [GV_PARSING_FAILURE]: 'All legacy kube types successfully parsed',
  [CONTENT_FAILURE]: 'All content successfully deleted, may be waiting on finalization',
  [CONTENT_REMAINING]: 'All content successfully removed',
  [FINALIZERS_REMAINING]: 'All content-preserving finalizers finished',
};

const okReasons: Record<string, string> = {
  [DISCOVERY_FAILURE]: 'ResourcesDiscovered',
  [GV_PARSING_FAILURE]: 'ParsedGroupVersions',
  [CONTENT_FAILURE]: 'ContentDeleted',
  [CONTENT_REMAINING]: 'ContentRemoved',
  [FINALIZERS_REMAINING]: 'ContentHasNoFinalizers',
};

/** core/v1 NamespaceCondition. */
export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** What one pass of content deletion found (upstream's errors and allGVRDeletionMetadata). */
export interface DeletionReport {
  /** NamespaceDeletionDiscoveryFailure's message (see discoveryFailureMessage). */
  discoveryError?: string;
  /** NamespaceDeletionGroupVersionParsingFailure's message. */
  groupVersionError?: string;
  /** Per-resource deletion errors (aggregated into NamespaceDeletionContentFailure). */
  contentErrors: string[];
  /** Instances remaining per resource. */
  remaining: { gvr: GroupVersionResource; count: number }[];
  /** Instances remaining per finalizer name. */
  finalizers: Map<string, number>;
}

/**
 * ProcessDiscoverResourcesErr for a discovery.ErrGroupDiscoveryFailed: `failures` maps a
 * group/version ("metrics.k8s.io/v1beta1") to its error message.
 */
export function discoveryFailureMessage(failures: Readonly<Record<string, string>>): string {
  const groups = Object.entries(failures).map(([gv, err]) => `${gv}: ${err}`).sort();
  return `Discovery failed for some groups, ${groups.length} failing: unable to retrieve the complete list of server APIs: ${groups.join(', ')}`;
}

function failing(type: string, reason: string, message: string): NamespaceCondition {
  return { type, status: 'True', reason, message };
}

/** The failing conditions the report calls for (types absent here get their ok form). */
export function failingConditions(report: DeletionReport): NamespaceCondition[] {
  const out: NamespaceCondition[] = [];
  if (report.discoveryError !== undefined) out.push(failing(DISCOVERY_FAILURE, 'DiscoveryFailed', report.discoveryError));
  if (report.groupVersionError !== undefined) out.push(failing(GV_PARSING_FAILURE, 'GroupVersionParsingFailed', report.groupVersionError));
  const remaining = report.remaining.filter((r) => r.count > 0).map((r) => `${r.gvr.resource}.${r.gvr.group} has ${r.count} resource instances`).sort();
  if (remaining.length > 0) out.push(failing(CONTENT_REMAINING, 'SomeResourcesRemain', `Some resources are remaining: ${remaining.join(', ')}`));
  const byFinalizer = [...report.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
  if (byFinalizer.length > 0) {
    out.push(failing(FINALIZERS_REMAINING, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${byFinalizer.join(', ')}`));
  }
  if (report.contentErrors.length > 0) {
    const msgs = [...report.contentErrors].sort();
    out.push(failing(CONTENT_FAILURE, 'ContentDeletionFailed', `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`));
  }
  return out;
}

function readConditions(status: Record<string, unknown>): NamespaceCondition[] {
  return recs(status.conditions).map((c) => ({ ...c }) as unknown as NamespaceCondition);
}

/**
 * updateConditions: every managed type ends up present, in its failing form when `fresh` has
 * it and its ok form otherwise. Returns the new list and whether anything changed.
 */
export function mergeNamespaceConditions(
  status: Record<string, unknown>,
  fresh: readonly NamespaceCondition[],
  now: number,
): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = readConditions(status);
  let changed = false;
  for (const type of NAMESPACE_CONDITION_TYPES) {
    const want = fresh.find((c) => c.type === type) ?? { type, status: 'False' as const, reason: okReasons[type], message: okMessages[type] };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ type, status: want.status, lastTransitionTime: metaTime(now), reason: want.reason, message: want.message });
      changed = true;
    } else if (old.status !== want.status || old.message !== want.message || old.reason !== want.reason) {
      if (old.status !== want.status) old.lastTransitionTime = metaTime(now);
      old.status = want.status;
      old.reason = want.reason;
      old.message = want.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
