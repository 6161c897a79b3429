// decideCronJob step by step against an in-memory cluster: job names and annotations,
// concurrency policies, missed schedules, history limits and the Events upstream records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { cronJobStrategy } from '../../resources/batch/cronjob.js';
import { type Obj, rec, recs, statusOf } from '../shared/meta.js';
import type { DeleteWithOptions } from '../shared/deleteOptions.js';
import { BatchCluster } from '../job/batchTestCluster.js';
import { decideCronJob } from './decide.js';

const T = (iso: string): number => Date.parse(iso);

class CronHarness {
  readonly c = new BatchCluster();
  lastRequeue: number | undefined;

  constructor(spec: Obj, created = '2024-01-01T00:00:30Z', status: Obj = {}) {
    const cj: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'hello', namespace: 'default', uid: 'uid-cj', creationTimestamp: created },
      spec: {
        jobTemplate: {
          metadata: { labels: { app: 'hello' }, annotations: { team: 'a' } },
          spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox' }] } } },
        },
        ...spec,
      },
      status,
    };
    cronJobStrategy.defaults(cj);
    this.c.add(cj);
    this.c.now = T(created);
  }

  cj(): KubeObject {
    const cj = this.c.get('CronJob', 'hello');
    if (!cj) throw new Error('gone');
    return cj;
  }

  sync(): number | undefined {
    this.lastRequeue = this.c.settle(() => decideCronJob({ cronJob: this.cj(), jobs: this.c.list('Job') }, this.c.now, { localTimeZone: 'UTC' }));
    return this.lastRequeue;
  }

  at(iso: string): this {
    this.c.now = T(iso);
    return this;
  }

  jobNames(): string[] {
    return this.c.list('Job').map((j) => j.metadata.name ?? '').sort();
  }

  activeNames(): string[] {
    return recs(statusOf(this.cj()).active).map((r) => String(r.name));
  }

  finish(name: string, type: 'Complete' | 'Failed', startedAt: string, at = startedAt): void {
    this.c.edit('Job', name, (j) => {
      j.status = { startTime: startedAt, ...(type === 'Complete' ? { completionTime: at, succeeded: 1 } : { failed: 1 }), conditions: [{ type, status: 'True', lastTransitionTime: at }] };
    });
  }

  messages(reason: string): string[] {
    return this.c.events.filter((e) => e.reason === reason).map((e) => e.message);
  }
}

describe('decideCronJob', () => {
  it('"* * * * *" creates hello-<minutes since epoch> at the minute, then tracks it as active', () => {
    const h = new CronHarness({ schedule: '* * * * *' });
    assert.equal(h.sync(), 30_100, 'requeue for 00:01:00 plus 100 ms');
    assert.deepEqual(h.jobNames(), []);
    h.at('2024-01-01T00:01:00.100Z');
    assert.equal(h.sync(), 60_000 - 100 + 100);
    const name = `hello-${T('2024-01-01T00:01:00Z') / 60_000}`;
    assert.equal(name, 'hello-28401121');
    assert.deepEqual(h.jobNames(), [name]);
    assert.deepEqual(h.activeNames(), [name]);
    assert.equal(statusOf(h.cj()).lastScheduleTime, '2024-01-01T00:01:00Z');
    assert.deepEqual(h.messages('SuccessfulCreate'), [`Created job ${name}`]);
    const job = h.c.get('Job', name);
    assert.deepEqual(job?.metadata.annotations, { team: 'a', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2024-01-01T00:01:00Z' });
    assert.deepEqual(job?.metadata.labels, { app: 'hello' });
    assert.deepEqual(job?.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'uid-cj', controller: true, blockOwnerDeletion: true }]);
    const ref = recs(statusOf(h.cj()).active)[0];
    assert.deepEqual(Object.keys(ref).sort(), ['apiVersion', 'kind', 'name', 'namespace', 'resourceVersion', 'uid']);
    assert.equal(ref.uid, job?.metadata.uid);
    assert.deepEqual(h.messages('UnexpectedJob'), []);
  });

  it('Allow runs the next one alongside; Forbid skips while one runs; Replace deletes the running job first', () => {
    for (const [policy, jobs, active] of [['Allow', 2, 2], ['Forbid', 1, 1], ['Replace', 1, 1]] as const) {
      const h = new CronHarness({ schedule: '* * * * *', concurrencyPolicy: policy });
      h.at('2024-01-01T00:01:00Z').sync();
      h.at('2024-01-01T00:02:00Z').sync();
      assert.equal(h.jobNames().length, jobs, policy);
      assert.equal(h.activeNames().length, active, policy);
      if (policy === 'Forbid') {
        assert.deepEqual(h.messages('JobAlreadyActive'), ['Not starting job because prior execution is running and concurrency policy is Forbid']);
        assert.deepEqual(h.activeNames(), ['hello-28401121']);
      }
      if (policy === 'Replace') {
        assert.deepEqual(h.messages('SuccessfulDelete'), ['Deleted job hello-28401121']);
        assert.deepEqual(h.activeNames(), ['hello-28401122']);
        const del = h.c.log.find((a) => a.kind === 'delete') as DeleteWithOptions | undefined;
        assert.equal(del?.propagationPolicy, 'Background');
      }
    }
  });

  it('a completed active job: SawCompletedJob, out of active, then lastSuccessfulTime', () => {
    const h = new CronHarness({ schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid' });
    h.at('2024-01-01T00:05:00Z').sync();
    h.finish('hello-28401125', 'Complete', '2024-01-01T00:05:01Z', '2024-01-01T00:05:40Z');
    h.at('2024-01-01T00:05:41Z').sync();
    assert.deepEqual(h.messages('SawCompletedJob'), ['Saw completed job: hello-28401125, status: Complete']);
    assert.deepEqual(h.activeNames(), []);
    assert.equal(statusOf(h.cj()).lastSuccessfulTime, '2024-01-01T00:05:40Z');
    assert.equal(h.lastRequeue, T('2024-01-01T00:10:00.100Z') - T('2024-01-01T00:05:41Z'));
  });

  it('history limits delete the oldest finished jobs (by start time) with Background propagation', () => {
    const h = new CronHarness({ schedule: '* * * * *', successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 });
    for (let m = 1; m <= 5; m++) {
      h.at(`2024-01-01T00:0${m}:00Z`).sync();
      const name = `hello-${28401120 + m}`;
      h.finish(name, m === 2 || m === 4 ? 'Failed' : 'Complete', `2024-01-01T00:0${m}:01Z`, `2024-01-01T00:0${m}:30Z`);
      h.at(`2024-01-01T00:0${m}:31Z`).sync();
    }
    assert.deepEqual(h.jobNames(), ['hello-28401124', 'hello-28401125', 'hello-28401123'].sort());
    // The second failure pushes out the first failed job, the third success the first success.
    assert.deepEqual(h.messages('SuccessfulDelete'), ['Deleted job hello-28401122', 'Deleted job hello-28401121']);
  });

  it('missed schedules: more than 100 warns TooManyMissedTimes and starts the latest; a starting deadline avoids the warning', () => {
    const h = new CronHarness({ schedule: '* * * * *' }, '2024-01-01T00:00:00Z');
    h.at('2024-01-01T03:00:30Z').sync();
    assert.deepEqual(h.messages('TooManyMissedTimes'), ['too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew']);
    assert.deepEqual(h.jobNames(), [`hello-${T('2024-01-01T03:00:00Z') / 60_000}`]);

    const d = new CronHarness({ schedule: '* * * * *', startingDeadlineSeconds: 200 }, '2024-01-01T00:00:00Z');
    d.at('2024-01-01T03:00:30Z').sync();
    assert.deepEqual(d.messages('TooManyMissedTimes'), []);
    assert.equal(d.jobNames().length, 1);
  });

  it('a run missed beyond startingDeadlineSeconds is not started; the next one is awaited', () => {
    const h = new CronHarness({ schedule: '0 * * * *', startingDeadlineSeconds: 60 }, '2023-12-31T23:00:00Z', { lastScheduleTime: '2023-12-31T23:00:00Z' });
    assert.equal(h.at('2024-01-01T00:10:00Z').sync(), 50 * 60_000 + 100);
    assert.deepEqual(h.jobNames(), []);
  });

  it('suspend: nothing starts and no requeue', () => {
    const h = new CronHarness({ schedule: '* * * * *', suspend: true });
    assert.equal(h.at('2024-01-01T00:05:00Z').sync(), undefined);
    assert.deepEqual(h.jobNames(), []);
  });

  it('timeZone: the schedule runs in that zone and the annotation carries its offset', () => {
    const h = new CronHarness({ schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' });
    assert.equal(h.sync(), T('2024-01-02T00:00:00.100Z') - T('2024-01-01T00:00:30Z'));
    h.at('2024-01-02T00:00:00Z').sync();
    const job = h.c.list('Job')[0];
    assert.equal(job?.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-01-02T09:00:00+09:00');
  });

  it('an unknown time zone is reported and nothing runs', () => {
    const h = new CronHarness({ schedule: '* * * * *', timeZone: 'Mars/Olympus' });
    assert.equal(h.at('2024-01-01T00:05:00Z').sync(), undefined);
    assert.deepEqual(h.messages('UnknownTimeZone'), ['invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus']);
  });

  it('an active job that vanished is dropped (MissingJob); a job it did not create is reported (UnexpectedJob)', () => {
    const h = new CronHarness({ schedule: '0 0 1 1 *' }, '2024-01-01T00:00:30Z', {
      active: [{ kind: 'Job', namespace: 'default', name: 'hello-gone', uid: 'uid-gone', apiVersion: 'batch/v1' }],
    });
    h.c.add({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'stray', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'uid-cj', controller: true }] } });
    h.sync();
    assert.deepEqual(h.messages('MissingJob'), ['Active job went missing: hello-gone']);
    // Reported on every sync, as upstream does.
    assert.deepEqual([...new Set(h.messages('UnexpectedJob'))], ['Saw a job that the controller did not create or forgot: stray']);
    assert.deepEqual(h.activeNames(), []);
  });

  it('a job of the due time that exists but is not active is put back into active (AlreadyExists path)', () => {
    const h = new CronHarness({ schedule: '* * * * *' });
    h.c.add({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'hello-28401121', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'uid-cj', controller: true }] } });
    h.at('2024-01-01T00:01:00Z').sync();
    assert.deepEqual(h.activeNames(), ['hello-28401121']);
    assert.equal(statusOf(h.cj()).lastScheduleTime, '2024-01-01T00:01:00Z');
    assert.deepEqual(h.messages('SuccessfulCreate'), []);
  });

  it('an unparseable legacy schedule is reported', () => {
    const h = new CronHarness({ schedule: '* * * * *' });
    h.c.edit('CronJob', 'hello', (cj) => Object.assign(rec(cj.spec) ?? {}, { schedule: '61 * * * *' }));
    assert.equal(h.sync(), undefined);
    assert.deepEqual(h.messages('UnparseableSchedule'), ['unparseable schedule: "61 * * * *" : end of range (61) above maximum (59): 61']);
  });
});
