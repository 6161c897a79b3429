import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { type NodeVerdict, nodeShouldRunDaemonPod } from './nodeEligibility.js';

const node = (labels: Record<string, string>, taints: Record<string, unknown>[] = [], name = 'n1'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } });

const ds = (podSpec: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'd', namespace: 'default', uid: 'ds-uid' },
  spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }], ...podSpec } } },
});

const run: NodeVerdict = { shouldRun: true, shouldContinueRunning: true };
const no: NodeVerdict = { shouldRun: false, shouldContinueRunning: false };
const keep: NodeVerdict = { shouldRun: false, shouldContinueRunning: true };

describe('NodeShouldRunDaemonPod', () => {
  const affinity = (term: Record<string, unknown>): Record<string, unknown> => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } } });
  const cases: [string, Record<string, unknown>, KubeObject, NodeVerdict][] = [
    ['plain node', {}, node({}), run],
    ['nodeSelector matches', { nodeSelector: { disk: 'ssd' } }, node({ disk: 'ssd' }), run],
    ['nodeSelector misses', { nodeSelector: { disk: 'ssd' } }, node({ disk: 'hdd' }), no],
    ['affinity In', affinity({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }), node({ zone: 'b' }), run],
    ['affinity NotIn', affinity({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }), node({ zone: 'b' }), no],
    ['affinity Gt', affinity({ matchExpressions: [{ key: 'cpus', operator: 'Gt', values: ['4'] }] }), node({ cpus: '8' }), run],
    ['matchFields on the name', affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }), node({}), no],
    ['template nodeName elsewhere', { nodeName: 'n2' }, node({}), no],
    ['NoSchedule taint not tolerated: keep a running pod', {}, node({}, [{ key: 'k', value: 'v', effect: 'NoSchedule' }]), keep],
    ['NoExecute taint not tolerated', {}, node({}, [{ key: 'k', effect: 'NoExecute' }]), no],
    ['PreferNoSchedule is ignored', {}, node({}, [{ key: 'k', effect: 'PreferNoSchedule' }]), run],
    ['taint tolerated (Exists)', { tolerations: [{ key: 'k', operator: 'Exists' }] }, node({}, [{ key: 'k', value: 'v', effect: 'NoExecute' }]), run],
    ['cordoned node (default toleration)', {}, node({}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), run],
    ['not-ready node (default toleration)', {}, node({}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), run],
    ['network-unavailable, no hostNetwork', {}, node({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), keep],
    ['network-unavailable, hostNetwork', { hostNetwork: true }, node({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), run],
  ];
  for (const [name, podSpec, n, want] of cases) {
    it(name, () => assert.deepEqual(nodeShouldRunDaemonPod(n, ds(podSpec)), want));
  }
});
