import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { CycleState } from './cycleState.js';
import {
  nodeAffinityFilter,
  nodeNameFilter,
  nodePortsFilter,
  nodeResourcesFitFilter,
  nodeUnschedulableFilter,
  runFilters,
  taintTolerationFilter,
  volumeFilter,
  type FilterFn,
} from './filters.js';
import { makeNode, makePod } from './fixtures.js';
import { Snapshot } from './snapshot.js';

/** Runs one filter for `pod` on node `name` of a snapshot built from `nodes` and `pods`. */
function check(filter: FilterFn, pod: KubeObject, nodes: KubeObject[], name = nodes[0].metadata.name ?? '', pods: KubeObject[] = []) {
  const s = Snapshot.build(nodes, pods);
  const st = CycleState.create(pod, s);
  const ni = s.nodeInfo(name);
  assert.ok(ni);
  return filter(st.pod, ni, st);
}

describe('NodeUnschedulable', () => {
  it('rejects cordoned nodes as unresolvable', () => {
    assert.deepEqual(check(nodeUnschedulableFilter, makePod('p'), [makeNode('n', { unschedulable: true })]), {
      reasons: ['node(s) were unschedulable'],
      unresolvable: true,
      plugin: 'NodeUnschedulable',
    });
  });
  it('lets pods tolerating node.kubernetes.io/unschedulable:NoSchedule through', () => {
    const pod = makePod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    assert.equal(check(nodeUnschedulableFilter, pod, [makeNode('n', { unschedulable: true })]), undefined);
  });
});

describe('NodeName', () => {
  it('matches only the named node', () => {
    const pod = makePod('p', { spec: { nodeName: 'b' } });
    assert.deepEqual(check(nodeNameFilter, pod, [makeNode('a'), makeNode('b')], 'a')?.reasons, ["node(s) didn't match the requested node name"]);
    assert.equal(check(nodeNameFilter, pod, [makeNode('a'), makeNode('b')], 'b'), undefined);
  });
});

describe('TaintToleration', () => {
  const cp = makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
  it('reports the first untolerated NoSchedule taint as {key: value}', () => {
    assert.deepEqual(check(taintTolerationFilter, makePod('p'), [cp]), {
      reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
      unresolvable: true,
      plugin: 'TaintToleration',
    });
    const n = makeNode('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] });
    assert.deepEqual(check(taintTolerationFilter, makePod('p'), [n])?.reasons, ['node(s) had untolerated taint {dedicated: gpu}']);
  });
  it('ignores PreferNoSchedule and honours Exists / Equal / empty-key tolerations', () => {
    assert.equal(check(taintTolerationFilter, makePod('p'), [makeNode('n', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] })]), undefined);
    const exists = makePod('p', { spec: { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] } });
    assert.equal(check(taintTolerationFilter, exists, [cp]), undefined);
    const all = makePod('p', { spec: { tolerations: [{ operator: 'Exists' }] } });
    assert.equal(check(taintTolerationFilter, all, [cp]), undefined);
    const n = makeNode('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    const wrongValue = makePod('p', { spec: { tolerations: [{ key: 'dedicated', value: 'cpu', effect: 'NoSchedule' }] } });
    assert.ok(check(taintTolerationFilter, wrongValue, [n]));
    const rightValue = makePod('p', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] } });
    assert.equal(check(taintTolerationFilter, rightValue, [n]), undefined);
  });
});

describe('NodeAffinity', () => {
  const node = makeNode('n', { labels: { disk: 'ssd', gen: '5', zone: 'a' } });
  const withTerms = (...terms: unknown[]) =>
    makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } });
  const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
  const fails = (pod: KubeObject) => check(nodeAffinityFilter, pod, [node])?.reasons;
  const msg = ["node(s) didn't match Pod's node affinity/selector"];

  it('applies spec.nodeSelector', () => {
    assert.equal(fails(makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } })), undefined);
    assert.deepEqual(fails(makePod('p', { spec: { nodeSelector: { disk: 'hdd' } } })), msg);
  });
  it('supports In, NotIn, Exists, DoesNotExist, Gt and Lt', () => {
    assert.equal(fails(withTerms(expr('disk', 'In', ['ssd', 'nvme']))), undefined);
    assert.deepEqual(fails(withTerms(expr('disk', 'NotIn', ['ssd']))), msg);
    assert.equal(fails(withTerms(expr('missing', 'NotIn', ['x']))), undefined);
    assert.equal(fails(withTerms(expr('disk', 'Exists'))), undefined);
    assert.deepEqual(fails(withTerms(expr('disk', 'DoesNotExist'))), msg);
    assert.equal(fails(withTerms(expr('gen', 'Gt', ['4']))), undefined);
    assert.deepEqual(fails(withTerms(expr('gen', 'Lt', ['5']))), msg);
    assert.deepEqual(fails(withTerms(expr('disk', 'Gt', ['4']))), msg, 'non-integer label');
  });
  it('ORs terms, ANDs expressions, and treats an empty term as matching nothing', () => {
    assert.equal(fails(withTerms(expr('disk', 'In', ['hdd']), expr('zone', 'In', ['a']))), undefined);
    assert.deepEqual(
      fails(withTerms({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'zone', operator: 'In', values: ['b'] }] })),
      msg,
    );
    assert.deepEqual(fails(withTerms({})), msg);
  });
  it('matches metadata.name through matchFields', () => {
    const pin = withTerms({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] });
    assert.equal(fails(pin), undefined);
    assert.deepEqual(fails(withTerms({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n'] }] })), msg);
  });
});

describe('NodePorts', () => {
  const hostPortPod = (name: string, port: number, hostIP?: string, nodeName?: string) =>
    makePod(name, { nodeName, spec: { containers: [{ name: 'c', ports: [{ containerPort: port, hostPort: port, ...(hostIP ? { hostIP } : {}) }] }] } });
  it('rejects a node already using the host port', () => {
    const r = check(nodePortsFilter, hostPortPod('p', 80), [makeNode('n')], 'n', [hostPortPod('q', 80, undefined, 'n')]);
    assert.deepEqual(r, { reasons: ["node(s) didn't have free ports for the requested pod ports"], unresolvable: false, plugin: 'NodePorts' });
  });
  it('allows the same port on different host IPs but not against 0.0.0.0', () => {
    assert.equal(check(nodePortsFilter, hostPortPod('p', 80, '10.0.0.2'), [makeNode('n')], 'n', [hostPortPod('q', 80, '10.0.0.1', 'n')]), undefined);
    assert.ok(check(nodePortsFilter, hostPortPod('p', 80), [makeNode('n')], 'n', [hostPortPod('q', 80, '10.0.0.1', 'n')]));
  });
});

describe('NodeResourcesFit', () => {
  it('reports each insufficient resource', () => {
    const r = check(nodeResourcesFitFilter, makePod('p', { cpu: '3', memory: '7Gi' }), [makeNode('n', { cpu: '4', memory: '8Gi' })], 'n', [
      makePod('q', { nodeName: 'n', cpu: '2', memory: '2Gi' }),
    ]);
    assert.deepEqual(r, { reasons: ['Insufficient cpu', 'Insufficient memory'], unresolvable: false, plugin: 'NodeResourcesFit' });
  });
  it('marks requests larger than the whole node unresolvable', () => {
    assert.equal(check(nodeResourcesFitFilter, makePod('p', { cpu: '5' }), [makeNode('n', { cpu: '4' })])?.unresolvable, true);
  });
  it('counts pods against allocatable pods, even for pods without requests', () => {
    const r = check(nodeResourcesFitFilter, makePod('p'), [makeNode('n', { pods: '1' })], 'n', [makePod('q', { nodeName: 'n' })]);
    assert.deepEqual(r?.reasons, ['Too many pods']);
  });
  it('checks ephemeral-storage and extended resources', () => {
    const pod = makePod('p', { spec: { containers: [{ name: 'c', resources: { requests: { 'ephemeral-storage': '2Gi', 'example.com/gpu': '1' } } }] } });
    assert.deepEqual(check(nodeResourcesFitFilter, pod, [makeNode('n', { ephemeralStorage: '1Gi' })])?.reasons, [
      'Insufficient ephemeral-storage',
      'Insufficient example.com/gpu',
    ]);
    assert.equal(check(nodeResourcesFitFilter, pod, [makeNode('n', { ephemeralStorage: '10Gi', extra: { 'example.com/gpu': '1' } })]), undefined);
  });
  it('fits a pod with no requests on a full node with pod room', () => {
    assert.equal(check(nodeResourcesFitFilter, makePod('p'), [makeNode('n', { cpu: '1' })], 'n', [makePod('q', { nodeName: 'n', cpu: '1' })]), undefined);
  });
});

describe('volume hook and the filter chain', () => {
  it('runs the caller volume filter and stops at the first rejecting plugin', () => {
    const s = Snapshot.build([makeNode('n', { taints: [{ key: 't', effect: 'NoSchedule' }] }), makeNode('m')]);
    const st = CycleState.create(makePod('p', { cpu: '1' }), s, {
      volume: { filter: (_pod, node) => (node.name === 'm' ? { reasons: ['node(s) had volume node affinity conflict'], unresolvable: true } : undefined) },
    });
    assert.deepEqual(runFilters(st, s.nodeInfo('n')!)?.reasons, ['node(s) had untolerated taint {t: }']);
    assert.deepEqual(volumeFilter(st.pod, s.nodeInfo('m')!, st), {
      reasons: ['node(s) had volume node affinity conflict'],
      unresolvable: true,
      plugin: 'VolumeBinding',
    });
  });
});
