// The pieces an EndpointSlice is built from (upstream staging/src/k8s.io/endpointslice
// utils.go and util/endpointset.go): a pod's endpoint for one address type, the endpoint ports
// a pod offers for a Service, the keys slices and endpoints are grouped and matched by, and
// the labels a managed slice carries.
import type { KubeObject } from '../../machinery/types.js';
import { canonicalJson, type Obj, rec, recs, semanticEqual, specOf, str } from '../shared/meta.js';
import {
  findPort, isIPv6, isPodReady, isServiceIPSet, LABEL_HEADLESS, podIPs, publishNotReadyAddresses, servicePorts,
  serviceLabelsWithout, shouldSetHostname,
} from '../shared/serviceEndpoints.js';

export type AddressType = 'IPv4' | 'IPv6';

/** discovery.LabelServiceName / LabelManagedBy and this controller's name. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';
const RESERVED_LABELS = [LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS];

/** discovery/v1 EndpointPort as we write it (field order as the Go struct). */
export interface EndpointPort {
  name: string;
  protocol: string;
  port: number;
  appProtocol?: string;
}

/** getEndpointPorts: the Service's ports resolved on this pod (ports it cannot resolve are left out). */
export function endpointPorts(svc: KubeObject, pod: KubeObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of servicePorts(svc)) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name, protocol: sp.protocol, port };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

function normalizePort(p: Obj): Obj {
  const out: Obj = { name: str(p.name) ?? '', protocol: str(p.protocol) ?? 'TCP', port: p.port ?? null };
  if (typeof p.appProtocol === 'string') out.appProtocol = p.appProtocol;
  return out;
}

/** NewPortMapKey: the same set of ports, in any order, gives the same key. */
export function portMapKey(ports: unknown): string {
  return canonicalJson(recs(ports).map((p) => canonicalJson(normalizePort(p))).sort());
}

/** getAddressTypesForService: from spec.ipFamilies, else guessed from the cluster IP (both for headless). */
export function serviceAddressTypes(svc: KubeObject): AddressType[] {
  const families = Array.isArray(specOf(svc).ipFamilies) ? (specOf(svc).ipFamilies as unknown[]) : [];
  const out: AddressType[] = [];
  if (families.includes('IPv4')) out.push('IPv4');
  if (families.includes('IPv6')) out.push('IPv6');
  if (out.length > 0) return out;
  if (isServiceIPSet(svc)) return [isIPv6(str(specOf(svc).clusterIP) ?? '') ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** podToEndpoint. `node` is the pod's Node when known (for the zone). */
export function podToEndpoint(pod: KubeObject, node: KubeObject | undefined, svc: KubeObject, addressType: AddressType): Obj {
  const serving = isPodReady(pod);
  const terminating = Boolean(pod.metadata.deletionTimestamp);
  // For compatibility, "ready" is never true for a terminating pod unless publishNotReadyAddresses.
  const ready = publishNotReadyAddresses(svc) || (serving && !terminating);
  const ep: Obj = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = str(specOf(pod).hostname);
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
  const nodeName = str(specOf(pod).nodeName);
  if (nodeName) ep.nodeName = nodeName;
  const zone = node?.metadata.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone) ep.zone = zone;
  return ep;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** hashEndpoint: addresses, hostname and the target's namespace/name identify an endpoint. */
export function endpointKey(ep: Obj): string {
  const target = rec(ep.targetRef);
  return canonicalJson([[...strings(ep.addresses)].sort(), str(ep.hostname) ?? '', str(target?.namespace) ?? '', str(target?.name) ?? '']);
}

const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const optBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** EndpointsEqualBeyondHash: node, zone, conditions and targetRef (ignoring resourceVersion). */
export function endpointsEqualBeyondHash(a: Obj, b: Obj): boolean {
  if (optStr(a.nodeName) !== optStr(b.nodeName) || optStr(a.zone) !== optStr(b.zone)) return false;
  const ca = rec(a.conditions) ?? {};
  const cb = rec(b.conditions) ?? {};
  for (const k of ['ready', 'serving', 'terminating']) if (optBool(ca[k]) !== optBool(cb[k])) return false;
  const strip = (t: unknown): unknown => {
    const r = rec(t);
    if (!r) return undefined;
    const { resourceVersion: _rv, ...rest } = r;
    return rest;
  };
  return semanticEqual(strip(a.targetRef), strip(b.targetRef));
}

/**
 * setEndpointSliceLabels: the Service's labels (reserved keys excepted) plus the reserved ones;
 * `changed` compares only the non-reserved labels, as upstream does.
 */
export function endpointSliceLabels(slice: KubeObject | undefined, svc: KubeObject): { labels: Record<string, string>; changed: boolean } {
  const current: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata.labels ?? {})) if (!RESERVED_LABELS.includes(k)) current[k] = v;
  const labels = serviceLabelsWithout(svc, RESERVED_LABELS);
  const changed = !semanticEqual(current, labels);
  if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  labels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return { labels, changed };
}
