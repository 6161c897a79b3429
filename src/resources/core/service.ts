// core/v1 Service: SetDefaults_Service, the strategy's clusterIP/clusterIPs normalisation and
// type-change cleanup (pkg/registry/core/service/strategy.go), the REST layer's keeping of
// allocated values on update, allocation in admit(), printService and field selectors.
import type { FieldError } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, arr, clone, ensureRec, jsonEqual, num, rec, recs, setDefault, str, strMap } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import type { AdmissionContext, ResourceStrategy, TableCell } from '../types.js';
import { allocateService } from './serviceAllocation.js';
import {
  clusterIPs,
  externallyAccessible,
  needsClusterIP,
  needsHealthCheckNodePort,
  needsNodePort,
  svcSpec,
  validateService,
  validateServiceUpdate,
} from './serviceValidation.js';

export function defaultService(obj: KubeObject): void {
  const spec = ensureRec(obj, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = ensureRec(ensureRec(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(clientIP, 'timeoutSeconds', 10800);
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const p of recs(spec.ports)) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !str(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  const lb = rec(rec(obj.status)?.loadBalancer);
  if (spec.type === 'LoadBalancer' && lb) for (const ing of recs(lb.ingress)) if (str(ing.ip) && ing.ipMode === undefined) ing.ipMode = 'VIP';
  if (obj.status === undefined) obj.status = { loadBalancer: {} };
}

/** NormalizeClusterIPs: keep clusterIP and clusterIPs in step for clients that set only one. */
export function normalizeClusterIPs(spec: Obj, prev: Obj | undefined): void {
  const ip = str(spec.clusterIP) ?? '';
  const ips = clusterIPs(spec);
  if (!prev) {
    if (ip !== '' && ips.length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIP = str(prev.clusterIP) ?? '';
  const oldIPs = clusterIPs(prev);
  if (oldIPs.length > 0 && ips.length === 0 && oldIP === ip) spec.clusterIPs = clone(oldIPs);
  if (oldIP !== ip) {
    const same = jsonEqual(clusterIPs(spec), oldIPs);
    if (oldIP !== '' && ip === '') {
      if (same) delete spec.clusterIPs;
    } else if (same) {
      spec.clusterIPs = [ip];
    }
  }
}

/** patchAllocatedValues: an update that omits allocated values keeps the old ones. */
export function keepAllocatedValues(spec: Obj, prev: Obj): void {
  if (needsClusterIP(prev) && needsClusterIP(spec)) {
    if (!str(spec.clusterIP) && str(prev.clusterIP)) spec.clusterIP = prev.clusterIP;
    if (clusterIPs(spec).length === 0 && clusterIPs(prev).length > 0) spec.clusterIPs = clone(prev.clusterIPs);
    if (arr(spec.ipFamilies).length === 0 && arr(prev.ipFamilies).length > 0) spec.ipFamilies = clone(prev.ipFamilies);
    if (!spec.ipFamilyPolicy && prev.ipFamilyPolicy) spec.ipFamilyPolicy = prev.ipFamilyPolicy;
  }
  if (needsNodePort(prev) && needsNodePort(spec)) {
    const used = (s: Obj): Set<number> => new Set(recs(s.ports).map((p) => num(p.nodePort) ?? 0).filter((n) => n !== 0));
    const newUsed = used(spec);
    const taken = new Set([...used(prev)].filter((n) => newUsed.has(n)));
    const byName = new Map<string, number>();
    for (const p of recs(prev.ports)) byName.set(str(p.name) ?? '', num(p.nodePort) ?? 0);
    for (const p of recs(spec.ports)) {
      if (num(p.nodePort)) continue;
      const oldVal = byName.get(str(p.name) ?? '') ?? 0;
      if (oldVal !== 0 && !taken.has(oldVal)) p.nodePort = oldVal;
    }
  }
  if (needsHealthCheckNodePort(prev) && needsHealthCheckNodePort(spec) && !num(spec.healthCheckNodePort) && num(prev.healthCheckNodePort)) {
    spec.healthCheckNodePort = prev.healthCheckNodePort;
  }
}

/** dropTypeDependentFields: values that no longer apply after a type change, unless the user set them. */
export function dropTypeDependentFields(obj: KubeObject, old: KubeObject): void {
  const spec = svcSpec(obj);
  const prev = svcSpec(old);
  if (needsClusterIP(prev) && !needsClusterIP(spec)) {
    if (spec.clusterIP === prev.clusterIP && jsonEqual(spec.clusterIPs, prev.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (jsonEqual(spec.ipFamilies, prev.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === prev.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: Obj): unknown[] => recs(s.ports).map((p) => p.nodePort ?? 0);
  if (needsNodePort(prev) && !needsNodePort(spec) && jsonEqual(nodePorts(spec), nodePorts(prev))) {
    for (const p of recs(spec.ports)) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(prev) && !needsHealthCheckNodePort(spec) && spec.healthCheckNodePort === prev.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
  if (prev.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass === prev.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(prev) && !externallyAccessible(spec) && spec.externalTrafficPolicy === prev.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type !== 'LoadBalancer') ensureRec(obj, 'status').loadBalancer = {};
}

function prepareUpdate(obj: KubeObject, old: KubeObject): void {
  const spec = ensureRec(obj, 'spec');
  keepAllocatedValues(spec, svcSpec(old));
  normalizeClusterIPs(spec, svcSpec(old));
  dropTypeDependentFields(obj, old);
}

/** EXTERNAL-IP as getServiceExternalIP (server-side tables are always wide: no clipping). */
function externalIP(obj: KubeObject): string {
  const spec = svcSpec(obj);
  const external = arr(spec.externalIPs).filter((x): x is string => typeof x === 'string');
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = recs(rec(rec(obj.status)?.loadBalancer)?.ingress);
      const lb = [...new Set(ingress.map((i) => str(i.ip) || str(i.hostname) || '').filter((s) => s !== ''))].sort();
      if (external.length > 0) return [...lb, ...external].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName) ?? '';
    default:
      return '<unknown>';
  }
}

function portsText(spec: Obj): string {
  const parts = recs(spec.ports).map((p) => {
    const np = num(p.nodePort) ?? 0;
    return np > 0 ? `${num(p.port) ?? 0}:${np}/${str(p.protocol) ?? ''}` : `${num(p.port) ?? 0}/${str(p.protocol) ?? ''}`;
  });
  return parts.length > 0 ? parts.join(',') : '<none>';
}

/** labels.FormatLabels: sorted k=v pairs, `<none>` when empty. */
export function formatLabels(m: Record<string, string>): string {
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${m[k]}`).join(',');
}

export const serviceStrategy = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.core.v1.Service',
  hasStatus: true,
  nameRule: 'dns1035',

  defaults: defaultService,

  prepareForCreate(obj: KubeObject): void {
    obj.status = { loadBalancer: {} };
    normalizeClusterIPs(ensureRec(obj, 'spec'), undefined);
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    obj.status = clone(old.status);
    prepareUpdate(obj, old);
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    obj.spec = clone(old.spec);
  },

  validate: validateService,
  validateUpdate: validateServiceUpdate,

  async admit(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): Promise<FieldError[]> {
    const spec = ensureRec(obj, 'spec');
    if (old) prepareUpdate(obj, old);
    else normalizeClusterIPs(spec, undefined);
    return allocateService(obj, old, ctx);
  },

  table: {
    columns: [
      nameColumn,
      col('Type', 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types'),
      col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
      col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.'),
      col('Port(s)', 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
      ageColumn,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/', 1),
    ],
    row(obj: KubeObject, now: number): TableCell[] {
      const spec = svcSpec(obj);
      return [
        obj.metadata.name ?? '',
        str(spec.type) ?? '',
        clusterIPs(spec)[0] ?? '<none>',
        externalIP(obj),
        portsText(spec),
        age(obj.metadata.creationTimestamp, now),
        formatLabels(strMap(spec.selector)),
      ];
    },
  },

  fieldSelectors: {
    'spec.clusterIP': (o) => str(svcSpec(o).clusterIP) ?? '',
    'spec.type': (o) => str(svcSpec(o).type) ?? '',
  },
} satisfies ResourceStrategy;
