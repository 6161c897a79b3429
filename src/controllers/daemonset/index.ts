// The DaemonSet controller as the lead's wiring reads it: what it watches and how a change
// in each secondary resource maps to DaemonSet keys (upstream daemon_controller.go handlers).
import type { KubeObject } from '../../machinery/types.js';
import { specOf } from '../shared/meta.js';
import { getControllerOf } from '../shared/ownerRefs.js';
import { selectorOf } from '../shared/selectors.js';
import { decideDaemonSet } from './decide.js';
import { nodeShouldRunDaemonPod } from './nodeEligibility.js';

export { DAEMONSET_BURST_REPLICAS, decideDaemonSet, type DaemonSetObserved } from './decide.js';

const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** Pods and ControllerRevisions: the controllerRef's DaemonSet; orphans wake selecting sets. */
export function daemonSetKeysForOwned(obj: KubeObject, sets: readonly KubeObject[]): string[] {
  const inNs = sets.filter((s) => s.metadata.namespace === obj.metadata.namespace);
  const ref = getControllerOf(obj);
  if (ref) return ref.kind === 'DaemonSet' ? inNs.filter((s) => s.metadata.uid === ref.uid).map(key) : [];
  if (obj.metadata.deletionTimestamp) return [];
  return inNs.filter((s) => selectorOf(specOf(s).selector)?.matches(obj.metadata.labels ?? {}) === true).map(key);
}

/**
 * Nodes (addNode / updateNode): an added node wakes the sets that should run on it; an
 * update wakes those whose verdict (should run / may keep running) changed; a deleted node
 * wakes every set (its pods become unscheduled-without-node or are left to Pod GC).
 */
export function daemonSetKeysForNode(node: KubeObject, old: KubeObject | undefined, sets: readonly KubeObject[]): string[] {
  return sets
    .filter((s) => {
      const now = nodeShouldRunDaemonPod(node, s);
      if (!old) return now.shouldRun;
      const before = nodeShouldRunDaemonPod(old, s);
      return before.shouldRun !== now.shouldRun || before.shouldContinueRunning !== now.shouldContinueRunning;
    })
    .map(key);
}

