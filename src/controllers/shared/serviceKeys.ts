// Which Services a pod change concerns (upstream endpointslice/util GetPodServiceMemberships):
// every Service of the pod's namespace whose selector matches the pod's labels. Used by the
// EndpointSlice and Endpoints controllers' wiring to map pod events to Service keys.
import type { KubeObject } from '../../machinery/types.js';
import { serviceSelector } from './serviceEndpoints.js';

export function serviceKeysForPod(pod: KubeObject, services: readonly KubeObject[]): string[] {
  const labels = pod.metadata.labels ?? {};
  return services
    .filter((s) => s.metadata.namespace === pod.metadata.namespace)
    .filter((s) => {
      const sel = serviceSelector(s);
      return sel !== undefined && Object.entries(sel).every(([k, v]) => labels[k] === v);
    })
    .map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`);
}
