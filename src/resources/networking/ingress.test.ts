import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { ingressStrategy as s } from './ingress.js';
import { ingressClassStrategy as ic } from './ingressclass.js';

const backend = { service: { name: 'web', port: { number: 80 } } };

function ingress(spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z', ...(annotations ? { annotations } : {}) }, spec };
}
const rule = (host: string | undefined, paths: unknown[]): Record<string, unknown> => ({ ...(host !== undefined ? { host } : {}), http: { paths } });
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);

test('a rule-based and a default-backend ingress validate', () => {
  assert.deepEqual(errors(ingress({ ingressClassName: 'nginx', rules: [rule('example.com', [{ path: '/', pathType: 'Prefix', backend }])] })), []);
  assert.deepEqual(errors(ingress({ defaultBackend: backend })), []);
  assert.deepEqual(errors(ingress({ rules: [rule('*.example.com', [{ pathType: 'ImplementationSpecific', backend }])] })), []);
});

test('either a default backend or rules', () => {
  assert.deepEqual(errors(ingress({})), ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']);
});

test('paths: pathType required and enumerated, absolute paths, forbidden sequences', () => {
  assert.deepEqual(errors(ingress({ rules: [rule('a.com', [{ path: '/', backend }])] })), [
    'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
  ]);
  assert.deepEqual(errors(ingress({ rules: [rule('a.com', [{ path: '/', pathType: 'Regex', backend }])] })), [
    'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
  ]);
  assert.deepEqual(errors(ingress({ rules: [rule('a.com', [{ path: 'api//v1/..', pathType: 'Exact', backend }])] })), [
    'spec.rules[0].http.paths[0].path: Invalid value: "api//v1/..": must be an absolute path',
    `spec.rules[0].http.paths[0].path: Invalid value: "api//v1/..": must not contain '//'`,
    `spec.rules[0].http.paths[0].path: Invalid value: "api//v1/..": cannot end with '/..'`,
  ]);
  assert.deepEqual(errors(ingress({ rules: [rule('a.com', [])] })), ['spec.rules[0].http.paths: Required value']);
});

test('hosts: no IPs, wildcard form', () => {
  assert.deepEqual(errors(ingress({ rules: [rule('10.0.0.1', [{ path: '/', pathType: 'Prefix', backend }])] })), [
    'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
  ]);
  assert.deepEqual(errors(ingress({ rules: [rule('foo.*.com', [{ path: '/', pathType: 'Prefix', backend }])] })), [
    `spec.rules[0].host: Invalid value: "foo.*.com": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  ]);
});

test('backends: service name and exactly one of port name/number, or a resource', () => {
  const at = (b: unknown): KubeObject => ingress({ rules: [rule('a.com', [{ path: '/', pathType: 'Prefix', backend: b }])] });
  assert.deepEqual(errors(at({ service: { name: 'web' } })), ['spec.rules[0].http.paths[0].backend: Required value: port name or number is required']);
  assert.deepEqual(errors(at({ service: { name: 'web', port: { name: 'http', number: 80 } } })), [
    'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
  ]);
  assert.deepEqual(errors(at({ service: { name: 'Web', port: { number: 70000 } } })), [
    "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"Web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    'spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(errors(at({})), ['spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required']);
  assert.deepEqual(errors(at({ resource: { kind: 'StorageBucket' } })), ['spec.rules[0].http.paths[0].backend.resource.name: Required value: name is required']);
  assert.deepEqual(errors(at({ ...backend, resource: { kind: 'X', name: 'y' } })), [
    'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
  ]);
});

test('TLS hosts and secret names; class annotation next to the class field', () => {
  assert.deepEqual(errors(ingress({ defaultBackend: backend, tls: [{ hosts: ['a.com', 'B.com'], secretName: 'tls_cert' }] })).length, 2);
  assert.deepEqual(errors(ingress({ ingressClassName: 'nginx', defaultBackend: backend }, { 'kubernetes.io/ingress.class': 'nginx' })), [
    'annotations.kubernetes.io/ingress.class: Invalid value: "nginx": can not be set when the class field is also set',
  ]);
  assert.deepEqual(s.warnings(ingress({ defaultBackend: backend }, { 'kubernetes.io/ingress.class': 'nginx' })), [
    `annotation "kubernetes.io/ingress.class" is deprecated, please use 'spec.ingressClassName' instead`,
  ]);
});

test('table: CLASS, HOSTS, ADDRESS, PORTS', () => {
  const o = ingress({
    ingressClassName: 'nginx',
    rules: [rule('a.com', []), rule(undefined, []), rule('b.com', []), rule('c.com', []), rule('d.com', [])],
    tls: [{ hosts: ['a.com'] }],
  });
  o.status = { loadBalancer: { ingress: [{ ip: '10.0.0.5' }, { hostname: 'lb.example.com' }, { ip: '10.0.0.5' }] } };
  assert.deepEqual(s.table.row(o, Date.parse('2024-01-01T00:00:05Z')), ['web', 'nginx', 'a.com,b.com,c.com + 2 more...', '10.0.0.5,lb.example.com', '80, 443', '5s']);
  assert.deepEqual(s.table.row(ingress({ defaultBackend: backend }), 0).slice(1, 5), ['<none>', '*', '', '80']);
});

test('IngressClass: controller required, domain-prefixed and immutable; parameters scope', () => {
  const cls = (spec: Record<string, unknown>): KubeObject => {
    const o: KubeObject = { metadata: { name: 'nginx', creationTimestamp: '2024-01-01T00:00:00Z' }, spec };
    ic.defaults(o);
    return o;
  };
  assert.deepEqual(ic.validate(cls({ controller: 'k8s.io/ingress-nginx' })), []);
  assert.deepEqual(ic.validate(cls({})).map(fieldErrorMessage), ['spec.controller: Required value']);
  assert.deepEqual(ic.validate(cls({ controller: 'nginx' })).map(fieldErrorMessage), [
    'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
  ]);
  const withParams = cls({ controller: 'example.com/ctl', parameters: { apiGroup: 'example.com', kind: 'Params', name: 'p' } });
  assert.equal((withParams.spec as any).parameters.scope, 'Cluster');
  assert.deepEqual(ic.validate(withParams), []);
  assert.deepEqual(ic.validate(cls({ controller: 'example.com/ctl', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } })).map(fieldErrorMessage), [
    "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
  ]);
  assert.deepEqual(ic.validateUpdate(cls({ controller: 'example.com/other' }), cls({ controller: 'example.com/ctl' })).map(fieldErrorMessage), [
    'spec.controller: Invalid value: "example.com/other": field is immutable',
  ]);
  assert.deepEqual(ic.table.row(withParams, Date.parse('2024-01-01T00:00:00Z')), ['nginx', 'example.com/ctl', 'Params.example.com/p', '0s']);
  assert.equal(ic.namespaced, false);
});
