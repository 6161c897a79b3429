// The Jobs made from a CronJob's template — by this controller, and by
// `kubectl create job --from=cronjob/x` (kubectl 1.33 builds that one itself) — pass the
// batch/v1 Job strategy as the API server runs it, and the manual one is left to its user.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { cronJobStrategy } from '../../resources/batch/cronjob.js';
import { jobStrategy } from '../../resources/batch/job.js';
import { clone, rec } from '../shared/meta.js';
import { decideJob } from '../job/decide.js';
import { decideCronJob } from './decide.js';
import { jobFromCronJob, jobNameFor } from './jobFromCronJob.js';

function storedCronJob(): KubeObject {
  const cj: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', uid: 'uid-cj', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '7' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: {
        metadata: { labels: { app: 'hello' }, annotations: { owner: 'team-a' } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox:1.28', command: ['/bin/sh', '-c', 'date; echo Hello'] }] } } },
      },
    },
  };
  cronJobStrategy.defaults(cj);
  return cj;
}

/** kubectl 1.33 createJobFromCronJob: the template's labels and spec, a manual annotation, a non-controller owner reference. */
function kubectlJob(cj: KubeObject, name: string): KubeObject {
  const template = rec(rec(cj.spec)?.jobTemplate) ?? {};
  const meta = rec(template.metadata) ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...(rec(meta.annotations) as Record<string, string>) },
      labels: rec(meta.labels) as Record<string, string>,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name ?? '', uid: cj.metadata.uid ?? '' }],
    },
    spec: clone(rec(template.spec) ?? {}),
  };
}

/** What the API server does on create before storing: identity, defaults, generated selector, validation. */
function create(job: KubeObject, uid: string): { stored: KubeObject; errors: string[] } {
  const stored = clone(job);
  stored.metadata.namespace = 'default';
  stored.metadata.uid = uid;
  stored.metadata.creationTimestamp = '2024-01-01T00:05:00Z';
  jobStrategy.defaults(stored);
  jobStrategy.prepareForCreate(stored);
  return { stored, errors: jobStrategy.validate(stored).map(fieldErrorMessage) };
}

describe('Jobs from a CronJob template', () => {
  it('kubectl create job --from=cronjob/hello: the object kubectl sends is a valid Job', () => {
    const cj = storedCronJob();
    const { stored, errors } = create(kubectlJob(cj, 'manual-1'), 'uid-manual');
    assert.deepEqual(errors, []);
    assert.equal(stored.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(rec(stored.spec)?.completions, 1);
    assert.deepEqual(rec(rec(stored.spec)?.selector)?.matchLabels, { 'batch.kubernetes.io/controller-uid': 'uid-manual' });
    // The Job controller runs it like any other Job…
    const actions = decideJob({ job: stored, pods: [] }, Date.parse('2024-01-01T00:05:00Z'));
    assert.equal(actions.filter((a) => a.kind === 'create').length, 1);
    // …and the CronJob controller does not claim it: the owner reference is not a controller.
    const cjActions = decideCronJob({ cronJob: cj, jobs: [{ ...stored, kind: 'Job' }] }, Date.parse('2024-01-01T00:00:10Z'), { localTimeZone: 'UTC' });
    assert.ok(!cjActions.some((a) => a.kind === 'event' && a.event.reason === 'UnexpectedJob'));
  });

  it('the controller\'s Job: deterministic name, scheduled-timestamp annotation, controller reference, valid', () => {
    const cj = storedCronJob();
    const at = Date.parse('2024-01-01T00:01:00Z');
    const job = jobFromCronJob(cj, at);
    assert.equal(job.metadata.name, 'hello-28401121');
    assert.equal(job.metadata.name, jobNameFor(cj, at + 59_000), 'the name is per minute');
    assert.deepEqual(job.metadata.annotations, { owner: 'team-a', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2024-01-01T00:01:00Z' });
    assert.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'uid-cj', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(create(job, 'uid-sched').errors, []);
  });
});
