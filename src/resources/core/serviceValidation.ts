// Service validation: ValidateService, ValidateServiceClusterIPsRelatedFields and the
// update rules (validateUpgradeDowngradeClusterIPs / IPFamilies) from upstream's
// pkg/apis/core/validation, with their messages. Allocation-dependent fields
// (clusterIP, nodePorts, healthCheckNodePort) may still be empty here: admit() fills them.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { validateLabels } from '../../machinery/labels.js';
import { isValidIP, isValidPortNum } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, arr, num, rec, recs, str, strMap } from '../shared/access.js';
import { dns1123Label, dns1123Subdomain, portNumOrName, qualifiedName } from '../shared/validate.js';
import { supportedPortProtocols } from './containerValidation.js';
import { ipFamilyOf } from './ipRange.js';

export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const sessionAffinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const ipFamilies = ['IPv4', 'IPv6'];
const maxClientIPAffinitySeconds = 86400;
const kubeletPort = 10250;

export function svcSpec(obj: KubeObject): Obj {
  return rec(obj.spec) ?? {};
}

export function clusterIPs(spec: Obj): string[] {
  return arr(spec.clusterIPs).filter((x): x is string => typeof x === 'string');
}

export function isHeadless(spec: Obj): boolean {
  return spec.clusterIP === 'None';
}

/** ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(spec: Obj): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

export function needsClusterIP(spec: Obj): boolean {
  return spec.type !== 'ExternalName';
}

export function needsNodePort(spec: Obj): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

export function needsHealthCheckNodePort(spec: Obj): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** ValidateNonSpecialIP: addresses that can never be a service or endpoint address. */
export function nonSpecialIP(ip: string, field: string): FieldError[] {
  if (ip === '0.0.0.0' || ip === '::') return [invalid(field, ip, 'may not be unspecified (0.0.0.0)')];
  if (ip.startsWith('127.') || ip === '::1') return [invalid(field, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if (ip.startsWith('169.254.') || /^fe[89ab][0-9a-f]:/i.test(ip)) return [invalid(field, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  if (ip.startsWith('224.0.0.') || /^ff02:/i.test(ip)) return [invalid(field, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  return [];
}

function validateServicePort(p: Obj, requireName: boolean, names: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name) ?? '';
  if (requireName && name === '') errs.push(required(`${field}.name`));
  else if (name !== '') {
    errs.push(...dns1123Label(name, `${field}.name`));
    if (names.has(name)) errs.push(duplicate(`${field}.name`, name));
    else names.add(name);
  }
  const port = num(p.port) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(invalid(`${field}.port`, port, m));
  const protocol = str(p.protocol) ?? '';
  if (protocol === '') errs.push(required(`${field}.protocol`));
  else if (!(supportedPortProtocols as readonly string[]).includes(protocol)) errs.push(notSupported(`${field}.protocol`, protocol, supportedPortProtocols));
  if (p.targetPort !== undefined && p.targetPort !== null) errs.push(...portNumOrName(p.targetPort, `${field}.targetPort`));
  const appProtocol = str(p.appProtocol);
  if (appProtocol !== undefined) errs.push(...qualifiedName(appProtocol, `${field}.appProtocol`));
  const nodePort = num(p.nodePort) ?? 0;
  if (nodePort !== 0) for (const m of isValidPortNum(nodePort)) errs.push(invalid(`${field}.nodePort`, nodePort, m));
  return errs;
}

function validateTypeSpecific(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  switch (spec.type) {
    case 'LoadBalancer':
      if (isHeadless(spec)) errs.push(invalid('spec.clusterIPs[0]', ips[0] ?? 'None', "may not be set to 'None' for LoadBalancer services"));
      recs(spec.ports).forEach((p, i) => {
        if (p.port === kubeletPort) errs.push(invalid(`spec.ports[${i}]`, p.port, `may not expose port ${kubeletPort} externally since it is used by kubelet`));
      });
      break;
    case 'NodePort':
      if (isHeadless(spec)) errs.push(invalid('spec.clusterIPs[0]', ips[0] ?? 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (ips.length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (arr(spec.ipFamilies).length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      // A CNAME may end in a dot to mark it fully qualified.
      const cname = (str(spec.externalName) ?? '').replace(/\.$/, '');
      if (cname !== '') errs.push(...dns1123Subdomain(cname, 'spec.externalName'));
      else errs.push(required('spec.externalName'));
      break;
    }
    default:
  }
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields (skipped for ExternalName, checked above). */
function validateClusterIPs(spec: Obj): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  const clusterIP = str(spec.clusterIP) ?? '';
  if (clusterIP !== '') {
    if (ips.length === 0) errs.push(required('spec.clusterIPs'));
    else if (ips[0] !== clusterIP) errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const families = arr(spec.ipFamilies);
  const seen = new Set<unknown>();
  families.forEach((f, i) => {
    if (typeof f !== 'string' || !ipFamilies.includes(f)) errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ipFamilies));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && policy !== null && (typeof policy !== 'string' || !ipFamilyPolicies.includes(policy))) {
    errs.push(notSupported('spec.ipFamilyPolicy', policy, ipFamilyPolicies));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    const msgs = isValidIP(ip);
    if (msgs.length > 0) badIPs = true;
    for (const m of msgs) errs.push(invalid(`spec.clusterIPs[${i}]`, ip, m));
  });
  if (ips.length > 2) {
    badIPs = true;
    errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  }
  if (badIPs) return errs;
  if (ips.length > 1 && ipFamilyOf(ips[0]) === ipFamilyOf(ips[1])) {
    errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      const want = families[i];
      if (want === 'IPv4' && ipFamilyOf(ip) === 'IPv6') errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (want === 'IPv6' && ipFamilyOf(ip) !== 'IPv6') errs.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateTrafficPolicies(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const etp = str(spec.externalTrafficPolicy) ?? '';
  if (!externallyAccessible(spec)) {
    if (etp !== '') errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!trafficPolicies.includes(etp)) {
    errs.push(notSupported('spec.externalTrafficPolicy', etp, trafficPolicies));
  }
  const hc = num(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheckNodePort(spec)) {
    if (hc !== 0) errs.push(invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc !== 0) {
    for (const m of isValidPortNum(hc)) errs.push(invalid('spec.healthCheckNodePort', hc, m));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') errs.push(required('spec.internalTrafficPolicy'));
  } else if (typeof itp !== 'string' || !trafficPolicies.includes(itp)) {
    errs.push(notSupported('spec.internalTrafficPolicy', itp, trafficPolicies));
  }
  return errs;
}

export function validateService(obj: KubeObject): FieldError[] {
  const spec = svcSpec(obj);
  const errs: FieldError[] = [];
  const ports = recs(spec.ports);
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  errs.push(...validateTypeSpecific(spec));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector !== undefined && spec.selector !== null) errs.push(...validateLabels(strMap(spec.selector), 'spec.selector'));
  const affinity = str(spec.sessionAffinity) ?? '';
  if (affinity === '') errs.push(required('spec.sessionAffinity'));
  else if (!sessionAffinities.includes(affinity)) errs.push(notSupported('spec.sessionAffinity', affinity, sessionAffinities));
  if (affinity === 'ClientIP') {
    const timeout = rec(rec(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    const field = 'spec.sessionAffinityConfig.clientIP.timeoutSeconds';
    if (typeof timeout !== 'number') errs.push(required(field, 'when session affinity type is ClientIP'));
    else if (timeout <= 0 || timeout > maxClientIPAffinitySeconds) {
      errs.push(invalid(field, timeout, `must be greater than 0 and less than ${maxClientIPAffinitySeconds}`));
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig !== undefined && spec.sessionAffinityConfig !== null) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    const s = typeof ip === 'string' ? ip : '';
    const msgs = isValidIP(s);
    if (msgs.length > 0) for (const m of msgs) errs.push(invalid(`spec.externalIPs[${i}]`, s, m));
    else errs.push(...nonSpecialIP(s, `spec.externalIPs[${i}]`));
  });
  const type = str(spec.type) ?? '';
  if (type === '') errs.push(required('spec.type'));
  else if (!serviceTypes.includes(type)) errs.push(notSupported('spec.type', type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if ((num(p.nodePort) ?? 0) !== 0) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(p.nodePort) ?? 0;
    if (np !== 0) {
      const k = `${str(p.protocol) ?? ''}/${np}`;
      if (nodePorts.has(k)) errs.push(duplicate(`spec.ports[${i}].nodePort`, np));
      nodePorts.add(k);
    }
    const k = `${str(p.protocol) ?? ''}/${num(p.port) ?? 0}`;
    if (portKeys.has(k)) errs.push(duplicate(`spec.ports[${i}]`, { port: num(p.port) ?? 0, protocol: str(p.protocol) ?? '' }));
    portKeys.add(k);
  });
  const ranges = arr(spec.loadBalancerSourceRanges);
  if (ranges.length > 0 && type !== 'LoadBalancer') {
    errs.push(forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    errs.push(required('allocateLoadBalancerNodePorts'));
  }
  errs.push(...validateTrafficPolicies(spec));
  const status = rec(obj.status);
  recs(rec(status?.loadBalancer)?.ingress).forEach((ing, i) => {
    const ip = str(ing.ip);
    if (ip) for (const m of isValidIP(ip)) errs.push(invalid(`status.loadBalancer.ingress[${i}].ip`, ip, m));
  });
  return errs;
}

export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = svcSpec(obj);
  const prev = svcSpec(old);
  if (spec.type === 'ExternalName' || prev.type === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(prev)) return [];
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  const oldIPs = clusterIPs(prev);
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, ips, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid('spec.clusterIPs[0]', ips, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
  }
  const fams = arr(spec.ipFamilies);
  const oldFams = arr(prev.ipFamilies);
  if (fams.length > 0 && oldFams.length > 0) {
    const n = Math.min(fams.length, oldFams.length);
    for (let i = 0; i < n; i++) {
      if (fams[i] !== oldFams[i]) errs.push(invalid(`spec.ipFamilies[${i}]`, fams, 'may not change once set'));
    }
  }
  return errs;
}
