// The Endpoints controller as the manager runs it. A key is synced even after its Service is
// gone, so the Endpoints this controller wrote goes with it.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideEndpoints, type EndpointsObserved } from './decide.js';
import { serviceKeysForEndpoints, serviceKeysForPod } from './index.js';

export const endpointsController: ControllerDefinition<EndpointsObserved> = {
  name: 'endpoints',
  primary: gvr.services,
  secondary: [gvr.pods, gvr.endpoints],
  keysFor(g, obj, cache) {
    if (g === gvr.pods) return serviceKeysForPod(obj, cache.informer(gvr.services).listInNamespace(obj.metadata.namespace ?? ''));
    if (g === gvr.endpoints) return serviceKeysForEndpoints(obj);
    return [];
  },
  observe(key, cache) {
    const { namespace = '', name } = splitKey(key);
    const service = cache.informer(gvr.services).get(key);
    const endpoints = cache.informer(gvr.endpoints).get(key);
    if (!service && !endpoints) return undefined;
    return { namespace, name, service, endpoints, pods: service ? cache.informer(gvr.pods).listInNamespace(namespace) : [] };
  },
  decide: (o, now) => decideEndpoints(o, now),
  workers: 2,
};
