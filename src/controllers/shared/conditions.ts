// Status conditions of workload objects (upstream deployment/util SetDeploymentCondition and
// replicaset's SetCondition): setting a condition whose status and reason are unchanged is a
// no-op; a changed reason with the same status keeps lastTransitionTime; the new condition
// goes to the end of the list (as upstream appends it), so the order matches kubectl describe.
import { recs } from './meta.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  [field: string]: unknown;
}

export function conditionsOf(status: Record<string, unknown>): Condition[] {
  return recs(status.conditions).map((c) => ({ ...c }) as Condition);
}

export function getCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

/** Returns the new list (the input is not modified). */
export function setCondition(conditions: readonly Condition[], cond: Condition): Condition[] {
  const current = getCondition(conditions, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return [...conditions];
  const next = { ...cond };
  if (current && current.status === cond.status) {
    if (current.lastTransitionTime === undefined) delete next.lastTransitionTime;
    else next.lastTransitionTime = current.lastTransitionTime;
  }
  return [...removeCondition(conditions, cond.type), next];
}
