// DaemonSet RollingUpdate (upstream daemon/update.go rollingUpdate and
// updatedDesiredNodeCounts). Nodes are visited in name order (upstream walks a Go map).
//   maxSurge = 0: delete old pods — every unavailable one, plus available ones while fewer
//     than maxUnavailable nodes are unavailable; manage() recreates them.
//   maxSurge > 0: create the new pod next to the old one (every node whose old pod is
//     unavailable, plus up to maxSurge more) and delete the old pod once the new one is
//     available; pods on nodes that no longer qualify go only while availability allows.
import { scaledValueFromIntOrPercent } from '../../machinery/intstr.js';
import type { KubeObject } from '../../machinery/types.js';
import { int, rec, specOf, str } from '../shared/meta.js';
import { isPodAvailable } from '../shared/pods.js';
import { nodeShouldRunDaemonPod } from './nodeEligibility.js';
import { isPodUpdated } from './podTemplate.js';

export interface RollingPlan {
  podsToDelete: string[];
  nodesToCreate: string[];
}

function intOrPercent(v: unknown, total: number): number {
  if (typeof v !== 'number' && typeof v !== 'string') return 0;
  try {
    return scaledValueFromIntOrPercent(v, total, true);
  } catch {
    return 0;
  }
}

/** SurgeCount / UnavailableCount: scaled with rounding up; 0 outside RollingUpdate. */
export function surgeAndUnavailable(ds: KubeObject, desired: number): { maxSurge: number; maxUnavailable: number } {
  const strategy = rec(specOf(ds).updateStrategy);
  const ru = rec(strategy?.rollingUpdate);
  if (str(strategy?.type) !== 'RollingUpdate' || !ru) return { maxSurge: 0, maxUnavailable: 0 };
  return { maxSurge: intOrPercent(ru.maxSurge, desired), maxUnavailable: intOrPercent(ru.maxUnavailable, desired) };
}

/** AllowsSurge. */
export function allowsSurge(ds: KubeObject): boolean {
  return surgeAndUnavailable(ds, 1).maxSurge > 0;
}

/** findUpdatedPodsOnNode: at most one new and one old non-deleted pod, else not ok. */
function podsOnNode(pods: readonly KubeObject[], hash: string, generation: string | undefined): { newPod?: KubeObject; oldPod?: KubeObject; ok: boolean } {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

export function rollingUpdatePlan(
  ds: KubeObject,
  nodes: readonly KubeObject[],
  nodeToPods: ReadonlyMap<string, readonly KubeObject[]>,
  hash: string,
  generation: string | undefined,
  now: number,
): RollingPlan {
  const minReady = int(specOf(ds), 'minReadySeconds');
  const available = (p: KubeObject): boolean => isPodAvailable(p, minReady, now);
  const byName = new Map(nodes.map((n) => [n.metadata.name ?? '', n]));
  const shouldRun = (name: string): boolean => {
    const node = byName.get(name);
    return node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
  };
  const all = new Map(nodeToPods);
  let desired = 0;
  for (const n of nodes) {
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    if (!all.has(n.metadata.name ?? '')) all.set(n.metadata.name ?? '', []);
  }
  let { maxSurge, maxUnavailable } = surgeAndUnavailable(ds, desired);
  // An impossible configuration (both 0) falls back to accepting one unavailable node.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const entries = [...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const allowed: string[] = [];
    const candidates: string[] = [];
    for (const [, pods] of entries) {
      const { newPod, oldPod, ok } = podsOnNode(pods, hash, generation);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
        numUnavailable++;
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          allowed.push(oldPod.metadata.name ?? '');
          numUnavailable++;
        } else if (numUnavailable < maxUnavailable) {
          candidates.push(oldPod.metadata.name ?? '');
        }
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { podsToDelete: [...allowed, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  const podsToDelete: string[] = [];
  const shouldNotRun: string[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of entries) {
    const { newPod, oldPod, ok } = podsOnNode(pods, hash, generation);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) podsToDelete.push(oldPod.metadata.name ?? '');
        else allowed.push(nodeName);
      } else if (!shouldRun(nodeName)) {
        shouldNotRun.push(oldPod.metadata.name ?? '');
      } else if (numSurge < maxSurge) {
        candidates.push(nodeName);
      }
      continue;
    }
    if (!available(newPod)) numSurge++;
    else podsToDelete.push(oldPod.metadata.name ?? '');
  }
  // With surge the owner expects full availability: pods on nodes that no longer qualify go
  // only as other nodes' pods become available.
  const deletable = Math.min(numAvailable - desired, shouldNotRun.length);
  if (deletable > 0) podsToDelete.push(...shouldNotRun.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidates.length);
  return { podsToDelete, nodesToCreate: [...allowed, ...candidates.slice(0, remainingSurge)] };
}
