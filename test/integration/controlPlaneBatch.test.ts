// Batch workloads on simulated nodes (issue 3, "Done means" 3 and 4): Jobs complete, fail
// with BackoffLimitExceeded after backoffLimit+1 failed pods, and hand out completion
// indexes in Indexed mode; `kubectl create job --from=cronjob/hello` runs the seed CronJob's
// template; concurrencyPolicy Forbid skips a run while one is active and Replace swaps the
// running Job for the new one. Driven by the real kubectl 1.33.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, startCluster, type TestCluster } from '../support/cluster.js';
import { applyObj, eventually, getJson, podsOf, type List, type Workload } from '../support/workloads.js';

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

  // Real minutes: the runs come at the next two minute boundaries, 60–120 s after the create.
  it('Forbid skips a due run while its Job runs; Replace deletes the running Job and starts the new one', async () => {
    const ns = 'cron-policy';
    await c.kubectlOk(['create', 'namespace', ns]);
    const cronJob = (name: string, policy: string): Record<string, unknown> => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: {
        schedule: '* * * * *',
        concurrencyPolicy: policy,
        jobTemplate: {
          spec: {
            template: {
              // Each run outlives the next schedule time.
              metadata: { annotations: { 'skiff.dev/sim-run-ms': '600000' } },
              spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sleep', '600'] }] },
            },
          },
        },
      },
    });
    await applyObj(c, ns, cronJob('forbid', 'Forbid'));
    await applyObj(c, ns, cronJob('replace', 'Replace'));
    const jobsOf = async (cj: string): Promise<Workload[]> =>
      (await getJson<List<Workload>>(c, ['get', 'jobs', '-n', ns])).items.filter((j) => j.metadata.ownerReferences?.some((o) => o.name === cj));
    const events = async (cj: string, reason: string): Promise<string[]> =>
      (await getJson<List<{ reason: string; message: string; involvedObject: { name: string } }>>(c, ['get', 'events', '-n', ns])).items
        .filter((e) => e.involvedObject.name === cj && e.reason === reason)
        .map((e) => e.message);

    // Replace: the second run deletes the first Job and creates its own.
    const first = await eventually(async () => (await jobsOf('replace'))[0]?.metadata.name, 'the first replace run', 130_000);
    const deleted = await eventually(async () => {
      const msgs = await events('replace', 'SuccessfulDelete');
      return msgs.length > 0 ? msgs : undefined;
    }, 'the second replace run', 130_000);
    assert.deepEqual(deleted, [`Deleted job ${first}`]);
    const replaced = await eventually(async () => {
      const live = (await jobsOf('replace')).filter((j) => !j.metadata.deletionTimestamp);
      return live.length === 1 && live[0].metadata.name !== first ? live[0] : undefined;
    }, 'the replacing Job alone', 30_000);
    const replaceStatus = (await getJson<Workload>(c, ['get', 'cronjob', '-n', ns, 'replace'])).status as { active?: { name: string }[] };
    assert.deepEqual(replaceStatus.active?.map((a) => a.name), [replaced.metadata.name]);

    // Forbid, over the same two schedule times: one Job, still running, and the skip reported.
    const skipped = await eventually(async () => {
      const msgs = await events('forbid', 'JobAlreadyActive');
      return msgs.length > 0 ? msgs : undefined;
    }, 'the forbidden run', 30_000);
    assert.equal(skipped[0], 'Not starting job because prior execution is running and concurrency policy is Forbid');
    const forbidJobs = await jobsOf('forbid');
    assert.equal(forbidJobs.length, 1);
    const forbidStatus = (await getJson<Workload>(c, ['get', 'cronjob', '-n', ns, 'forbid'])).status as { active?: { name: string }[] };
    assert.deepEqual(forbidStatus.active?.map((a) => a.name), [forbidJobs[0].metadata.name]);
  });
});
