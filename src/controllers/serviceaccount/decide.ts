// The ServiceAccounts controller's decision for one namespace (upstream
// pkg/controller/serviceaccount/serviceaccounts_controller.go syncNamespace): every Active
// namespace gets the ServiceAccounts to ensure (`default`), created bare — no secrets, no
// automount setting — as kube-controller-manager does. AlreadyExists counts as done.
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { statusOf } from '../shared/meta.js';

/** kube-controller-manager's serviceAccountsToEnsure. */
export const SERVICE_ACCOUNTS_TO_ENSURE = ['default'] as const;

export interface ServiceAccountObserved {
  namespace: KubeObject;
  /** ServiceAccounts of that namespace. */
  serviceAccounts: readonly KubeObject[];
}

export function decideServiceAccounts(observed: ServiceAccountObserved, _now: number): Action[] {
  const ns = observed.namespace;
  // Only Active namespaces: a terminating one would refuse the create anyway.
  if (statusOf(ns).phase !== 'Active' || ns.metadata.deletionTimestamp) return [];
  const name = ns.metadata.name ?? '';
  const have = new Set(observed.serviceAccounts.filter((sa) => sa.metadata.namespace === name).map((sa) => sa.metadata.name));
  return SERVICE_ACCOUNTS_TO_ENSURE.filter((sa) => !have.has(sa)).map((sa) => ({
    kind: 'create',
    object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: name } },
    tolerate: ['AlreadyExists'],
  }));
}
