// discovery.k8s.io/v1 EndpointSlice: upstream SetDefaults_EndpointPort, pkg/apis/discovery/
// validation ValidateEndpointSlice(Create/Update) and printEndpointSlice.
import { type FieldError, duplicate, invalid, notSupported, required, tooMany } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { validateLabels } from '../../machinery/labels.js';
import { isDNS1123Label, isDNS1123Subdomain, isIPv4, isIPv6, isValidLabelValue } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, arr, rec, recs, setDefault, str, strMap } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable, qualifiedName } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxTopologyLabels = 16;
const maxAddresses = 100;
const maxPorts = 20000;
const maxEndpoints = 1000;
const maxZoneHints = 8;

/** The 16 bytes of an IPv6 address (caller has checked isIPv6), embedded IPv4 tail included. */
function ipv6Bytes(ip: string): number[] {
  let s = ip;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = s.slice(lastColon + 1).split('.').map(Number);
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const words = (h: string): number[] => (h === '' ? [] : h.split(':').map((g) => parseInt(g, 16)));
  const double = s.indexOf('::');
  const head = words(double < 0 ? s : s.slice(0, double));
  const rest = double < 0 ? [] : words(s.slice(double + 2));
  const zeros = 8 - tail.length / 2 - head.length - rest.length;
  const all = [...head, ...new Array<number>(Math.max(zeros, 0)).fill(0), ...rest];
  return [...all.flatMap((w) => [w >> 8, w & 0xff]), ...tail];
}

/** ValidateNonSpecialIP: no unspecified, loopback or link-local addresses. */
function nonSpecialIP(ip: string, field: string): FieldError[] {
  let unspecified: boolean;
  let loopback: boolean;
  let linkLocal: boolean;
  let linkLocalMulticast: boolean;
  if (isIPv4(ip)) {
    const b = ip.split('.').map(Number);
    unspecified = b.every((x) => x === 0);
    loopback = b[0] === 127;
    linkLocal = b[0] === 169 && b[1] === 254;
    linkLocalMulticast = b[0] === 224 && b[1] === 0 && b[2] === 0;
  } else {
    const b = ipv6Bytes(ip);
    unspecified = b.every((x) => x === 0);
    loopback = b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
    linkLocal = b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
    linkLocalMulticast = b[0] === 0xff && (b[1] & 0x0f) === 0x02;
  }
  const errs: FieldError[] = [];
  if (unspecified) errs.push(invalid(field, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(invalid(field, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal) errs.push(invalid(field, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) errs.push(invalid(field, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** IsFullyQualifiedDomainName. */
function fqdn(name: string, field: string): FieldError[] {
  if (name.length === 0) return [required(field)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length > 0) return [invalid(field, n, sub.join(','))];
  const labels = n.split('.');
  if (labels.length < 2) return [invalid(field, n, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const m = isDNS1123Label(label);
    if (m.length > 0) return [invalid(field, label, m.join(','))];
  }
  return [];
}

function validateAddress(address: string, addressType: unknown, field: string): FieldError[] {
  switch (addressType) {
    case 'IPv4':
      return isIPv4(address) ? nonSpecialIP(address, field) : [invalid(field, address, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIPv6(address) ? nonSpecialIP(address, field) : [invalid(field, address, 'must be a valid IPv6 address')];
    case 'FQDN':
      return fqdn(address, field);
    default:
      // Unknown address types are reported once, on addressType.
      return [];
  }
}

function validateEndpoints(endpoints: Obj[], addressType: unknown): FieldError[] {
  if (endpoints.length > maxEndpoints) return [tooMany('endpoints', endpoints.length, maxEndpoints)];
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const field = `endpoints[${i}]`;
    const addresses = arr(ep.addresses).filter((a): a is string => typeof a === 'string');
    if (addresses.length === 0) errs.push(required(`${field}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(tooMany(`${field}.addresses`, addresses.length, maxAddresses));
    addresses.forEach((a, j) => errs.push(...validateAddress(a, addressType, `${field}.addresses[${j}]`)));
    const nodeName = str(ep.nodeName);
    if (nodeName !== undefined) for (const m of isDNS1123Subdomain(nodeName)) errs.push(invalid(`${field}.nodeName`, nodeName, m));
    const topology = strMap(ep.deprecatedTopology);
    const topologyCount = Object.keys(topology).length;
    if (topologyCount > maxTopologyLabels) errs.push(tooMany(`${field}.deprecatedTopology`, topologyCount, maxTopologyLabels));
    errs.push(...validateLabels(topology, `${field}.deprecatedTopology`));
    const hostname = str(ep.hostname);
    if (hostname !== undefined) for (const m of isDNS1123Label(hostname)) errs.push(invalid(`${field}.hostname`, hostname, m));
    const zones = recs(rec(ep.hints)?.forZones);
    if (zones.length > maxZoneHints) {
      errs.push(tooMany(`${field}.hints.forZones`, zones.length, maxZoneHints));
    } else {
      const seen = new Set<string>();
      zones.forEach((z, k) => {
        const name = str(z.name) ?? '';
        const zf = `${field}.hints.forZones[${k}].name`;
        if (seen.has(name)) errs.push(duplicate(zf, name));
        else seen.add(name);
        for (const m of isValidLabelValue(name)) errs.push(invalid(zf, name, m));
      });
    }
  });
  return errs;
}

function validatePorts(ports: Obj[]): FieldError[] {
  if (ports.length > maxPorts) return [tooMany('ports', ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const field = `ports[${i}]`;
    const name = str(p.name) ?? '';
    if (name.length > 0) for (const m of isDNS1123Label(name)) errs.push(invalid(`${field}.name`, name, m));
    if (names.has(name)) errs.push(duplicate(`${field}.name`, name));
    else names.add(name);
    const protocol = p.protocol;
    if (protocol === undefined || protocol === null) errs.push(required(`${field}.protocol`));
    else if (typeof protocol !== 'string' || !protocols.includes(protocol)) errs.push(notSupported(`${field}.protocol`, protocol, protocols));
    const appProtocol = str(p.appProtocol);
    if (appProtocol !== undefined) errs.push(...qualifiedName(appProtocol, `${field}.appProtocol`));
  });
  return errs;
}

/** listWithMoreString over at most three items. */
function listWithMore(items: string[]): string {
  const shown = items.slice(0, 3).join(',');
  if (items.length > 3) return `${shown} + ${items.length - 3} more...`;
  return shown === '' ? '<unset>' : shown;
}

export const endpointSliceStrategy = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  schemaRef: 'io.k8s.api.discovery.v1.EndpointSlice',

  defaults(obj: KubeObject): void {
    // `endpoints` has no omitempty upstream: an empty slice shows `endpoints: null`.
    if (!('endpoints' in obj)) obj.endpoints = null;
    for (const p of recs(obj.ports)) {
      setDefault(p, 'name', '');
      setDefault(p, 'protocol', 'TCP');
    }
  },

  validate(obj: KubeObject): FieldError[] {
    const errs: FieldError[] = [];
    const addressType = obj.addressType;
    if (addressType === undefined || addressType === null || addressType === '') errs.push(required('addressType'));
    else if (typeof addressType !== 'string' || !addressTypes.includes(addressType)) errs.push(notSupported('addressType', addressType, addressTypes));
    errs.push(...validateEndpoints(recs(obj.endpoints), addressType));
    errs.push(...validatePorts(recs(obj.ports)));
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return immutable(obj.addressType, old.addressType, 'addressType');
  },

  table: {
    columns: [
      nameColumn,
      col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.'),
      col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.'),
      col('Endpoints', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
      ageColumn,
    ],
    row(obj: KubeObject, now: number) {
      const ports = recs(obj.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*'));
      const addresses = recs(obj.endpoints).flatMap((ep) => arr(ep.addresses).filter((a): a is string => typeof a === 'string'));
      return [obj.metadata.name ?? '', str(obj.addressType) ?? '', listWithMore(ports), listWithMore(addresses), age(obj.metadata.creationTimestamp, now)];
    },
  },
} satisfies ResourceStrategy;
