// Test support only: StatefulSet objects shaped as the API server stores them (defaulted),
// and a one-call sync against a TestCluster.
import assert from 'node:assert/strict';
import type { KubeObject } from '../../machinery/types.js';
import { statefulSetStrategy } from '../../resources/apps/statefulset.js';
import type { Action } from '../shared/actions.js';
import type { ApplyResult, TestCluster } from '../shared/testCluster.js';
import { decideStatefulSet } from './decide.js';

export interface SetOpts {
  name?: string;
  replicas?: number;
  policy?: 'OrderedReady' | 'Parallel';
  strategy?: Record<string, unknown>;
  retention?: { whenDeleted: string; whenScaled: string };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  image?: string;
  claims?: boolean;
}

export function statefulSet(o: SetOpts = {}): KubeObject {
  const spec: Record<string, unknown> = {
    replicas: o.replicas ?? 3,
    selector: { matchLabels: { app: 'db' } },
    serviceName: 'db',
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: o.image ?? 'db:1' }] } },
  };
  if (o.claims !== false) {
    spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
  }
  if (o.policy) spec.podManagementPolicy = o.policy;
  if (o.strategy) spec.updateStrategy = o.strategy;
  if (o.retention) spec.persistentVolumeClaimRetentionPolicy = o.retention;
  if (o.minReadySeconds) spec.minReadySeconds = o.minReadySeconds;
  if (o.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = o.revisionHistoryLimit;
  const set: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: o.name ?? 'db', namespace: 'default' }, spec };
  statefulSetStrategy.defaults(set);
  return set;
}

export function decideIn(c: TestCluster, name = 'db'): Action[] {
  const set = c.get('StatefulSet', name);
  assert.ok(set, `StatefulSet ${name} missing`);
  return decideStatefulSet({ statefulSet: set, pods: c.list('Pod'), revisions: c.list('ControllerRevision'), claims: c.list('PersistentVolumeClaim') }, c.now);
}

export function syncIn(c: TestCluster, name = 'db'): ApplyResult {
  return c.apply(decideIn(c, name));
}

/** Sync, bind, make ready and finish deletions until quiet. */
export function settle(c: TestCluster, name = 'db', rounds = 40): void {
  for (let i = 0; i < rounds; i++) {
    const writes = decideIn(c, name).filter((a) => a.kind !== 'event' && a.kind !== 'requeueAfter');
    const r = c.apply(writes);
    assert.equal(r.failure, undefined, r.failure?.message);
    c.schedulePods();
    const readied = c.makeReady();
    const finished = c.finishDeletions();
    if (writes.length === 0 && readied === 0 && finished === 0) return;
  }
  assert.fail('did not settle');
}

export const names = (c: TestCluster, kind: string): string[] => c.list(kind).map((o) => o.metadata.name ?? '').sort();
