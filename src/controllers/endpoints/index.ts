// The Endpoints controller as the lead's wiring reads it (upstream
// pkg/controller/endpoint/endpoints_controller.go handlers): Services are the keys; a pod wakes
// every Service whose selector matches it; an Endpoints object wakes the Service of the same
// name (so a deleted or edited one is rewritten, and one left behind by a deleted Service is
// removed). The key must still be synced when the Service is gone (observe with service
// undefined and the cached Endpoints) so decideEndpoints can delete it.
import type { KubeObject } from '../../machinery/types.js';
import { serviceKeysForPod } from '../shared/serviceKeys.js';

export { ANNOTATION_OVER_CAPACITY, CONTROLLER_NAME, decideEndpoints, desiredSubsets, LABEL_MANAGED_BY, type EndpointsObserved } from './decide.js';
export { serviceKeysForPod };

export function serviceKeysForEndpoints(ep: KubeObject): string[] {
  return [`${ep.metadata.namespace ?? ''}/${ep.metadata.name ?? ''}`];
}
