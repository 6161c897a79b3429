// Whole Job lifecycles simulated step by step: decideJob against an in-memory cluster with
// a kubelet stand-in, checking the counts, conditions, Events and back-off upstream produces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rec, recs } from '../shared/meta.js';
import { JOB_TRACKING_FINALIZER } from './jobMeta.js';
import { JobHarness } from './testFixtures.js';

describe('Job lifecycle', () => {
  it('completions 5, parallelism 2: never more than 2 running, 5 pods, SuccessCriteriaMet then Complete', () => {
    const h = new JobHarness('pi', { completions: 5, parallelism: 2 });
    h.sync();
    assert.equal(h.activePods().length, 2);
    assert.ok(h.status().startTime, 'startTime is set on the first sync');
    for (let round = 0; round < 10 && h.conditionTypes().indexOf('Complete') < 0; round++) {
      h.c.runPods();
      h.sync();
      const [first] = h.c.running();
      if (first) {
        h.c.now += 5000;
        h.c.finishPod(first, 0);
      }
      h.sync();
      assert.ok(h.activePods().length <= 2, `at most parallelism pods run (round ${round})`);
    }
    const st = h.status();
    assert.equal(st.succeeded, 5);
    assert.equal(st.active, undefined, 'active 0 is omitted');
    assert.equal(st.ready, 0);
    assert.equal(st.terminating, 0);
    assert.deepEqual(st.uncountedTerminatedPods, {});
    assert.deepEqual(h.conditionTypes(), ['SuccessCriteriaMet', 'Complete']);
    for (const type of ['SuccessCriteriaMet', 'Complete']) {
      assert.equal(h.condition(type)?.reason, 'CompletionsReached');
      assert.equal(h.condition(type)?.message, 'Reached expected number of succeeded pods');
    }
    assert.equal(st.completionTime, h.condition('Complete')?.lastTransitionTime);
    assert.equal(h.pods().length, 5);
    assert.ok(h.pods().every((p) => !(p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)), 'finalizers removed once counted');
    assert.equal(h.c.reasons().filter((r) => r === 'SuccessfulCreate').length, 5);
    assert.equal(h.c.events.find((e) => e.reason === 'Completed')?.message, 'Job completed');
    assert.match(h.c.events.find((e) => e.reason === 'SuccessfulCreate')?.message ?? '', /^Created pod: pi-/);
    // A finished Job is left alone.
    assert.deepEqual(h.decide(), []);
  });

  it('a failing template ends Failed with BackoffLimitExceeded after backoffLimit+1 failures, backing off 10 s, 20 s', () => {
    const h = new JobHarness('fail', { backoffLimit: 2 });
    const delays: number[] = [];
    h.sync();
    for (let attempt = 0; attempt < 5; attempt++) {
      h.c.runPods();
      h.sync();
      const [pod] = h.c.running();
      if (!pod) break;
      h.c.finishPod(pod, 1);
      const requeue = h.sync();
      if (h.conditionTypes().includes('FailureTarget')) break;
      assert.ok(requeue !== undefined, 'the replacement waits for the back-off');
      delays.push(requeue);
      assert.equal(h.activePods().length, 0, 'no replacement before the back-off');
      h.c.now += requeue;
      h.sync();
      assert.equal(h.activePods().length, 1, 'replacement after the back-off');
    }
    assert.deepEqual(delays, [10_000, 20_000]);
    assert.equal(h.pods().length, 3);
    assert.equal(h.status().failed, 3);
    assert.deepEqual(h.conditionTypes(), ['FailureTarget', 'Failed']);
    for (const type of ['FailureTarget', 'Failed']) {
      assert.equal(h.condition(type)?.reason, 'BackoffLimitExceeded');
      assert.equal(h.condition(type)?.message, 'Job has reached the specified backoff limit');
    }
    const ev = h.c.events.find((e) => e.reason === 'BackoffLimitExceeded');
    assert.equal(ev?.type, 'Warning');
    assert.equal(ev?.message, 'Job has reached the specified backoff limit');
    assert.equal(h.status().completionTime, undefined);
  });

  it('Indexed: pods carry indexes 0..n-1 (annotation, label, env, hostname) and completedIndexes fills in', () => {
    const h = new JobHarness('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' });
    h.sync();
    const pods = h.pods();
    assert.equal(pods.length, 3);
    const indexes = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepEqual(indexes, ['0', '1', '2']);
    for (const p of pods) {
      const ix = p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], ix);
      assert.equal(p.metadata.generateName, `idx-${ix}-`);
      assert.equal(rec(p.spec)?.hostname, `idx-${ix}`);
      const env = recs(recs(rec(p.spec)?.containers)[0]?.env);
      assert.deepEqual(env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-name'], 'idx');
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/controller-uid'], 'uid-job-idx');
    }
    h.c.runPods();
    const byIndex = (i: string): string => h.pods().find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === i)?.metadata.name ?? '';
    h.c.finishPod(byIndex('0'));
    h.c.finishPod(byIndex('2'));
    h.sync();
    assert.equal(h.status().completedIndexes, '0,2');
    assert.equal(h.status().succeeded, 2);
    h.c.finishPod(byIndex('1'));
    h.sync();
    assert.equal(h.status().completedIndexes, '0-2');
    assert.ok(h.conditionTypes().includes('Complete'));
  });

  it('Indexed: a failed index is recreated with the same index', () => {
    const h = new JobHarness('idx2', { completions: 2, parallelism: 2, completionMode: 'Indexed' });
    h.sync();
    h.c.runPods();
    const one = h.pods().find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '1');
    h.c.finishPod(one?.metadata.name ?? '', 3);
    h.c.now += 10_000;
    h.sync();
    h.c.now += 10_000;
    h.sync();
    const active = h.activePods().map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepEqual(active, ['0', '1']);
  });

  it('activeDeadlineSeconds: requeues for the deadline, then deletes active pods and fails with DeadlineExceeded', () => {
    const h = new JobHarness('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 });
    assert.equal(h.sync(), 30_000);
    h.c.runPods();
    h.c.now += 30_000;
    h.sync();
    assert.equal(h.condition('FailureTarget')?.reason, 'DeadlineExceeded');
    assert.equal(h.condition('FailureTarget')?.message, 'Job was active longer than specified deadline');
    assert.ok(!h.conditionTypes().includes('Failed'), 'Failed waits for terminating pods');
    assert.equal(h.status().terminating, 2);
    assert.equal(h.c.reasons().filter((r) => r === 'SuccessfulDelete').length, 2);
    h.c.finishDeletions();
    h.sync();
    assert.equal(h.pods().length, 0, 'pods are gone once counted');
    assert.equal(h.condition('Failed')?.reason, 'DeadlineExceeded');
    assert.equal(h.status().failed, 2);
    assert.equal(h.c.events.find((e) => e.reason === 'DeadlineExceeded')?.type, 'Warning');
  });

  it('suspend: no pods and no startTime; resume sets startTime and creates pods; suspending deletes them', () => {
    const h = new JobHarness('sus', { suspend: true, parallelism: 2, completions: 4 });
    h.sync();
    assert.equal(h.pods().length, 0);
    assert.equal(h.status().startTime, undefined);
    assert.equal(h.condition('Suspended')?.status, 'True');
    assert.equal(h.condition('Suspended')?.reason, 'JobSuspended');
    assert.equal(h.c.events.find((e) => e.reason === 'Suspended')?.message, 'Job suspended');

    h.c.now += 60_000;
    h.c.edit('Job', 'sus', (j) => Object.assign(rec(j.spec) ?? {}, { suspend: false }));
    h.sync();
    assert.equal(h.activePods().length, 2);
    assert.equal(h.condition('Suspended')?.status, 'False');
    assert.equal(h.condition('Suspended')?.reason, 'JobResumed');
    assert.equal(h.status().startTime, '2024-01-01T00:01:00Z');
    assert.ok(h.c.reasons().includes('Resumed'));

    h.c.runPods();
    h.c.edit('Job', 'sus', (j) => Object.assign(rec(j.spec) ?? {}, { suspend: true }));
    h.sync();
    assert.equal(h.activePods().length, 0);
    assert.ok(h.pods().every((p) => !(p.metadata.finalizers ?? []).length), 'removed pods lose the finalizer first');
    assert.equal(h.condition('Suspended')?.status, 'True');
    assert.equal(h.status().failed, undefined, 'pods removed by suspension are not failures');
  });

  it('podFailurePolicy FailJob on an exit code fails the Job with reason PodFailurePolicy', () => {
    const policy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] };
    const h = new JobHarness('pfp', { podFailurePolicy: policy, backoffLimit: 6 });
    h.sync();
    h.c.runPods();
    const [pod] = h.c.running();
    h.c.finishPod(pod, 42);
    h.sync();
    const msg = `Container main for pod default/${pod} failed with exit code 42 matching FailJob rule at index 0`;
    assert.equal(h.condition('FailureTarget')?.reason, 'PodFailurePolicy');
    assert.equal(h.condition('Failed')?.message, msg);
    assert.equal(h.c.events.find((e) => e.reason === 'PodFailurePolicy')?.message, msg);
  });

  it('work-queue Job (no completions): after one success no new pods; Complete when all finish', () => {
    const h = new JobHarness('wq', { parallelism: 2 });
    h.sync();
    h.c.runPods();
    const [a, b] = h.c.running();
    h.c.finishPod(a);
    h.sync();
    assert.equal(h.activePods().length, 1);
    assert.ok(!h.conditionTypes().includes('Complete'));
    h.c.finishPod(b);
    h.sync();
    assert.deepEqual(h.conditionTypes(), ['SuccessCriteriaMet', 'Complete']);
    assert.equal(h.status().succeeded, 2);
  });

  it('restartPolicy OnFailure: container restarts count against backoffLimit', () => {
    const h = new JobHarness('restarts', { backoffLimit: 2 }, { restartPolicy: 'OnFailure' });
    h.sync();
    h.c.runPods();
    const [pod] = h.c.running();
    h.c.edit('Pod', pod, (p) => {
      const cs = recs(rec(p.status)?.containerStatuses);
      cs[0].restartCount = 2;
    });
    h.sync();
    assert.equal(h.condition('FailureTarget')?.reason, 'BackoffLimitExceeded');
  });
});
