import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { endpointSliceStrategy as s } from './endpointslice.js';

function slice(fields: Record<string, unknown>): KubeObject {
  const o: KubeObject = {
    metadata: { name: 'web-abc12', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    addressType: 'IPv4',
    ...fields,
  };
  s.defaults(o);
  return o;
}
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);

test('ports default to name "" and TCP; endpoints print as null when absent', () => {
  const o = slice({ ports: [{ port: 80 }] });
  assert.deepEqual(o.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  assert.equal(o.endpoints, null);
});

test('address type, addresses and special IPs', () => {
  assert.deepEqual(errors(slice({ endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true } }], ports: [{ port: 80 }] })), []);
  assert.deepEqual(errors(slice({ addressType: 'IPX' })), ['addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"']);
  assert.deepEqual(errors(slice({ addressType: '' })), ['addressType: Required value']);
  assert.deepEqual(errors(slice({ endpoints: [{ addresses: [] }, { addresses: ['::1', '127.0.0.1', '0.0.0.0', '169.254.1.1'] }] })), [
    'endpoints[0].addresses: Required value: must contain at least 1 address',
    'endpoints[1].addresses[0]: Invalid value: "::1": must be a valid IPv4 address',
    'endpoints[1].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[1].addresses[2]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
    'endpoints[1].addresses[3]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  ]);
  assert.deepEqual(errors(slice({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00::1', '::1', 'fe80::1', '::ffff:10.0.0.1'] }] })), [
    'endpoints[0].addresses[1]: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[0].addresses[2]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  ]);
  assert.deepEqual(errors(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['example.com', 'localhost'] }] })), [
    'endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
  ]);
});

test('ports: DNS-label names, unique, protocol enum, qualified appProtocol', () => {
  assert.deepEqual(errors(slice({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81, protocol: 'ICMP' }, { name: 'x', appProtocol: 'bad/app/proto' }] })), [
    'ports[1].name: Duplicate value: "http"',
    'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    "ports[2].appProtocol: Invalid value: \"bad/app/proto\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
});

test('addressType is immutable', () => {
  assert.deepEqual(s.validateUpdate(slice({ addressType: 'IPv6' }), slice({})).map(fieldErrorMessage), [
    'addressType: Invalid value: "IPv6": field is immutable',
  ]);
});

test('table: ADDRESSTYPE, PORTS, ENDPOINTS with "+ N more..."', () => {
  const o = slice({
    ports: [{ port: 80 }, { name: 'metrics' }, { port: 443 }, { port: 8080 }],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
  });
  assert.deepEqual(s.table.row(o, Date.parse('2024-01-01T00:02:00Z')), [
    'web-abc12', 'IPv4', '80,metrics,443 + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '2m',
  ]);
  assert.deepEqual(s.table.row(slice({}), 0).slice(2, 4), ['<unset>', '<unset>']);
});
