import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { NodeInfo } from './nodeInfo.js';
import { podInfoOf } from './podInfo.js';
import { volumeBindingHook } from './volumeBinding.js';

const obj = (o: Record<string, unknown>): KubeObject => o as unknown as KubeObject;
const node = (name: string): NodeInfo => new NodeInfo(name, obj({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: {} }));
const pod = (claim: string): KubeObject => obj({ metadata: { name: 'web-0', namespace: 'ns' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'www', persistentVolumeClaim: { claimName: claim } }] } });

const claims: Record<string, KubeObject> = {
  'ns/bound': obj({ metadata: { name: 'bound', namespace: 'ns' }, spec: { volumeName: 'pv-1', storageClassName: 'wffc' } }),
  'ns/waiting': obj({ metadata: { name: 'waiting', namespace: 'ns' }, spec: { storageClassName: 'wffc' } }),
  'ns/immediate': obj({ metadata: { name: 'immediate', namespace: 'ns' }, spec: { storageClassName: 'fast' } }),
};
const hook = volumeBindingHook({
  claim: (ns, name) => claims[`${ns}/${name}`],
  volume: (name) => (name === 'pv-1' ? obj({ metadata: { name }, spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } } } }) : undefined),
  storageClass: (name) => (name === 'wffc' ? obj({ metadata: { name }, volumeBindingMode: 'WaitForFirstConsumer' }) : obj({ metadata: { name }, volumeBindingMode: 'Immediate' })),
});

test('a claim bound to a PV with node affinity admits only the matching node', () => {
  const info = podInfoOf(pod('bound'));
  assert.equal(hook.preFilter?.(info, undefined as never), undefined);
  assert.equal(hook.filter?.(info, node('n1'), undefined as never), undefined);
  assert.deepEqual(hook.filter?.(info, node('n2'), undefined as never)?.reasons, ['node(s) had volume node affinity conflict']);
});

test('unbound WaitForFirstConsumer claims pass; missing and unbound immediate claims reject the pod', () => {
  const waiting = podInfoOf(pod('waiting'));
  assert.equal(hook.preFilter?.(waiting, undefined as never), undefined);
  assert.equal(hook.filter?.(waiting, node('n2'), undefined as never), undefined);
  assert.deepEqual(hook.preFilter?.(podInfoOf(pod('immediate')), undefined as never)?.reasons, ['pod has unbound immediate PersistentVolumeClaims']);
  const missing = hook.preFilter?.(podInfoOf(pod('nope')), undefined as never);
  assert.deepEqual(missing?.reasons, ['persistentvolumeclaim "nope" not found']);
  assert.equal(missing?.unresolvable, true);
});
