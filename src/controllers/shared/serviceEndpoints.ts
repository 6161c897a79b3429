// What the EndpointSlice and Endpoints controllers share about Services and their pods
// (upstream staging/src/k8s.io/endpointslice/util/controller_utils.go, pkg/api/v1/pod FindPort,
// pkg/apis/core/v1/helper IsServiceIPSet): which pods a Service selects, which of them get an
// endpoint, how a service port's targetPort resolves on a pod, and the pod's addresses.
import type { KubeObject } from '../../machinery/types.js';
import { isPlainObject } from '../../machinery/types.js';
import { num, recs, specOf, statusOf, str, strMap } from './meta.js';
import { isPodReady } from './pods.js';

/** v1.IsHeadlessService: the label both controllers put on objects of headless Services. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** v1.EndpointsLastChangeTriggerTime. */
export const ANNOTATION_LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

export interface ServicePort {
  name: string;
  protocol: string;
  port: number;
  /** A port number, or a container port name; absent means the same as `port`. */
  targetPort?: number | string;
  appProtocol?: string;
}

export function servicePorts(svc: KubeObject): ServicePort[] {
  return recs(specOf(svc).ports).map((p) => {
    const out: ServicePort = { name: str(p.name) ?? '', protocol: str(p.protocol) ?? 'TCP', port: num(p.port) ?? 0 };
    if (typeof p.targetPort === 'number' || typeof p.targetPort === 'string') out.targetPort = p.targetPort;
    const app = str(p.appProtocol);
    if (app !== undefined) out.appProtocol = app;
    return out;
  });
}

/**
 * The Service's selector, or undefined for none. An empty selector is dropped on the wire
 * (`omitempty` map), so like an absent one it means "no selector": endpoints come from elsewhere.
 */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const sel = specOf(svc).selector;
  if (!isPlainObject(sel)) return undefined;
  const m = strMap(sel);
  return Object.keys(m).length > 0 ? m : undefined;
}

export function isExternalName(svc: KubeObject): boolean {
  return specOf(svc).type === 'ExternalName';
}

/** helper.IsServiceIPSet: a real cluster IP (not None, not empty). */
export function isServiceIPSet(svc: KubeObject): boolean {
  const ip = str(specOf(svc).clusterIP) ?? '';
  return ip !== '' && ip !== 'None';
}

export function isHeadless(svc: KubeObject): boolean {
  return str(specOf(svc).clusterIP) === 'None';
}

export function publishNotReadyAddresses(svc: KubeObject): boolean {
  return specOf(svc).publishNotReadyAddresses === true;
}

/** Pods in the Service's namespace whose labels match its selector (sorted by name for stable output). */
export function selectedPods(svc: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const sel = serviceSelector(svc);
  if (!sel) return [];
  const ns = svc.metadata.namespace;
  return pods
    .filter((p) => p.metadata.namespace === ns && Object.entries(sel).every(([k, v]) => (p.metadata.labels ?? {})[k] === v))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

export function isPodTerminal(pod: KubeObject): boolean {
  const phase = str(statusOf(pod).phase);
  return phase === 'Succeeded' || phase === 'Failed';
}

/** status.podIPs, falling back to status.podIP. */
export function podIPs(pod: KubeObject): string[] {
  const st = statusOf(pod);
  const ips = recs(st.podIPs).map((p) => str(p.ip)).filter((ip): ip is string => Boolean(ip));
  if (ips.length > 0) return ips;
  const ip = str(st.podIP);
  return ip ? [ip] : [];
}

export const isIPv6 = (ip: string): boolean => ip.includes(':');

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names a hostname and this Service as its subdomain. */
export function shouldSetHostname(pod: KubeObject, svc: KubeObject): boolean {
  const spec = specOf(pod);
  const hostname = str(spec.hostname) ?? '';
  return hostname.length > 0 && str(spec.subdomain) === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

function containerPort(containers: unknown, name: string, protocol: string): number | undefined {
  for (const c of recs(containers)) {
    for (const p of recs(c.ports)) {
      if (p.name === name && (str(p.protocol) ?? 'TCP') === protocol) return num(p.containerPort);
    }
  }
  return undefined;
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up among the pod's
 * container ports (then its sidecar init containers) with the same protocol.
 */
export function findPort(pod: KubeObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const spec = specOf(pod);
  const found = containerPort(spec.containers, target, sp.protocol);
  if (found !== undefined) return found;
  const sidecars = recs(spec.initContainers).filter((c) => c.restartPolicy === 'Always');
  return containerPort(sidecars, target, sp.protocol);
}

export { isPodReady };

/** Labels copied from the Service, minus the keys a controller reserves for itself. */
export function serviceLabelsWithout(svc: KubeObject, reserved: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (!reserved.includes(k)) out[k] = v;
  return out;
}
