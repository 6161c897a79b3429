// spec.podFailurePolicy matching (upstream pod_failure_policy.go): the first rule whose
// onExitCodes (a terminated container, non-zero exit code, In / NotIn the values) or
// onPodConditions (a pod condition of that type and status) matches decides the action.
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, num, rec, recs, statusOf, str } from '../shared/meta.js';

export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailurePolicyMatch {
  /** The FailJob message, when a FailJob rule matched. */
  failJobMessage?: string;
  /** False when an Ignore rule matched: the failure does not count against backoffLimit. */
  countFailed: boolean;
  action?: PodFailurePolicyAction;
}

function exitCodeMatches(exitCode: number, req: Obj): boolean {
  const values = Array.isArray(req.values) ? req.values.filter((v): v is number => typeof v === 'number') : [];
  if (req.operator === 'In') return values.includes(exitCode);
  if (req.operator === 'NotIn') return !values.includes(exitCode);
  return false;
}

/** getMatchingContainerFromList: the first terminated, non-zero container that matches. */
function matchingContainer(statuses: readonly Obj[], req: Obj): { name: string; exitCode: number } | undefined {
  const containerName = str(req.containerName);
  for (const cs of statuses) {
    const terminated = rec(rec(cs.state)?.terminated);
    if (!terminated) continue;
    const name = str(cs.name) ?? '';
    if (containerName !== undefined && containerName !== name) continue;
    const exitCode = num(terminated.exitCode) ?? 0;
    if (exitCode !== 0 && exitCodeMatches(exitCode, req)) return { name, exitCode };
  }
  return undefined;
}

function matchOnExitCodes(pod: KubeObject, req: Obj): { name: string; exitCode: number } | undefined {
  const status = statusOf(pod);
  return matchingContainer(recs(status.containerStatuses), req) ?? matchingContainer(recs(status.initContainerStatuses), req);
}

function matchOnPodConditions(pod: KubeObject, patterns: readonly Obj[]): string | undefined {
  for (const c of recs(statusOf(pod).conditions)) {
    for (const p of patterns) {
      if (c.type === p.type && c.status === (p.status ?? 'True')) return str(c.type);
    }
  }
  return undefined;
}

/** matchPodFailurePolicy for a failed pod. With no policy every failure counts. */
export function matchPodFailurePolicy(policy: Obj | undefined, pod: KubeObject): PodFailurePolicyMatch {
  if (!policy) return { countFailed: true };
  const ns = pod.metadata.namespace ?? '';
  const podName = pod.metadata.name ?? '';
  const rules = recs(policy.rules);
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    const action = str(rule.action);
    let matched: string | undefined;
    const onExitCodes = rec(rule.onExitCodes);
    if (onExitCodes) {
      const c = matchOnExitCodes(pod, onExitCodes);
      if (c) matched = `Container ${c.name} for pod ${ns}/${podName} failed with exit code ${c.exitCode} matching ${action} rule at index ${index}`;
    } else if (Array.isArray(rule.onPodConditions)) {
      const type = matchOnPodConditions(pod, recs(rule.onPodConditions));
      if (type !== undefined) matched = `Pod ${ns}/${podName} has condition ${type} matching ${action} rule at index ${index}`;
    }
    if (matched === undefined) continue;
    switch (action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { failJobMessage: matched, countFailed: true, action: 'FailJob' };
      default:
        // An unknown action matches nothing, as upstream's switch falls through.
        continue;
    }
  }
  return { countFailed: true };
}
