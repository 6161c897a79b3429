// The EndpointSlice controller as the manager runs it.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideEndpointSlices, type EndpointSliceObserved } from './decide.js';
import { serviceKeysForEndpointSlice, serviceKeysForPod } from './index.js';

export const endpointSliceController: ControllerDefinition<EndpointSliceObserved> = {
  name: 'endpointslice',
  primary: gvr.services,
  secondary: [gvr.pods, gvr.endpointslices, gvr.nodes],
  keysFor(g, obj, cache) {
    if (g === gvr.pods) return serviceKeysForPod(obj, cache.informer(gvr.services).listInNamespace(obj.metadata.namespace ?? ''));
    if (g === gvr.endpointslices) return serviceKeysForEndpointSlice(obj);
    return [];
  },
  observe(key, cache) {
    const service = cache.informer(gvr.services).get(key);
    if (!service) return undefined;
    const ns = splitKey(key).namespace ?? '';
    return {
      service,
      pods: cache.informer(gvr.pods).listInNamespace(ns),
      endpointSlices: cache.informer(gvr.endpointslices).listInNamespace(ns),
      nodes: cache.informer(gvr.nodes).list(),
    };
  },
  decide: (o, now) => decideEndpointSlices(o, now),
  workers: 2,
};
