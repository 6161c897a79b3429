// The ServiceAccounts controller as the manager runs it.
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideServiceAccounts, type ServiceAccountObserved } from './decide.js';
import { namespaceKeysForServiceAccount } from './index.js';

export const serviceAccountController: ControllerDefinition<ServiceAccountObserved> = {
  name: 'serviceaccount',
  primary: gvr.namespaces,
  secondary: [gvr.serviceaccounts],
  keysFor: (_g, obj) => namespaceKeysForServiceAccount(obj),
  observe(key, cache) {
    const namespace = cache.informer(gvr.namespaces).get(key);
    if (!namespace) return undefined;
    return { namespace, serviceAccounts: cache.informer(gvr.serviceaccounts).listInNamespace(key) };
  },
  decide: (o, now) => decideServiceAccounts(o, now),
  workers: 1,
};
