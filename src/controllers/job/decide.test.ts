// decideJob on single observed states: adoption, tracking-finalizer bookkeeping, policies and
// the cases where the controller must stay out of the way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Action, PatchAction } from '../shared/actions.js';
import { rec, statusOf } from '../shared/meta.js';
import { decideJob } from './decide.js';
import { JOB_TRACKING_FINALIZER } from './jobMeta.js';
import { decideOrphanPodFinalizer } from './orphanPods.js';
import { jobObject } from './testFixtures.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');

function pod(name: string, job: KubeObject, phase: string, extra: { finalizer?: boolean; owned?: boolean; deleting?: boolean; conditions?: unknown[]; uid?: string } = {}): KubeObject {
  const labels = { ...(rec(rec(rec(job.spec)?.template)?.metadata)?.labels as Record<string, string>) };
  const p: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: extra.uid ?? `uid-${name}`, labels, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { nodeName: 'n1', containers: [{ name: 'main' }] },
    status: { phase, conditions: extra.conditions ?? [] },
  };
  if (extra.finalizer ?? true) p.metadata.finalizers = [JOB_TRACKING_FINALIZER];
  if (extra.owned ?? true) p.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name ?? '', uid: job.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }];
  if (extra.deleting) p.metadata.deletionTimestamp = '2024-01-01T00:09:00Z';
  return p;
}

const statusWrite = (actions: Action[]): Record<string, unknown> | undefined => {
  const a = actions.find((x) => x.kind === 'updateStatus');
  return a && a.kind === 'updateStatus' ? statusOf(a.object) : undefined;
};
const kinds = (actions: Action[]): string[] => actions.map((a) => (a.kind === 'delete' || a.kind === 'patch' ? `${a.kind}:${a.ref.name}` : a.kind));

describe('decideJob', () => {
  it('adopts a matching orphan pod with the tracking finalizer in the same patch', () => {
    const job = jobObject('a', { completions: 1 });
    const orphan = pod('stray', job, 'Running', { owned: false, finalizer: false });
    const actions = decideJob({ job, pods: [orphan] }, NOW);
    const patch = actions.find((a): a is PatchAction => a.kind === 'patch');
    assert.deepEqual(rec(patch?.patch)?.metadata, {
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'a', uid: 'uid-job-a', controller: true, blockOwnerDeletion: true }],
      uid: 'uid-stray',
      finalizers: [JOB_TRACKING_FINALIZER],
    });
    assert.ok(!actions.some((a) => a.kind === 'create'), 'the adopted pod counts as active');
  });

  it('a finished Job only strips finalizers left on its pods', () => {
    const job = jobObject('done');
    job.status = { conditions: [{ type: 'Complete', status: 'True' }] };
    const actions = decideJob({ job, pods: [pod('p1', job, 'Succeeded'), pod('p2', job, 'Succeeded', { finalizer: false })] }, NOW);
    assert.deepEqual(kinds(actions), ['patch:p1']);
    assert.deepEqual(rec((actions[0] as PatchAction).patch)?.metadata, { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] });
  });

  it('leaves Jobs managed by another controller alone', () => {
    const job = jobObject('ext', { managedBy: 'example.com/queue' });
    assert.deepEqual(decideJob({ job, pods: [] }, NOW), []);
  });

  it('an unknown completion mode is reported, not synced', () => {
    const job = jobObject('odd');
    (job.spec as Record<string, unknown>).completionMode = 'Weird';
    const actions = decideJob({ job, pods: [] }, NOW);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind === 'event' && actions[0].event.reason, 'UnknownCompletionMode');
  });

  it('records a finished pod as uncounted, then removes its finalizer; counts it once the finalizer is gone', () => {
    const job = jobObject('t', { completions: 3, parallelism: 1 });
    job.status = { startTime: '2024-01-01T00:00:00Z', active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} };
    const done = pod('p1', job, 'Succeeded');
    const first = decideJob({ job, pods: [done] }, NOW);
    assert.deepEqual(rec(statusWrite(first)?.uncountedTerminatedPods), { succeeded: ['uid-p1'] });
    const order = kinds(first);
    assert.ok(order.indexOf('updateStatus') < order.indexOf('patch:p1'), 'status is written before the finalizer goes');

    job.status = { ...statusWrite(first) };
    const counted = { ...done, metadata: { ...done.metadata, finalizers: [] } };
    const second = decideJob({ job, pods: [counted, pod('p2', job, 'Running')] }, NOW);
    const st = statusWrite(second);
    assert.equal(st?.succeeded, 1);
    assert.deepEqual(st?.uncountedTerminatedPods, {});
  });

  it('an uncounted pod that disappeared is counted too', () => {
    const job = jobObject('gone', { completions: 2 });
    job.status = { startTime: '2024-01-01T00:00:00Z', ready: 0, terminating: 0, uncountedTerminatedPods: { failed: ['uid-x'] } };
    const st = statusWrite(decideJob({ job, pods: [] }, NOW));
    assert.equal(st?.failed, 1);
    assert.deepEqual(st?.uncountedTerminatedPods, {});
  });

  it('an Ignore rule keeps a failure out of status.failed', () => {
    const policy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] };
    const job = jobObject('ign', { podFailurePolicy: policy, backoffLimit: 0 });
    const evicted = pod('p1', job, 'Failed', { conditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    const actions = decideJob({ job, pods: [evicted] }, NOW);
    const st = statusWrite(actions);
    assert.deepEqual(st?.uncountedTerminatedPods, {});
    assert.equal(st?.conditions, undefined, 'backoffLimit 0 is not exceeded by an ignored failure');
    assert.ok(kinds(actions).includes('patch:p1'), 'its finalizer still goes');
  });

  it('scaling parallelism down removes the finalizer, then deletes the surplus pods (not-ready first)', () => {
    const job = jobObject('down', { completions: 10, parallelism: 1 });
    job.status = { startTime: '2024-01-01T00:00:00Z', active: 2, ready: 1, terminating: 0, uncountedTerminatedPods: {} };
    const ready = pod('ready', job, 'Running', { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:01:00Z' }] });
    const notReady = pod('slow', job, 'Running');
    const actions = decideJob({ job, pods: [ready, notReady] }, NOW);
    assert.deepEqual(kinds(actions).filter((k) => k !== 'updateStatus'), ['patch:slow', 'delete:slow']);
    assert.equal(statusWrite(actions)?.terminating, 1);
  });

  it('with podReplacementPolicy Failed a terminating pod is not replaced yet', () => {
    const job = jobObject('prp', { completions: 1, podReplacementPolicy: 'Failed' });
    job.status = { startTime: '2024-01-01T00:00:00Z', ready: 0, terminating: 1, uncountedTerminatedPods: {} };
    const actions = decideJob({ job, pods: [pod('p1', job, 'Running', { deleting: true })] }, NOW);
    assert.ok(!actions.some((a) => a.kind === 'create'));
    const def = jobObject('tof', { completions: 1 });
    def.status = { startTime: '2024-01-01T00:00:00Z', ready: 0, terminating: 1, uncountedTerminatedPods: {} };
    const replaced = decideJob({ job: def, pods: [pod('p1', def, 'Running', { deleting: true, finalizer: false })] }, NOW);
    assert.equal(replaced.filter((a) => a.kind === 'create').length, 1, 'TerminatingOrFailed replaces at once');
  });

  it('a Job being deleted frees every pod and creates none', () => {
    const job = jobObject('del', { completions: 2, parallelism: 2 });
    job.metadata.deletionTimestamp = '2024-01-01T00:09:00Z';
    const actions = decideJob({ job, pods: [pod('p1', job, 'Running')] }, NOW);
    assert.ok(kinds(actions).includes('patch:p1'));
    assert.ok(!actions.some((a) => a.kind === 'create'));
  });

  it('creates at most the remaining completions, in slow-start batches', () => {
    const job = jobObject('many', { completions: 7, parallelism: 20 });
    const creates = decideJob({ job, pods: [] }, NOW).filter((a) => a.kind === 'create');
    assert.equal(creates.length, 7);
    assert.deepEqual(creates.map((a) => (a.kind === 'create' ? a.batch : -1)), [0, 1, 1, 2, 2, 2, 2]);
  });
});

describe('decideOrphanPodFinalizer', () => {
  const job = jobObject('o');
  const finished = { ...jobObject('o'), status: { conditions: [{ type: 'Failed', status: 'True' }] } };
  const cases: [string, KubeObject, KubeObject | undefined, number][] = [
    ['no controller', pod('a', job, 'Running', { owned: false }), undefined, 1],
    ['its Job is gone', pod('b', job, 'Failed'), undefined, 1],
    ['its Job finished', pod('c', job, 'Failed'), finished, 1],
    ['its Job runs', pod('d', job, 'Running'), job, 0],
    ['a Job of the same name but another uid', pod('e', job, 'Running'), { ...job, metadata: { ...job.metadata, uid: 'other' } }, 1],
    ['no finalizer', pod('f', job, 'Running', { finalizer: false, owned: false }), undefined, 0],
  ];
  for (const [name, p, j, n] of cases) {
    it(`${name}: ${n ? 'removes' : 'keeps'} the finalizer`, () => {
      assert.equal(decideOrphanPodFinalizer({ pod: p, ...(j ? { job: j } : {}) }).length, n);
    });
  }
  it('pods controlled by another kind are not touched', () => {
    const p = pod('g', job, 'Running');
    p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }];
    assert.deepEqual(decideOrphanPodFinalizer({ pod: p }), []);
  });
});
