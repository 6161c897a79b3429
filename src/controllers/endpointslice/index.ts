// The EndpointSlice controller as the lead's wiring reads it (upstream
// pkg/controller/endpointslice/endpointslice_controller.go handlers): Services are the keys;
// a pod wakes every Service whose selector matches it (old and new labels on update); a slice
// wakes the Service named by its `kubernetes.io/service-name` label when this controller
// manages it; Nodes are read (zones, missing nodes) but wake nothing.
import type { KubeObject } from '../../machinery/types.js';
import { serviceKeysForPod } from '../shared/serviceKeys.js';
import { CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from './sliceParts.js';

export { decideEndpointSlices, MAX_ENDPOINTS_PER_SLICE, type EndpointSliceObserved, type EndpointSliceOptions } from './decide.js';
export { CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from './sliceParts.js';

/** ServiceControllerKey for a slice this controller manages. */
export function serviceKeysForEndpointSlice(slice: KubeObject): string[] {
  const labels = slice.metadata.labels ?? {};
  const svc = labels[LABEL_SERVICE_NAME];
  if (!svc || labels[LABEL_MANAGED_BY] !== CONTROLLER_NAME) return [];
  return [`${slice.metadata.namespace ?? ''}/${svc}`];
}

export { serviceKeysForPod };
