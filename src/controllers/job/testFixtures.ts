// Test support only: Jobs as the API server stores them (the batch/v1 Job strategy's
// defaults and generated selector applied), and a driver running decideJob against a
// BatchCluster.
import type { KubeObject } from '../../machinery/types.js';
import { jobStrategy } from '../../resources/batch/job.js';
import { type Obj, rec, statusOf } from '../shared/meta.js';
import { BatchCluster } from './batchTestCluster.js';
import { type JobDecideOptions, decideJob } from './decide.js';

export function jobObject(name: string, spec: Obj = {}, podSpec: Obj = {}): KubeObject {
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default', uid: `uid-job-${name}` },
    spec: {
      ...spec,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }], ...podSpec } },
    },
  };
  jobStrategy.defaults(job);
  jobStrategy.prepareForCreate(job);
  return job;
}

export class JobHarness {
  readonly c = new BatchCluster();
  lastRequeue: number | undefined;

  constructor(readonly name: string, spec: Obj = {}, podSpec: Obj = {}, readonly opts: JobDecideOptions = {}) {
    this.c.add(jobObject(name, spec, podSpec));
  }

  job(): KubeObject {
    const j = this.c.get('Job', this.name);
    if (!j) throw new Error(`job ${this.name} is gone`);
    return j;
  }

  status(): Obj {
    return statusOf(this.job());
  }

  decide(): ReturnType<typeof decideJob> {
    return decideJob({ job: this.job(), pods: this.c.list('Pod') }, this.c.now, this.opts);
  }

  /** Reconcile until quiet; remembers the last requeue. */
  sync(): number | undefined {
    this.lastRequeue = this.c.settle(() => this.decide());
    return this.lastRequeue;
  }

  pods(): KubeObject[] {
    return this.c.list('Pod');
  }

  /** Pods neither terminal nor being deleted. */
  activePods(): KubeObject[] {
    return this.pods().filter((p) => {
      const phase = rec(p.status)?.phase;
      return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata.deletionTimestamp;
    });
  }

  conditionTypes(): string[] {
    const conds = statusOf(this.job()).conditions;
    return Array.isArray(conds) ? conds.map((c) => String(rec(c)?.type)) : [];
  }

  condition(type: string): Obj | undefined {
    const conds = statusOf(this.job()).conditions;
    return Array.isArray(conds) ? conds.map((c) => rec(c) ?? {}).find((c) => c.type === type) : undefined;
  }
}
