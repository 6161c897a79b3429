// The ServiceAccounts controller as the lead's wiring reads it (upstream
// serviceaccounts_controller.go): Namespaces are the keys (cluster-scoped: the key is the
// name); a ServiceAccount change wakes its namespace (upstream reacts to deletes only; any
// event is harmless since the decision is idempotent).
import type { KubeObject } from '../../machinery/types.js';

export { decideServiceAccounts, SERVICE_ACCOUNTS_TO_ENSURE, type ServiceAccountObserved } from './decide.js';

export function namespaceKeysForServiceAccount(sa: KubeObject): string[] {
  return sa.metadata.namespace ? [sa.metadata.namespace] : [];
}
