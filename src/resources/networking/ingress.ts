// networking.k8s.io/v1 Ingress: upstream pkg/apis/networking/validation (ValidateIngressCreate /
// ValidateIngressSpec and the backend, rule, path and TLS checks), pkg/registry/networking/
// ingress/strategy.go (status split, the deprecated class annotation warning) and printIngress.
import { type FieldError, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import {
  dns1123SubdomainMaxLength,
  isDNS1035Label,
  isDNS1123Subdomain,
  isIPv4,
  isIPv6,
  isValidPortName,
  isValidPortNum,
  maxLenError,
  regexError,
  validatePathSegmentName,
} from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, arr, at, rec, recs, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import type { ResourceStrategy } from '../types.js';
import { clearStatus, keepSpec, keepStatus } from '../apps/workload.js';

export const ingressClassAnnotation = 'kubernetes.io/ingress.class';

const wildcardFmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const wildcardErrMsg =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** IsWildcardDNS1123Subdomain. */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!new RegExp(`^${wildcardFmt}$`).test(value)) errs.push(regexError(wildcardErrMsg, wildcardFmt, '*.example.com'));
  return errs;
}

/** A host as a rule or TLS entry names it: wildcard or plain DNS subdomain. */
function hostMessages(host: string): string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

/** validateIngressTypedLocalObjectReference (also IngressClass parameters). */
export function validateTypedLocalObjectReference(ref: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const group = str(ref.apiGroup);
  if (group !== undefined) for (const m of isDNS1123Subdomain(group)) errs.push(invalid(`${field}.apiGroup`, group, m));
  for (const key of ['kind', 'name']) {
    const v = str(ref[key]) ?? '';
    if (v === '') errs.push(required(`${field}.${key}`, `${key} is required`));
    else for (const m of validatePathSegmentName(v)) errs.push(invalid(`${field}.${key}`, v, m));
  }
  return errs;
}

function validateBackend(backend: Obj, field: string): FieldError[] {
  const resource = rec(backend.resource);
  const service = rec(backend.service);
  if (resource && service) return [invalid(field, '', 'cannot set both resource and service backends')];
  if (resource) return validateTypedLocalObjectReference(resource, `${field}.resource`);
  if (!service) return [invalid(field, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name) ?? '';
  if (name === '') errs.push(required(`${field}.service.name`));
  else for (const m of isDNS1035Label(name)) errs.push(invalid(`${field}.service.name`, name, m));
  const port = rec(service.port) ?? {};
  const portName = str(port.name) ?? '';
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName !== '' && portNumber !== 0) errs.push(invalid(field, '', 'cannot set both port name & port number'));
  else if (portName !== '') for (const m of isValidPortName(portName)) errs.push(invalid(`${field}.service.port.name`, portName, m));
  else if (portNumber !== 0) for (const m of isValidPortNum(portNumber)) errs.push(invalid(`${field}.service.port.number`, portNumber, m));
  else errs.push(required(field, 'port name or number is required'));
  return errs;
}

const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

function validatePath(p: Obj, field: string): FieldError[] {
  const pathType = p.pathType;
  if (pathType === undefined || pathType === null) return [required(`${field}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const path = str(p.path) ?? '';
  switch (pathType) {
    case 'Exact':
    case 'Prefix':
      if (!path.startsWith('/')) errs.push(invalid(`${field}.path`, path, 'must be an absolute path'));
      if (path.length > 0) {
        for (const seq of invalidPathSequences) if (path.includes(seq)) errs.push(invalid(`${field}.path`, path, `must not contain '${seq}'`));
        for (const suf of invalidPathSuffixes) if (path.endsWith(suf)) errs.push(invalid(`${field}.path`, path, `cannot end with '${suf}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (path.length > 0 && !path.startsWith('/')) errs.push(invalid(`${field}.path`, path, 'must be an absolute path'));
      break;
    default:
      errs.push(notSupported(`${field}.pathType`, pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
  }
  errs.push(...validateBackend(rec(p.backend) ?? {}, `${field}.backend`));
  return errs;
}

function validateRules(rules: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const field = `spec.rules[${i}]`;
    const host = str(rule.host) ?? '';
    if (host !== '') {
      if (isIPv4(host) || isIPv6(host)) errs.push(invalid(`${field}.host`, host, 'must be a DNS name, not an IP address'));
      for (const m of hostMessages(host)) errs.push(invalid(`${field}.host`, host, m));
    }
    const http = rec(rule.http);
    if (http) {
      const paths = recs(http.paths);
      if (paths.length === 0) errs.push(required(`${field}.http.paths`));
      paths.forEach((p, j) => errs.push(...validatePath(p, `${field}.http.paths[${j}]`)));
    }
  });
  return errs;
}

function validateTLS(tls: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((t, ti) => {
    arr(t.hosts).forEach((h, i) => {
      if (typeof h !== 'string') return;
      for (const m of hostMessages(h)) errs.push(invalid(`spec.tls[${ti}].hosts[${i}]`, h, m));
    });
    const secret = str(t.secretName) ?? '';
    if (secret !== '') for (const m of isDNS1123Subdomain(secret)) errs.push(invalid(`spec.tls[${ti}].secretName`, secret, m));
  });
  return errs;
}

/** printIngress HOSTS: the first three hosts, `*` when none. */
function formatHosts(rules: Obj[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    const host = str(rule.host) ?? '';
    if (!more && host !== '') list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

/** ingressLoadBalancerStatusStringer (wide): distinct IPs, else hostnames. */
function formatAddress(obj: KubeObject): string {
  const seen: string[] = [];
  for (const ing of recs(at(obj, 'status.loadBalancer.ingress'))) {
    const v = str(ing.ip) || str(ing.hostname) || '';
    if (v !== '' && !seen.includes(v)) seen.push(v);
  }
  return seen.join(',');
}

export const ingressStrategy = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  schemaRef: 'io.k8s.api.networking.v1.Ingress',
  hasStatus: true,

  prepareForCreate: clearStatus,
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const errs: FieldError[] = [];
    const rules = recs(s.rules);
    const defaultBackend = rec(s.defaultBackend);
    if (rules.length === 0 && !defaultBackend) errs.push(invalid('spec', s.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
    if (defaultBackend) errs.push(...validateBackend(defaultBackend, 'spec.defaultBackend'));
    if (rules.length > 0) errs.push(...validateRules(rules));
    errs.push(...validateTLS(recs(s.tls)));
    const className = str(s.ingressClassName);
    if (className !== undefined) for (const m of isDNS1123Subdomain(className)) errs.push(invalid('spec.ingressClassName', className, m));
    // A create-time rule upstream; updates of objects created here can never hit it.
    const annotation = obj.metadata.annotations?.[ingressClassAnnotation];
    if (annotation !== undefined && className !== undefined) {
      errs.push(invalid(`annotations.${ingressClassAnnotation}`, annotation, 'can not be set when the class field is also set'));
    }
    return errs;
  },

  warnings(obj: KubeObject): string[] {
    const annotated = obj.metadata.annotations?.[ingressClassAnnotation] !== undefined;
    if (!annotated || str(at(obj, 'spec.ingressClassName')) !== undefined) return [];
    return [`annotation "${ingressClassAnnotation}" is deprecated, please use 'spec.ingressClassName' instead`];
  },

  table: {
    columns: [
      nameColumn,
      col('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
      col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
      col('Address', 'Address is a list containing ingress points for the load-balancer'),
      col('Ports', 'Ports of TLS configurations that open'),
      ageColumn,
    ],
    row(obj: KubeObject, now: number) {
      const s = rec(obj.spec);
      return [
        obj.metadata.name ?? '',
        str(s?.ingressClassName) ?? '<none>',
        formatHosts(recs(s?.rules)),
        formatAddress(obj),
        arr(s?.tls).length > 0 ? '80, 443' : '80',
        age(obj.metadata.creationTimestamp, now),
      ];
    },
  },
} satisfies ResourceStrategy;
