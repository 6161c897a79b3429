import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { decideEndpoints, type EndpointsObserved } from './decide.js';
import { repackSubsets, truncateSubsets } from './subsets.js';

const now = Date.parse('2024-01-01T00:00:00Z');

function service(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels: { app: 'web' } },
    spec: {
      selector: { app: 'web' },
      clusterIP: '10.96.0.20',
      ipFamilies: ['IPv4'],
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }, { name: 'metrics', protocol: 'TCP', port: 9100, targetPort: 9100 }],
      ...spec,
    },
  };
}

function pod(name: string, ip: string, o: { ready?: boolean; httpPort?: number; deleting?: boolean; hostname?: string } = {}): KubeObject {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: {
      nodeName: 'node-1',
      ...(o.hostname ? { hostname: o.hostname, subdomain: 'web' } : {}),
      containers: [{ name: 'app', ports: [{ name: 'http', containerPort: o.httpPort ?? 8080, protocol: 'TCP' }] }],
    },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

const address = (name: string, ip: string): Record<string, unknown> => ({
  ip,
  nodeName: 'node-1',
  targetRef: { kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` },
});

function only(actions: Action[]): KubeObject {
  assert.equal(actions.length, 1);
  const a = actions[0];
  assert.ok(a.kind === 'create' || a.kind === 'update');
  return a.object;
}

const observed = (o: Partial<EndpointsObserved>): EndpointsObserved => ({ namespace: 'default', name: 'web', service: service(), pods: [], ...o });

describe('Endpoints controller', () => {
  it('creates the Endpoints with ready and not-ready addresses grouped by port set', () => {
    const pods = [pod('a', '10.0.0.2'), pod('b', '10.0.0.1', { ready: false }), pod('c', '10.0.0.3', { httpPort: 9090 })];
    const ep = only(decideEndpoints(observed({ pods }), now));
    assert.deepEqual(ep.metadata, { name: 'web', namespace: 'default', labels: { app: 'web', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' } });
    const subsets = ep.subsets as Record<string, unknown>[];
    assert.equal(subsets.length, 3);
    // c serves http on 9090 and metrics on 9100 alongside a and b: metrics merges with them.
    const metrics = subsets.find((s) => JSON.stringify(s.ports).includes('9100'));
    assert.deepEqual(metrics, {
      addresses: [address('a', '10.0.0.2'), address('c', '10.0.0.3')],
      notReadyAddresses: [address('b', '10.0.0.1')],
      ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }],
    });
    const http8080 = subsets.find((s) => JSON.stringify(s.ports).includes('8080'));
    assert.deepEqual(http8080, { addresses: [address('a', '10.0.0.2')], notReadyAddresses: [address('b', '10.0.0.1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
    const http9090 = subsets.find((s) => JSON.stringify(s.ports).includes('9090'));
    assert.deepEqual(http9090, { addresses: [address('c', '10.0.0.3')], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] });
  });

  it('puts ports served by the same addresses into one subset', () => {
    const ep = only(decideEndpoints(observed({ pods: [pod('a', '10.0.0.2'), pod('b', '10.0.0.3')] }), now));
    assert.deepEqual(ep.subsets, [
      {
        addresses: [address('a', '10.0.0.2'), address('b', '10.0.0.3')],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9100, protocol: 'TCP' }],
      },
    ]);
  });

  it('drops terminating pods unless not-ready addresses are published', () => {
    const pods = [pod('old', '10.0.0.9', { deleting: true }), pod('b', '10.0.0.3', { ready: false })];
    const plain = only(decideEndpoints(observed({ pods }), now));
    assert.deepEqual((plain.subsets as Record<string, unknown>[])[0].notReadyAddresses, [address('b', '10.0.0.3')]);
    assert.equal(JSON.stringify(plain.subsets).includes('old'), false);
    const pub = only(decideEndpoints(observed({ service: service({ publishNotReadyAddresses: true }), pods }), now));
    assert.deepEqual((pub.subsets as Record<string, unknown>[])[0].addresses, [address('b', '10.0.0.3'), address('old', '10.0.0.9')]);
  });

  it('labels headless Services, sets hostnames, and allows them no ports', () => {
    const svc = service({ clusterIP: 'None', ports: [] });
    const ep = only(decideEndpoints(observed({ service: svc, pods: [pod('web-0', '10.0.0.5', { hostname: 'web-0' })] }), now));
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], '');
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '10.0.0.5', hostname: 'web-0', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-web-0' } }] }]);
  });

  it('creates an empty Endpoints for a Service without pods, and leaves it when nothing changed', () => {
    const ep = only(decideEndpoints(observed({}), now));
    assert.equal('subsets' in ep, false);
    const stored = { ...ep, metadata: { ...ep.metadata, resourceVersion: '5', uid: 'ep-uid' } };
    assert.deepEqual(decideEndpoints(observed({ endpoints: stored }), now), []);
    const withPods = decideEndpoints(observed({ endpoints: stored, pods: [pod('a', '10.0.0.2')] }), now);
    assert.equal(withPods[0].kind, 'update');
    assert.equal(only(withPods).metadata.resourceVersion, '5');
  });

  it('ignores pod resourceVersions in targetRefs when comparing', () => {
    const ep = only(decideEndpoints(observed({ pods: [pod('a', '10.0.0.2')] }), now));
    const stored = structuredClone(ep);
    ((stored.subsets as { addresses: { targetRef: Record<string, unknown> }[] }[])[0].addresses[0].targetRef).resourceVersion = '77';
    assert.deepEqual(decideEndpoints(observed({ endpoints: stored, pods: [pod('a', '10.0.0.2')] }), now), []);
  });

  it('skips Services without a selector; deletes only its own Endpoints when the Service is gone', () => {
    assert.deepEqual(decideEndpoints(observed({ service: service({ selector: undefined }), pods: [pod('a', '10.0.0.2')] }), now), []);
    const mine: KubeObject = { metadata: { name: 'web', namespace: 'default', uid: 'e1', labels: { 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' } } };
    assert.deepEqual(decideEndpoints({ namespace: 'default', name: 'web', endpoints: mine, pods: [] }, now), [
      { kind: 'delete', ref: { apiVersion: 'v1', kind: 'Endpoints', namespace: 'default', name: 'web', uid: 'e1' }, tolerate: ['NotFound'] },
    ]);
    const handMade: KubeObject = { metadata: { name: 'web', namespace: 'default', uid: 'e2' } };
    assert.deepEqual(decideEndpoints({ namespace: 'default', name: 'web', endpoints: handMade, pods: [] }, now), []);
  });

  it('repacks: an address not ready on any port entry is not ready', () => {
    const a = { ip: '10.0.0.1', targetRef: { uid: 'u1' } };
    const port = { name: 'p', port: 1, protocol: 'TCP' };
    assert.deepEqual(repackSubsets([{ address: a, ready: true, port }, { address: a, ready: false, port }]), [{ notReadyAddresses: [a], ports: [port] }]);
  });

  it('truncates past 1000 addresses, ready ones first, and marks the object over capacity', () => {
    const mk = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));
    const subsets = [{ addresses: mk(600, '10.0.1'), notReadyAddresses: mk(300, '10.0.2') }, { addresses: mk(200, '10.0.3') }];
    assert.equal(truncateSubsets(subsets), true);
    assert.equal((subsets[0].addresses as unknown[]).length + (subsets[1].addresses as unknown[]).length, 800);
    assert.equal((subsets[0].notReadyAddresses as unknown[]).length, 200);
    const many = Array.from({ length: 1001 }, (_, i) => pod(`p${i}`, `10.${Math.floor(i / 250)}.${i % 250}.1`));
    const ep = only(decideEndpoints(observed({ pods: many }), now));
    assert.equal(ep.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
  });
});
