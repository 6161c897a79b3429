import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Action, CreateAction, UpdateAction } from '../shared/actions.js';
import { type Obj, recs } from '../shared/meta.js';
import { decideEndpointSlices, type EndpointSliceObserved } from './decide.js';

const now = Date.parse('2024-01-01T00:00:00Z');

function service(spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: 'nginx' }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'nginx', namespace: 'default', uid: 'svc-uid', labels },
    spec: { selector: { app: 'nginx' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }], ...spec },
  };
}

interface PodOpts {
  ip?: string;
  ready?: boolean;
  node?: string;
  deleting?: boolean;
  phase?: string;
  containerPorts?: { name: string; containerPort: number }[];
  hostname?: string;
  subdomain?: string;
}

function pod(name: string, o: PodOpts = {}): KubeObject {
  const ip = o.ip ?? `10.244.0.${name.length + name.charCodeAt(name.length - 1) % 200}`;
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'nginx' }, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: {
      nodeName: o.node ?? 'node-1',
      containers: [{ name: 'nginx', ports: (o.containerPorts ?? []).map((p) => ({ ...p, protocol: 'TCP' })) }],
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

const creates = (a: Action[]): KubeObject[] => a.filter((x): x is CreateAction => x.kind === 'create').map((x) => x.object);
const updates = (a: Action[]): KubeObject[] => a.filter((x): x is UpdateAction => x.kind === 'update').map((x) => x.object);
const endpoints = (s: KubeObject): Obj[] => recs(s.endpoints);
const byName = (eps: Obj[]): Record<string, Obj> => Object.fromEntries(eps.map((e) => [(e.targetRef as { name: string }).name, e]));

/** Applies the slice writes as the API server would (names from generateName). */
class SliceStore {
  slices: KubeObject[] = [];
  private seq = 0;
  apply(actions: Action[]): void {
    for (const a of actions) {
      if (a.kind === 'create') {
        const o = structuredClone(a.object);
        o.metadata.name = `${o.metadata.generateName}${String(++this.seq).padStart(5, 'x')}`;
        o.metadata.uid = `slice-${this.seq}`;
        o.metadata.resourceVersion = String(this.seq);
        delete o.metadata.generateName;
        this.slices.push(o);
      } else if (a.kind === 'update') {
        const i = this.slices.findIndex((s) => s.metadata.name === a.object.metadata.name);
        assert.ok(i >= 0, `update of unknown slice ${a.object.metadata.name}`);
        this.slices[i] = { ...structuredClone(a.object), metadata: { ...a.object.metadata, uid: this.slices[i].metadata.uid, resourceVersion: String(++this.seq) } };
      } else if (a.kind === 'delete') {
        this.slices = this.slices.filter((s) => s.metadata.name !== a.ref.name);
      }
    }
  }
}

function converge(observed: Omit<EndpointSliceObserved, 'endpointSlices'>, store = new SliceStore()): SliceStore {
  store.apply(decideEndpointSlices({ ...observed, endpointSlices: store.slices }, now));
  assert.deepEqual(decideEndpointSlices({ ...observed, endpointSlices: store.slices }, now), [], 'a second sync has nothing to do');
  return store;
}

describe('EndpointSlice controller', () => {
  it('a 3-pod Deployment with one unready pod: one slice, upstream labels, owner and conditions', () => {
    const pods = [pod('web-a', { ip: '10.244.1.5' }), pod('web-b', { ip: '10.244.2.6', ready: false, node: 'node-2' }), pod('web-c', { ip: '10.244.3.7' })];
    const actions = decideEndpointSlices({ service: service(), pods, endpointSlices: [] }, now);
    assert.equal(actions.length, 1);
    const [slice] = creates(actions);
    assert.deepEqual(slice.metadata, {
      generateName: 'nginx-',
      namespace: 'default',
      labels: { app: 'nginx', 'kubernetes.io/service-name': 'nginx', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'nginx', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    });
    assert.equal(slice.apiVersion, 'discovery.k8s.io/v1');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.ports, [{ name: 'http', protocol: 'TCP', port: 80 }]);
    const eps = byName(endpoints(slice));
    assert.deepEqual(eps['web-b'], {
      addresses: ['10.244.2.6'],
      conditions: { ready: false, serving: false, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-b', uid: 'uid-web-b' },
      nodeName: 'node-2',
    });
    assert.deepEqual(eps['web-a'].conditions, { ready: true, serving: true, terminating: false });
    assert.deepEqual(eps['web-c'].conditions, { ready: true, serving: true, terminating: false });
  });

  it('a terminating pod is not ready but still serving; publishNotReadyAddresses makes everything ready', () => {
    const pods = [pod('old', { deleting: true }), pod('new', { ready: false })];
    const eps = byName(endpoints(creates(decideEndpointSlices({ service: service(), pods, endpointSlices: [] }, now))[0]));
    assert.deepEqual(eps.old.conditions, { ready: false, serving: true, terminating: true });
    assert.deepEqual(eps.new.conditions, { ready: false, serving: false, terminating: false });
    const pub = byName(endpoints(creates(decideEndpointSlices({ service: service({ publishNotReadyAddresses: true }), pods, endpointSlices: [] }, now))[0]));
    assert.deepEqual(pub.old.conditions, { ready: true, serving: true, terminating: true });
    assert.deepEqual(pub.new.conditions, { ready: true, serving: false, terminating: false });
  });

  it('leaves out pods without an IP, finished pods, and pods the selector does not match', () => {
    const noIp = pod('pending');
    (noIp.status as Record<string, unknown>).podIP = undefined;
    (noIp.status as Record<string, unknown>).podIPs = [];
    const other = { ...pod('other'), metadata: { ...pod('other').metadata, labels: { app: 'db' } } };
    const pods = [noIp, pod('done', { phase: 'Succeeded' }), other, pod('web')];
    const eps = endpoints(creates(decideEndpointSlices({ service: service(), pods, endpointSlices: [] }, now))[0]);
    assert.deepEqual(eps.map((e) => (e.targetRef as { name: string }).name), ['web']);
  });

  it('resolves named target ports per pod: different numbers go to different slices', () => {
    const svc = service({ ports: [{ name: 'web', protocol: 'TCP', port: 80, targetPort: 'http' }] });
    const pods = [
      pod('v1-a', { containerPorts: [{ name: 'http', containerPort: 8080 }] }),
      pod('v1-b', { containerPorts: [{ name: 'http', containerPort: 8080 }] }),
      pod('v2-a', { containerPorts: [{ name: 'http', containerPort: 9090 }] }),
    ];
    const slices = creates(decideEndpointSlices({ service: svc, pods, endpointSlices: [] }, now));
    const summary = slices.map((s) => [(s.ports as { port: number }[])[0].port, endpoints(s).map((e) => (e.targetRef as { name: string }).name)]).sort();
    assert.deepEqual(summary, [[8080, ['v1-a', 'v1-b']], [9090, ['v2-a']]]);
    assert.deepEqual(slices[0].ports, [{ name: 'web', protocol: 'TCP', port: 8080 }]);
  });

  it('headless Services: hostname for pods in the subdomain, the headless label, no ports needed', () => {
    const svc = service({ clusterIP: 'None', ports: [] });
    const pods = [pod('web-0', { hostname: 'web-0', subdomain: 'nginx' }), pod('web-1', { hostname: 'web-1', subdomain: 'elsewhere' })];
    const [slice] = creates(decideEndpointSlices({ service: svc, pods, endpointSlices: [] }, now));
    assert.equal(slice.metadata.labels?.['service.kubernetes.io/headless'], '');
    assert.equal(slice.ports, null);
    const eps = byName(endpoints(slice));
    assert.equal(eps['web-0'].hostname, 'web-0');
    assert.equal('hostname' in eps['web-1'], false);
  });

  it('updates the slice in place when a pod turns ready, and converges', () => {
    const store = converge({ service: service(), pods: [pod('a'), pod('b', { ready: false })] });
    assert.equal(store.slices.length, 1);
    const name = store.slices[0].metadata.name;
    const actions = decideEndpointSlices({ service: service(), pods: [pod('a'), pod('b')], endpointSlices: store.slices }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['update']);
    const [updated] = updates(actions);
    assert.equal(updated.metadata.name, name);
    assert.equal(updated.metadata.resourceVersion, store.slices[0].metadata.resourceVersion);
    assert.deepEqual(byName(endpoints(updated)).b.conditions, { ready: true, serving: true, terminating: false });
    store.apply(actions);
    assert.deepEqual(decideEndpointSlices({ service: service(), pods: [pod('a'), pod('b')], endpointSlices: store.slices }, now), []);
  });

  it('keeps one empty placeholder slice for a Service without endpoints, reusing the last slice for it', () => {
    const store = converge({ service: service(), pods: [pod('a')] });
    const name = store.slices[0].metadata.name;
    const actions = decideEndpointSlices({ service: service(), pods: [], endpointSlices: store.slices }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['update'], 'the emptied slice becomes the placeholder instead of delete + create');
    const [placeholder] = updates(actions);
    assert.equal(placeholder.metadata.name, name);
    assert.equal(placeholder.endpoints, null);
    assert.equal(placeholder.ports, null);
    store.apply(actions);
    assert.deepEqual(decideEndpointSlices({ service: service(), pods: [], endpointSlices: store.slices }, now), []);
    const fresh = converge({ service: service(), pods: [] });
    assert.equal(fresh.slices.length, 1);
  });

  it('puts at most 100 endpoints in a slice and refills existing slices first', () => {
    const many = Array.from({ length: 250 }, (_, i) => pod(`p${String(i).padStart(3, '0')}`, { ip: `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}` }));
    const store = converge({ service: service(), pods: many });
    assert.deepEqual(store.slices.map((s) => endpoints(s).length).sort((a, b) => a - b), [50, 100, 100]);
    // Drop 5 pods from a full slice, add 3: the changed slice takes the new ones.
    const next = [...many.slice(5), pod('n1', { ip: '10.2.0.1' }), pod('n2', { ip: '10.2.0.2' }), pod('n3', { ip: '10.2.0.3' })];
    const actions = decideEndpointSlices({ service: service(), pods: next, endpointSlices: store.slices }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['update']);
    assert.equal(endpoints(updates(actions)[0]).length, 98);
    store.apply(actions);
    assert.deepEqual(decideEndpointSlices({ service: service(), pods: next, endpointSlices: store.slices }, now), []);
  });

  it('syncs Service labels onto its slices and deletes slices of an address type it lost', () => {
    const store = converge({ service: service(), pods: [pod('a')] });
    const relabeled = service({}, { app: 'nginx', tier: 'web' });
    const [u] = updates(decideEndpointSlices({ service: relabeled, pods: [pod('a')], endpointSlices: store.slices }, now));
    assert.equal(u.metadata.labels?.tier, 'web');
    const v6 = service({ ipFamilies: ['IPv6'], clusterIP: 'fd00::10' });
    const v6Pod = pod('a', { ip: 'fd00:1::5' });
    const actions = decideEndpointSlices({ service: v6, pods: [v6Pod], endpointSlices: store.slices }, now);
    assert.deepEqual(actions.map((a) => a.kind).sort(), ['create', 'delete']);
    assert.equal(creates(actions)[0].addressType, 'IPv6');
  });

  it('does nothing for Services without a selector or of type ExternalName', () => {
    assert.deepEqual(decideEndpointSlices({ service: service({ selector: undefined }), pods: [pod('a')], endpointSlices: [] }, now), []);
    assert.deepEqual(decideEndpointSlices({ service: service({ selector: {} }), pods: [pod('a')], endpointSlices: [] }, now), []);
    assert.deepEqual(decideEndpointSlices({ service: service({ type: 'ExternalName' }), pods: [pod('a')], endpointSlices: [] }, now), []);
  });

  it('skips pods on Nodes that do not exist, with the upstream event, and sets zones from Nodes', () => {
    const nodes: KubeObject[] = [{ metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } }];
    const actions = decideEndpointSlices({ service: service(), pods: [pod('a'), pod('b', { node: 'gone' })], endpointSlices: [], nodes }, now);
    const eps = endpoints(creates(actions)[0]);
    assert.deepEqual(eps.map((e) => [(e.targetRef as { name: string }).name, e.zone]), [['a', 'zone-a']]);
    const ev = actions.find((a) => a.kind === 'event');
    assert.ok(ev && ev.kind === 'event');
    assert.equal(ev.event.reason, 'FailedToUpdateEndpointSlices');
    assert.equal(ev.event.message, 'Error updating Endpoint Slices for Service default/nginx: skipping Pod b for Service default/nginx: Node gone Not Found');
    assert.deepEqual(actions.at(-1), { kind: 'requeueAfter', ms: 1000 });
  });

  it('replaces slices it does not own and ignores slices pending deletion', () => {
    const foreign: KubeObject = {
      metadata: { name: 'nginx-old', namespace: 'default', uid: 'x', labels: { 'kubernetes.io/service-name': 'nginx', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'nginx', uid: 'previous-svc' }] },
      addressType: 'IPv4',
      endpoints: [],
      ports: [],
    };
    const actions = decideEndpointSlices({ service: service(), pods: [pod('a')], endpointSlices: [foreign] }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['create', 'delete']);
    const deleting = { ...foreign, metadata: { ...foreign.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
    assert.deepEqual(decideEndpointSlices({ service: service(), pods: [pod('a')], endpointSlices: [deleting] }, now).map((a) => a.kind), ['create']);
  });
});
