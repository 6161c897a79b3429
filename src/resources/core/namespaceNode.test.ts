import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../machinery/errors.js';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { namespaceStrategy as ns } from './namespace.js';
import { nodeStrategy as node } from './node.js';

const now = Date.parse('2024-01-02T00:00:00Z');

function namespace(extra: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', creationTimestamp: '2024-01-01T00:00:00Z' }, ...extra };
  ns.prepareForCreate(o);
  ns.defaults(o);
  return o;
}

test('Namespace create: Active, kubernetes finalizer, metadata.name label', () => {
  const o = namespace({ status: { phase: 'Terminating' } });
  assert.deepEqual(o.status, { phase: 'Active' });
  assert.deepEqual(o.spec, { finalizers: ['kubernetes'] });
  assert.equal(o.metadata.labels?.['kubernetes.io/metadata.name'], 'dev');
  assert.deepEqual(ns.validate(o), []);
  assert.equal(ns.nameRule, 'label');
  assert.deepEqual(ns.table.row(o, now), ['dev', 'Active', '24h']);
  assert.equal(ns.fieldSelectors['status.phase'](o), 'Active');
});

test('Namespace finalizer names', () => {
  const o = namespace({ spec: { finalizers: ['custom', 'example.com/cleanup'] } });
  assert.deepEqual(ns.validate(o).map(fieldErrorMessage), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});

test('Namespace update keeps spec.finalizers and status', () => {
  const old = namespace();
  const next = structuredClone(old);
  (next.spec as any).finalizers = [];
  next.status = { phase: 'Terminating' };
  ns.prepareForUpdate(next, old);
  assert.deepEqual(next.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(next.status, { phase: 'Active' });
});

test('Namespace delete goes Terminating while finalizers remain; a second delete conflicts', () => {
  const o = namespace();
  o.metadata.deletionTimestamp = '2024-01-02T00:00:00Z';
  const pending = ns.gracefulDelete(structuredClone(o));
  assert.equal((pending?.status as any).phase, 'Terminating');
  assert.equal(ns.pendingFinalizers(pending!), true);
  assert.deepEqual(ns.validate(pending!), []);
  assert.throws(() => ns.gracefulDelete(structuredClone(pending!)), (e: unknown) => e instanceof ApiError && e.code === 409 && /ensuring all content is removed/.test(e.message));
  const finalized = structuredClone(pending!);
  (finalized.spec as any).finalizers = [];
  assert.equal(ns.pendingFinalizers(finalized), false);
  assert.equal(ns.gracefulDelete(finalized), undefined);
});

function nodeObj(extra: Record<string, any> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: '10.240.79.157', labels: { name: 'my-first-k8s-node' }, creationTimestamp: '2024-01-01T00:00:00Z' },
    ...extra,
  };
}

test('Node defaults: allocatable from capacity, empty nodeInfo, podCIDRs', () => {
  const o = nodeObj({ spec: { podCIDR: '10.42.0.0/24' }, status: { capacity: { cpu: '4', memory: '8192Mi' } } });
  node.defaults(o);
  const status = o.status as Record<string, any>;
  assert.deepEqual(status.allocatable, { cpu: '4', memory: '8Gi' });
  assert.equal(status.nodeInfo.kubeletVersion, '');
  assert.deepEqual(status.daemonEndpoints, { kubeletEndpoint: { Port: 0 } });
  assert.deepEqual((o.spec as any).podCIDRs, ['10.42.0.0/24']);
  assert.deepEqual(node.validate(o), []);
});

test('Node validation: taints (reported under metadata.taints as upstream), podCIDRs', () => {
  const o = nodeObj({ spec: { taints: [{ key: 'k', effect: 'Sometimes' }, { key: 'a', value: 'b', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }], podCIDRs: ['10.42.0.0/24', '10.43.0.0/24'] } });
  node.defaults(o);
  assert.deepEqual(node.validate(o).map(fieldErrorMessage), [
    'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'metadata.taints[2]: Duplicate value: {"key":"a","effect":"NoSchedule"}: taints must be unique by key and effect pair',
    'spec.podCIDRs: Invalid value: ["10.42.0.0/24","10.43.0.0/24"]: may specify no more than one CIDR for each IP family',
  ]);
});

test('Node update: podCIDRs and providerID are set once', () => {
  const old = nodeObj({ spec: { podCIDRs: ['10.42.0.0/24'], providerID: 'skiff://a' } });
  const next = nodeObj({ spec: { podCIDRs: ['10.42.1.0/24'], providerID: 'skiff://b' } });
  assert.deepEqual(node.validateUpdate(next, old).map(fieldErrorMessage), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
  assert.deepEqual(node.validateUpdate(nodeObj({ spec: { podCIDRs: ['10.42.0.0/24'] } }), nodeObj({ spec: {} })), []);
});

test('Node table: status, roles, version and wide columns', () => {
  const o = nodeObj({
    metadata: { name: 'n1', creationTimestamp: '2024-01-01T00:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': 'true' } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '192.168.0.2' }, { type: 'Hostname', address: 'n1' }],
      nodeInfo: { kubeletVersion: 'v1.31.0+skiff', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'containerd://1.7' },
    },
  });
  assert.deepEqual(node.table.row(o, now), ['n1', 'Ready,SchedulingDisabled', 'control-plane,master', '24h', 'v1.31.0+skiff', '192.168.0.2', '<none>', 'Debian', '6.1', 'containerd://1.7']);
  const bare = nodeObj();
  node.defaults(bare);
  assert.deepEqual(node.table.row(bare, now), ['10.240.79.157', 'Unknown', '<none>', '24h', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  const notReady = nodeObj({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
  assert.equal(node.table.row(notReady, now)[1], 'NotReady');
  assert.equal(node.fieldSelectors['spec.unschedulable'](o), 'true');
  assert.equal(node.fieldSelectors['spec.unschedulable'](bare), 'false');
});

test('Node status split: main updates keep status, status updates keep spec', () => {
  const old = nodeObj({ spec: { unschedulable: false }, status: { phase: 'x' } });
  const next = nodeObj({ spec: { unschedulable: true }, status: { phase: 'y' } });
  node.prepareForUpdate(next, old);
  assert.deepEqual(next.status, { phase: 'x' });
  const st = nodeObj({ spec: { unschedulable: true }, status: { phase: 'y' } });
  node.prepareForStatusUpdate(st, old);
  assert.deepEqual(st.spec, { unschedulable: false });
});
