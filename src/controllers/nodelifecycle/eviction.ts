// NoExecute taint eviction (pkg/controller/tainteviction, the former taint manager), for the
// pods bound to one node:
// - a pod not tolerating every NoExecute taint is deleted at once;
// - otherwise the smallest tolerationSeconds among the tolerations used decides when (a used
//   toleration without seconds never evicts unless another has them; ≤ 0 means at once);
// - before the delete the pod gets DisruptionTarget=True (DeletionByTaintManager, "Taint
//   manager: deleting due to NoExecute taint") and a TaintManagerEviction Event "Marking for
//   deletion Pod <ns>/<name>".
// Upstream counts a pod's toleration time from when it first saw the pod on the tainted node;
// here it counts from the oldest NoExecute taint's timeAdded (the same moment for pods already
// running there), or from `taintedSince` when the caller tracks it.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, type EventDescriptor, POD } from '../shared/actions.js';
import { deleteWithOptions } from '../shared/deleteOptions.js';
import { type Obj, clone, metaTime, num, parseTime, rec, recs, str } from '../shared/meta.js';

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case 'Exists':
      return true;
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** v1helper.GetMatchingTolerations: whether all taints are tolerated, and the first toleration used for each. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** getMinTolerationTime in ms: -1 for "forever", 0 for "at once". */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

export function noExecuteTaints(node: KubeObject): Taint[] {
  return recs(rec(node.spec)?.taints)
    .filter((t) => t.effect === 'NoExecute')
    .map((t) => {
      const taint: Taint = { key: str(t.key) ?? '', effect: 'NoExecute' };
      if (str(t.value)) taint.value = str(t.value);
      if (str(t.timeAdded)) taint.timeAdded = str(t.timeAdded);
      return taint;
    });
}

function tolerationsOf(pod: KubeObject): Toleration[] {
  return recs(rec(pod.spec)?.tolerations).map((t) => {
    const out: Toleration = {};
    for (const k of ['key', 'operator', 'value', 'effect'] as const) if (str(t[k]) !== undefined) out[k] = str(t[k]);
    const secs = num(t.tolerationSeconds);
    if (secs !== undefined) out.tolerationSeconds = secs;
    return out;
  });
}

function evictionEvent(pod: KubeObject): EventDescriptor {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  return {
    type: 'Normal',
    reason: 'TaintManagerEviction',
    message: `Marking for deletion Pod ${ns}/${name}`,
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: ns, name },
  };
}

/** addConditionAndDeletePod. */
export function evictPod(pod: KubeObject, now: number): Action[] {
  const actions: Action[] = [{ kind: 'event', event: evictionEvent(pod) }];
  const status = clone(rec(pod.status) ?? {});
  const conditions = recs(status.conditions);
  const existing = conditions.find((c) => c.type === 'DisruptionTarget');
  const cond: Obj = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: metaTime(now), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
  if (!existing || existing.status !== 'True' || existing.reason !== cond.reason || existing.message !== cond.message) {
    if (existing?.status === 'True') cond.lastTransitionTime = existing.lastTransitionTime;
    status.conditions = [...conditions.filter((c) => c.type !== 'DisruptionTarget'), cond];
    actions.push({ kind: 'updateStatus', object: { ...clone(pod), apiVersion: 'v1', kind: 'Pod', status }, tolerate: ['NotFound'] });
  }
  actions.push(deleteWithOptions(pod, POD, {}, { uidPrecondition: true }));
  return actions;
}

export interface EvictionPlan {
  actions: Action[];
  /** The next pod's toleration ends after this long. */
  nextInMs?: number;
}

/** The evictions due now among `pods` on `node`, and when to look again for the rest. */
export function planEvictions(node: KubeObject, pods: readonly KubeObject[], now: number, taintedSince?: number): EvictionPlan {
  const taints = noExecuteTaints(node);
  if (taints.length === 0) return { actions: [] };
  const added = taints.map((t) => parseTime(t.timeAdded)).filter((t): t is number => t !== undefined);
  const start = taintedSince ?? (added.length > 0 ? Math.min(...added) : now);
  const actions: Action[] = [];
  let nextInMs: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const { all, used } = matchingTolerations(taints, tolerationsOf(pod));
    if (!all) {
      actions.push(...evictPod(pod, now));
      continue;
    }
    const min = minTolerationMs(used);
    if (min < 0) continue;
    const due = start + min;
    if (now >= due) actions.push(...evictPod(pod, now));
    else nextInMs = Math.min(nextInMs ?? Infinity, due - now);
  }
  return { actions, ...(nextInMs !== undefined ? { nextInMs } : {}) };
}
