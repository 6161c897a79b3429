// core/v1 Endpoints: port protocol defaults to TCP, ValidateEndpoints (addresses, ports)
// and printEndpoints' ENDPOINTS cell (`10.42.0.5:80,10.42.0.6:80 + 1 more...`).
import { type FieldError, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { isValidIP, isValidPortNum } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, num, recs, setDefault, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { dns1123Label, dns1123Subdomain, qualifiedName } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import { supportedPortProtocols } from './containerValidation.js';
import { nonSpecialIP } from './serviceValidation.js';

function validateAddress(a: Obj, field: string): FieldError[] {
  const ip = str(a.ip) ?? '';
  const errs = isValidIP(ip).map((m) => invalid(`${field}.ip`, ip, m));
  const hostname = str(a.hostname) ?? '';
  if (hostname !== '') errs.push(...dns1123Label(hostname, `${field}.hostname`));
  const nodeName = str(a.nodeName);
  if (nodeName !== undefined) errs.push(...dns1123Subdomain(nodeName, `${field}.nodeName`));
  // ValidateNonSpecialIP runs too, and repeats the complaint for an unparsable address.
  if (isValidIP(ip).length > 0) errs.push(invalid(`${field}.ip`, ip, 'must be a valid IP address'));
  else errs.push(...nonSpecialIP(ip, `${field}.ip`));
  return errs;
}

function validatePort(p: Obj, requireName: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name) ?? '';
  if (requireName && name === '') errs.push(required(`${field}.name`));
  else if (name !== '') errs.push(...dns1123Label(name, `${field}.name`));
  const port = num(p.port) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(invalid(`${field}.port`, port, m));
  const protocol = str(p.protocol) ?? '';
  if (protocol === '') errs.push(required(`${field}.protocol`));
  else if (!(supportedPortProtocols as readonly string[]).includes(protocol)) errs.push(notSupported(`${field}.protocol`, protocol, supportedPortProtocols));
  const appProtocol = str(p.appProtocol);
  if (appProtocol !== undefined) errs.push(...qualifiedName(appProtocol, `${field}.appProtocol`));
  return errs;
}

function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  recs(obj.subsets).forEach((ss, i) => {
    const at = `subsets[${i}]`;
    const addresses = recs(ss.addresses);
    const notReady = recs(ss.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...validateAddress(a, `${at}.addresses[${j}]`)));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, `${at}.notReadyAddresses[${j}]`)));
    const ports = recs(ss.ports);
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, `${at}.ports[${j}]`)));
  });
  return errs;
}

/** formatEndpoints: up to three ip:port pairs, then `+ N more...`. */
export function formatEndpoints(obj: KubeObject): string {
  const subsets = recs(obj.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = recs(ss.addresses);
    const ports = recs(ss.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a.ip) ?? '');
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        const ip = str(a.ip) ?? '';
        list.push(`${ip.includes(':') ? `[${ip}]` : ip}:${num(p.port) ?? 0}`);
      }
    }
  }
  const joined = list.join(',');
  if (more) return `${joined} + ${count - max} more...`;
  return joined === '' ? '<none>' : joined;
}

export const endpointsDeprecation = 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice';

export const endpointsStrategy = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  schemaRef: 'io.k8s.api.core.v1.Endpoints',

  defaults(obj: KubeObject): void {
    for (const ss of recs(obj.subsets)) for (const p of recs(ss.ports)) setDefault(p, 'protocol', 'TCP');
  },

  validate: validateEndpoints,

  // Kubernetes 1.33 deprecates v1 Endpoints and says so on every write (and read).
  warnings: (): string[] => [endpointsDeprecation],

  table: {
    columns: [
      nameColumn,
      col('Endpoints', 'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.'),
      ageColumn,
    ],
    row: (obj, now) => [obj.metadata.name ?? '', formatEndpoints(obj), age(obj.metadata.creationTimestamp, now)],
  },
} satisfies ResourceStrategy;
