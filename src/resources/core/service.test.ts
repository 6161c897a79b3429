import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import type { AdmissionContext } from '../types.js';
import { serviceStrategy as s } from './service.js';

const now = Date.parse('2024-01-01T01:00:00Z');

function svc(name: string, spec: Record<string, any> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  };
}

/** A fake cluster: allocation reads the Services stored so far. */
function cluster(nodePortRange: [number, number] = [30000, 32767], serviceCIDR = '10.43.0.0/16'): { ctx: AdmissionContext; stored: KubeObject[] } {
  const stored: KubeObject[] = [];
  const ctx: AdmissionContext = {
    options: { serviceCIDR, nodePortRange, clusterDomain: 'cluster.local' },
    listAll: async (group, resource) => {
      assert.equal(group, '');
      assert.equal(resource, 'services');
      return stored.map((o) => structuredClone(o));
    },
  };
  return { ctx, stored };
}

/** create as the apiserver does it: prepareForCreate, defaults, validate, admit. */
async function create(c: ReturnType<typeof cluster>, o: KubeObject): Promise<string[]> {
  s.prepareForCreate(o);
  s.defaults(o);
  const errs = s.validate(o);
  if (errs.length === 0) errs.push(...(await s.admit(o, undefined, c.ctx)));
  if (errs.length === 0) c.stored.push(o);
  return errs.map(fieldErrorMessage);
}

async function update(c: ReturnType<typeof cluster>, o: KubeObject, old: KubeObject): Promise<string[]> {
  s.prepareForUpdate(o, old);
  s.defaults(o);
  const errs = [...s.validate(o), ...s.validateUpdate(o, old)];
  if (errs.length === 0) errs.push(...(await s.admit(o, old, c.ctx)));
  return errs.map(fieldErrorMessage);
}

test('defaults as SetDefaults_Service', () => {
  const o = svc('web', { type: 'NodePort', ports: [{ port: 80, targetPort: 0 }, { name: 'b', port: 81, targetPort: 'http' }] });
  s.prepareForCreate(o);
  s.defaults(o);
  const spec = o.spec as Record<string, any>;
  assert.equal(spec.sessionAffinity, 'None');
  assert.equal(spec.externalTrafficPolicy, 'Cluster');
  assert.equal(spec.internalTrafficPolicy, 'Cluster');
  assert.deepEqual(spec.ports[0], { port: 80, targetPort: 80, protocol: 'TCP' });
  assert.equal(spec.ports[1].targetPort, 'http');
  assert.deepEqual(o.status, { loadBalancer: {} });
  const lb = svc('lb', { type: 'LoadBalancer' });
  s.defaults(lb);
  assert.equal((lb.spec as any).allocateLoadBalancerNodePorts, true);
  const plain = svc('p');
  s.defaults(plain);
  assert.equal((plain.spec as any).type, 'ClusterIP');
  assert.equal((plain.spec as any).externalTrafficPolicy, undefined);
  const sticky = svc('s', { sessionAffinity: 'ClientIP' });
  s.defaults(sticky);
  assert.deepEqual((sticky.spec as any).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('allocation: clusterIP from the service CIDR, above the static band; families set', async () => {
  const c = cluster();
  const o = svc('web');
  assert.deepEqual(await create(c, o), []);
  const spec = o.spec as Record<string, any>;
  assert.match(spec.clusterIP, /^10\.43\.\d+\.\d+$/);
  assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
  const last = Number(spec.clusterIP.split('.')[3]);
  const third = Number(spec.clusterIP.split('.')[2]);
  assert.ok(third * 256 + last > 256, 'dynamic picks skip the first 256 addresses');
  assert.deepEqual(spec.ipFamilies, ['IPv4']);
  assert.equal(spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(s.validate(o), []);
});

test('allocation: requested IPs are honoured, checked for range and reuse', async () => {
  const c = cluster();
  assert.deepEqual(await create(c, svc('kubernetes', { clusterIP: '10.43.0.1' })), []);
  assert.deepEqual(await create(c, svc('again', { clusterIP: '10.43.0.1' })), [
    'spec.clusterIPs: Invalid value: ["10.43.0.1"]: failed to allocate IP 10.43.0.1: provided IP is already allocated',
  ]);
  assert.deepEqual(await create(c, svc('far', { clusterIP: '10.0.0.5' })), [
    'spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.43.0.0/16',
  ]);
  assert.deepEqual(await create(c, svc('net', { clusterIP: '10.43.0.0' })).then((e) => e.length), 1);
  assert.deepEqual(await create(c, svc('bad', { clusterIP: 'nope' })), [
    'spec.clusterIPs[0]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});

test('allocation: a small range fills up and frees on delete', async () => {
  const c = cluster(undefined, '10.96.0.0/29');
  for (let i = 0; i < 6; i++) assert.deepEqual(await create(c, svc(`s${i}`)), []);
  const ips = new Set(c.stored.map((o) => (o.spec as any).clusterIP));
  assert.equal(ips.size, 6);
  const full = await create(c, svc('s6'));
  assert.equal(full.length, 1);
  assert.match(full[0], /range is full/);
  c.stored.pop();
  assert.deepEqual(await create(c, svc('s7')), []);
});

test('headless services get None and no allocation', async () => {
  const c = cluster();
  const o = svc('db', { clusterIP: 'None', ports: [] });
  assert.deepEqual(await create(c, o), []);
  const spec = o.spec as Record<string, any>;
  assert.deepEqual(spec.clusterIPs, ['None']);
  assert.equal(spec.ipFamilyPolicy, 'SingleStack');
  const noSelector = svc('ext', { clusterIP: 'None', selector: undefined });
  assert.deepEqual(await create(c, noSelector), []);
  assert.equal((noSelector.spec as any).ipFamilyPolicy, 'RequireDualStack');
  assert.deepEqual(await create(c, svc('np', { clusterIP: 'None', type: 'NodePort' })), [
    "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services",
  ]);
});

test('nodePorts: allocated in range, requested ones checked, reused on update', async () => {
  const c = cluster([30000, 30002]);
  const a = svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] });
  assert.deepEqual(await create(c, a), []);
  const b = svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] });
  assert.deepEqual(await create(c, b), ['spec.ports[0].nodePort: Invalid value: 30000: provided port is already allocated']);
  const d = svc('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] });
  assert.deepEqual(await create(c, d), ['spec.ports[0].nodePort: Invalid value: 31000: provided port is not in the valid range. The range of valid ports is 30000-30002']);
  const e = svc('e', { type: 'NodePort' });
  assert.deepEqual(await create(c, e), []);
  const np = (e.spec as any).ports[0].nodePort;
  assert.ok(np === 30001 || np === 30002);
  // An apply without the allocated values keeps them.
  const next = svc('e', { type: 'NodePort' });
  assert.deepEqual(await update(c, next, e), []);
  assert.equal((next.spec as any).ports[0].nodePort, np);
  assert.equal((next.spec as any).clusterIP, (e.spec as any).clusterIP);
});

test('type change NodePort → ClusterIP drops the allocated nodePort', async () => {
  const c = cluster();
  const o = svc('a', { type: 'NodePort' });
  assert.deepEqual(await create(c, o), []);
  const next = structuredClone(o);
  (next.spec as any).type = 'ClusterIP';
  assert.deepEqual(await update(c, next, o), []);
  assert.equal((next.spec as any).ports[0].nodePort, undefined);
  assert.equal((next.spec as any).externalTrafficPolicy, undefined);
});

test('clusterIP may not change once set', async () => {
  const c = cluster();
  const o = svc('a');
  assert.deepEqual(await create(c, o), []);
  const next = structuredClone(o);
  (next.spec as any).clusterIP = '10.43.0.99';
  assert.deepEqual(await update(c, next, o), ['spec.clusterIPs[0]: Invalid value: ["10.43.0.99"]: may not change once set']);
});

test('validation messages', () => {
  const check = (o: KubeObject): string[] => {
    s.defaults(o);
    return s.validate(o).map(fieldErrorMessage);
  };
  assert.deepEqual(check(svc('a', { ports: [] })), ['spec.ports: Required value']);
  assert.deepEqual(check(svc('a', { ports: [{ port: 80 }, { port: 81 }] })), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']);
  assert.deepEqual(check(svc('a', { ports: [{ port: 0, protocol: 'HTTP' }] })), [
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    // targetPort defaulted from the bad port fails too, as upstream.
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(check(svc('a', { type: 'Fancy' })), ['spec.type: Unsupported value: "Fancy": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
  assert.deepEqual(check(svc('a', { ports: [{ port: 80, nodePort: 30080 }] })), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  assert.deepEqual(check(svc('a', { type: 'ExternalName', ports: [] })), ['spec.externalName: Required value']);
  assert.deepEqual(check(svc('a', { type: 'ExternalName', externalName: 'example.com.' })), []);
  assert.deepEqual(check(svc('a', { ports: [{ name: 'a', port: 80 }, { name: 'a', port: 80 }] })), [
    'spec.ports[1].name: Duplicate value: "a"',
    'spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}',
  ]);
  assert.deepEqual(check(svc('a', { selector: { 'bad key!': 'x' } })).length, 1);
});

test('table cells: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), SELECTOR', () => {
  const np = svc('web', { type: 'NodePort', clusterIP: '10.43.10.1', clusterIPs: ['10.43.10.1'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] });
  assert.deepEqual(s.table.row(np, now), ['web', 'NodePort', '10.43.10.1', '<none>', '80:30080/TCP,53/UDP', '60m', 'app=web']);
  const lb = svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.43.0.7'], selector: undefined });
  assert.deepEqual(s.table.row(lb, now).slice(1, 7), ['LoadBalancer', '10.43.0.7', '<pending>', '80/', '60m', '<none>']);
  lb.status = { loadBalancer: { ingress: [{ ip: '192.168.1.10' }] } };
  assert.equal(s.table.row(lb, now)[3], '192.168.1.10');
  const ext = svc('x', { type: 'ExternalName', externalName: 'example.com', ports: [] });
  assert.deepEqual(s.table.row(ext, now).slice(1, 5), ['ExternalName', '<none>', 'example.com', '<none>']);
  assert.equal(s.nameRule, 'dns1035');
});
