// Batch workloads on simulated nodes (issue 3, "Done means" 3 and 4): Jobs complete, fail
// with BackoffLimitExceeded after backoffLimit+1 failed pods, and hand out completion
// indexes in Indexed mode; `kubectl create job --from=cronjob/hello` runs the seed CronJob's
// template. Driven by the real kubectl 1.33.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, startCluster, type TestCluster } from '../support/cluster.js';
import { applyObj, getJson, podsOf, type Workload } from '../support/workloads.js';

const seedCronJob = join(repoRoot(), 'test', 'fixtures', 'seed', 'cronjob-hello.yaml');

function job(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...spec,
      template: {
        metadata: annotations ? { annotations } : {},
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['true'] }] },
      },
    },
  };
}

let c: TestCluster;
before(async () => {
  c = await startCluster({ controllers: true, extraArgs: ['--sim-nodes', '3'] });
});
after(async () => {
  await c.stop();
});

describe('Jobs on simulated nodes', () => {
  it('completes 5 completions with parallelism 2', async () => {
    const ns = 'job-complete';
    await c.kubectlOk(['create', 'namespace', ns]);
    await applyObj(c, ns, job('five', { completions: 5, parallelism: 2 }));
    const waited = await c.kubectlOk(['wait', '-n', ns, '--for=condition=complete', 'job/five', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(waited, /job\.batch\/five condition met/);
    const j = await getJson<Workload>(c, ['get', '-n', ns, 'job/five']);
    assert.equal(j.status?.succeeded, 5);
    assert.ok(!j.status?.failed);
    assert.ok(j.status?.completionTime && j.status?.startTime);
    const complete = j.status?.conditions?.find((x) => x.type === 'Complete');
    assert.equal(complete?.status, 'True');
    const pods = await podsOf(c, ns, 'job-name=five');
    assert.equal(pods.filter((p) => p.status.phase === 'Succeeded').length, 5);
    // Pods are tracked with the batch.kubernetes.io/job-tracking finalizer, removed once counted.
    assert.ok(pods.every((p) => !(p.metadata.finalizers ?? []).includes('batch.kubernetes.io/job-tracking')));
    const row = await c.kubectlOk(['get', '-n', ns, 'job/five']);
    assert.match(row, /five\s+Complete\s+5\/5\s/);
  });

  it('fails with BackoffLimitExceeded after backoffLimit+1 failed pods', async () => {
    const ns = 'job-fail';
    await c.kubectlOk(['create', 'namespace', ns]);
    await applyObj(c, ns, job('doomed', { backoffLimit: 1 }, { 'skiff.dev/sim-fail': 'true' }));
    const waited = await c.kubectlOk(['wait', '-n', ns, '--for=condition=failed', 'job/doomed', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.match(waited, /job\.batch\/doomed condition met/);
    const j = await getJson<Workload>(c, ['get', '-n', ns, 'job/doomed']);
    const failed = j.status?.conditions?.find((x) => x.type === 'Failed');
    assert.equal(failed?.status, 'True');
    assert.equal(failed?.reason, 'BackoffLimitExceeded');
    assert.equal(failed?.message, 'Job has reached the specified backoff limit');
    assert.equal(j.status?.failed, 2);
    assert.ok(!j.status?.succeeded);
    assert.ok(!j.status?.active);
    const pods = await podsOf(c, ns, 'job-name=doomed');
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.status.phase === 'Failed'));
    const events = await c.kubectlOk(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=doomed']);
    assert.match(events, /BackoffLimitExceeded/);
  });

  it('Indexed mode hands out completion indexes 0..n-1', async () => {
    const ns = 'job-indexed';
    await c.kubectlOk(['create', 'namespace', ns]);
    await applyObj(c, ns, job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await c.kubectlOk(['wait', '-n', ns, '--for=condition=complete', 'job/idx', '--timeout=60s'], { timeoutMs: 70_000 });
    const j = await getJson<Workload>(c, ['get', '-n', ns, 'job/idx']);
    assert.equal(j.status?.completedIndexes, '0-2');
    assert.equal(j.status?.succeeded, 3);
    const pods = await podsOf(c, ns, 'job-name=idx');
    assert.equal(pods.length, 3);
    const indexes = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepEqual(indexes, ['0', '1', '2']);
    for (const p of pods) {
      const index = p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], index);
      assert.match(p.metadata.name, new RegExp(`^idx-${index}-[a-z0-9]{5}$`));
      const env = (p.spec.containers[0] as { env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[] }).env ?? [];
      // With PodIndexLabel (GA in 1.32) the env var reads the label.
      const jobIndex = env.find((e) => e.name === 'JOB_COMPLETION_INDEX');
      assert.equal(jobIndex?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['batch.kubernetes.io/job-completion-index']");
    }
  });
});

describe('CronJobs on simulated nodes', () => {
  it('kubectl create job --from=cronjob/hello runs the template to completion', async () => {
    const ns = 'cron';
    await c.kubectlOk(['create', 'namespace', ns]);
    await c.kubectlOk(['apply', '-n', ns, '-f', seedCronJob]);
    assert.match(await c.kubectlOk(['create', 'job', '-n', ns, '--from=cronjob/hello', 'manual-1']), /job\.batch\/manual-1 created/);
    await c.kubectlOk(['wait', '-n', ns, '--for=condition=complete', 'job/manual-1', '--timeout=60s'], { timeoutMs: 70_000 });
    const j = await getJson<Workload>(c, ['get', '-n', ns, 'job/manual-1']);
    assert.equal(j.status?.succeeded, 1);
    assert.equal(j.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    const cj = await getJson<Workload>(c, ['get', '-n', ns, 'cronjob/hello']);
    assert.deepEqual(j.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [['CronJob', 'hello', cj.metadata.uid]]);
    const pods = await podsOf(c, ns, 'job-name=manual-1');
    assert.equal(pods.length, 1);
    assert.equal(pods[0].status.phase, 'Succeeded');
    assert.equal(pods[0].spec.containers[0].image, 'busybox');
  });
});
