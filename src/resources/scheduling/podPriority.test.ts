import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/types.js';
import type { AdmissionContext } from '../types.js';
import { admitPodPriority, keepPodPriority } from './podPriority.js';
import { priorityClassStrategy, systemPriorityClassObjects } from './priorityclass.js';

function pc(name: string, value: number, fields: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...fields };
  priorityClassStrategy.defaults(o);
  return o;
}
function pod(spec: Record<string, unknown> = {}, meta: Record<string, string> = { name: 'p' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', ...meta }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}
const builtins = systemPriorityClassObjects().map((o) => {
  priorityClassStrategy.defaults(o);
  return o;
});
const ctxWith = (classes: KubeObject[]): AdmissionContext => ({
  listAll: async (group, resource) => (group === 'scheduling.k8s.io' && resource === 'priorityclasses' ? [...builtins, ...classes] : []),
  options: { serviceCIDR: '10.43.0.0/16', nodePortRange: [30000, 32767], clusterDomain: 'cluster.local' },
});
const spec = (o: KubeObject): Record<string, unknown> => o.spec as Record<string, unknown>;

async function forbiddenMessage(p: KubeObject, ctx: AdmissionContext): Promise<string> {
  try {
    await admitPodPriority(p, ctx);
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.equal(e.reason, 'Forbidden');
    return e.message;
  }
  assert.fail('admission accepted the pod');
}

test('a named class gives its value and preemptionPolicy', async () => {
  const p = pod({ priorityClassName: 'high' });
  await admitPodPriority(p, ctxWith([pc('high', 1000, { preemptionPolicy: 'Never' })]));
  assert.deepEqual([spec(p).priorityClassName, spec(p).priority, spec(p).preemptionPolicy], ['high', 1000, 'Never']);
  const crit = pod({ priorityClassName: 'system-node-critical' });
  await admitPodPriority(crit, ctxWith([]));
  assert.deepEqual([spec(crit).priority, spec(crit).preemptionPolicy], [2_000_001_000, 'PreemptLowerPriority']);
});

test('no class name: the global default class (named on the pod), else 0 and PreemptLowerPriority', async () => {
  const p = pod();
  await admitPodPriority(p, ctxWith([pc('high', 1000)]));
  assert.deepEqual([spec(p).priorityClassName, spec(p).priority, spec(p).preemptionPolicy], [undefined, 0, 'PreemptLowerPriority']);
  const q = pod();
  await admitPodPriority(q, ctxWith([pc('fallback', 7, { globalDefault: true, preemptionPolicy: 'Never' })]));
  assert.deepEqual([spec(q).priorityClassName, spec(q).priority, spec(q).preemptionPolicy], ['fallback', 7, 'Never']);
});

test('a missing class is 403 naming the pod (or its generateName before the suffix)', async () => {
  assert.equal(await forbiddenMessage(pod({ priorityClassName: 'foo' }), ctxWith([])), 'pods "p" is forbidden: no PriorityClass with name foo was found');
  const generated = pod({ priorityClassName: 'foo' }, { generateName: 'web-7d9f8-', name: 'web-7d9f8-x2b9k' });
  assert.equal(await forbiddenMessage(generated, ctxWith([])), 'pods "web-7d9f8-" is forbidden: no PriorityClass with name foo was found');
});

test('a pod may repeat, but not contradict, the computed priority and preemptionPolicy', async () => {
  const ctx = ctxWith([pc('high', 1000)]);
  const same = pod({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
  await admitPodPriority(same, ctx);
  assert.equal(spec(same).priority, 1000);
  assert.equal(
    await forbiddenMessage(pod({ priorityClassName: 'high', priority: 5 }), ctx),
    'pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
  );
  assert.equal(
    await forbiddenMessage(pod({ priority: 3 }), ctx),
    'pods "p" is forbidden: the integer value of priority (3) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
  );
  assert.equal(
    await forbiddenMessage(pod({ preemptionPolicy: 'Never' }), ctx),
    'pods "p" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name',
  );
});

test('update keeps the priority and preemptionPolicy set at create when omitted', () => {
  const old = pod({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
  const next = pod({ priorityClassName: 'high' });
  keepPodPriority(next, old);
  assert.deepEqual([spec(next).priority, spec(next).preemptionPolicy], [1000, 'Never']);
  const changed = pod({ priorityClassName: 'high', priority: 1 });
  keepPodPriority(changed, old);
  assert.equal(spec(changed).priority, 1, 'an explicit value is left for update validation to judge');
});
