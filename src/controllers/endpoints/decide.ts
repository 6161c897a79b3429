// The Endpoints controller's decision for one Service (upstream
// pkg/controller/endpoint/endpoints_controller.go syncService): the legacy core/v1 Endpoints
// object named like the Service, with the pods' addresses (ready, or not ready unless the
// Service publishes not-ready addresses; terminating pods only then) grouped by the port set
// they serve, the Service's labels plus `service.kubernetes.io/headless` for headless Services
// and `endpoints.kubernetes.io/managed-by: endpoint-controller` (1.33), and the over-capacity
// annotation past 1000 addresses. Services without a selector, and ExternalName Services, are
// left alone; when the Service is gone, an Endpoints object this controller manages is deleted.
// The last-change-trigger-time annotation is not written (upstream clears it when it has no
// trigger time, which is what this controller does on every write).
import type { KubeObject } from '../../machinery/types.js';
import { type Action, eventFor, type Gvk } from '../shared/actions.js';
import { clone, type Obj, rec, recs, semanticEqual, specOf, str } from '../shared/meta.js';
import {
  ANNOTATION_LAST_CHANGE_TRIGGER_TIME, findPort, isExternalName, isHeadless, isIPv6, isPodReady, isServiceIPSet, LABEL_HEADLESS, podIPs,
  publishNotReadyAddresses, selectedPods, serviceLabelsWithout, servicePorts, serviceSelector, shouldPodBeInEndpoints, shouldSetHostname,
} from '../shared/serviceEndpoints.js';
import { type AddressEntry, repackSubsets, truncateSubsets } from './subsets.js';

export const LABEL_MANAGED_BY = 'endpoints.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpoint-controller';
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

const ENDPOINTS: Gvk = { apiVersion: 'v1', kind: 'Endpoints' };

export interface EndpointsObserved {
  namespace: string;
  name: string;
  /** The Service; undefined once it is gone. */
  service?: KubeObject;
  /** The Endpoints of the same name, if any. */
  endpoints?: KubeObject;
  /** Pods of the namespace (the selector is applied here). */
  pods: readonly KubeObject[];
}

/** podToEndpointAddressForService: the pod IP of the Service's (first) IP family. */
function podAddress(svc: KubeObject, pod: KubeObject): Obj | undefined {
  const families = Array.isArray(specOf(svc).ipFamilies) ? (specOf(svc).ipFamilies as unknown[]) : [];
  let v6: boolean;
  if (families.length > 0) v6 = families[0] === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = isIPv6(str(specOf(svc).clusterIP) ?? '');
  else v6 = isIPv6(str(rec(pod.status)?.podIP) ?? '');
  const ip = podIPs(pod).find((x) => isIPv6(x) === v6);
  if (!ip) return undefined;
  const address: Obj = { ip };
  if (shouldSetHostname(pod, svc)) address.hostname = str(specOf(pod).hostname);
  address.nodeName = str(specOf(pod).nodeName) ?? '';
  address.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
  return address;
}

/** The subsets the Service's pods call for. */
export function desiredSubsets(svc: KubeObject, pods: readonly KubeObject[]): Obj[] {
  const tolerateUnready = publishNotReadyAddresses(svc);
  const ports = servicePorts(svc);
  const entries: AddressEntry[] = [];
  for (const pod of selectedPods(svc, pods)) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const address = podAddress(svc, pod);
    if (!address) continue;
    const ready = tolerateUnready || isPodReady(pod);
    if (ports.length === 0) {
      // Headless Services may have no ports at all.
      if (isHeadless(svc)) entries.push({ address, ready });
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: Obj = {};
      if (sp.name) ep.name = sp.name;
      ep.port = port;
      ep.protocol = sp.protocol;
      if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
      entries.push({ address, ready, port: ep });
    }
  }
  return repackSubsets(entries);
}

const stripRv = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(stripRv);
  const r = rec(v);
  if (!r) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(r)) {
    if (k === 'targetRef') {
      const { resourceVersion: _rv, ...rest } = rec(val) ?? {};
      out[k] = rest;
    } else out[k] = stripRv(val);
  }
  return out;
};

function overCapacityCorrect(annotations: Record<string, string> | undefined, subsets: readonly Obj[]): boolean {
  const n = subsets.reduce((acc, s) => acc + recs(s.addresses).length + recs(s.notReadyAddresses).length, 0);
  if (n > 1000) return false;
  return !(annotations && ANNOTATION_OVER_CAPACITY in annotations);
}

export function decideEndpoints(observed: EndpointsObserved, _now: number): Action[] {
  const { service: svc, endpoints: current } = observed;
  if (!svc) {
    // Only an Endpoints this controller wrote goes with its Service.
    if (current && current.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME) {
      return [{ kind: 'delete', ref: { ...ENDPOINTS, namespace: observed.namespace, name: observed.name, uid: current.metadata.uid }, tolerate: ['NotFound'] }];
    }
    return [];
  }
  if (isExternalName(svc) || !serviceSelector(svc)) return [];

  const subsets = desiredSubsets(svc, observed.pods);
  const svcLabels = svc.metadata.labels ?? {};
  if (current) {
    const compare = serviceLabelsWithout(current, [LABEL_HEADLESS, LABEL_MANAGED_BY]);
    const same =
      semanticEqual(stripRv(recs(current.subsets)), stripRv(subsets)) &&
      semanticEqual(compare, serviceLabelsWithout(svc, [LABEL_HEADLESS, LABEL_MANAGED_BY])) &&
      current.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME &&
      overCapacityCorrect(current.metadata.annotations, recs(current.subsets));
    if (same) return [];
  }

  const next: KubeObject = current
    ? { ...clone(current), ...ENDPOINTS }
    : { ...ENDPOINTS, metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace } };
  const annotations: Record<string, string> = { ...(next.metadata.annotations ?? {}) };
  delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
  if (truncateSubsets(subsets)) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  if (Object.keys(annotations).length > 0) next.metadata.annotations = annotations;
  else delete next.metadata.annotations;

  const labels: Record<string, string> = { ...svcLabels };
  if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  labels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  next.metadata.labels = labels;
  if (subsets.length > 0) next.subsets = subsets;
  else delete next.subsets;

  const key = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
  if (!current) {
    return [{ kind: 'create', object: next, onFailure: [eventFor(next, ENDPOINTS, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${key}: {{error}}`)] }];
  }
  return [{ kind: 'update', object: next, onFailure: [eventFor(next, ENDPOINTS, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${key}: {{error}}`)] }];
}
