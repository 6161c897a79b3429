import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Action, CreateAction } from '../shared/actions.js';
import { CONTROLLER_REVISION_HASH_LABEL, newControllerRevision, templatePatch } from '../shared/history.js';
import { metaTime, rec, recs } from '../shared/meta.js';
import { TestCluster } from '../shared/testCluster.js';
import { decideIn, names, settle, statefulSet, syncIn } from './testFixtures.js';
import { STATEFUL_SET } from './identity.js';

const writes = (actions: Action[]): string[] =>
  actions.flatMap((a) => {
    if (a.kind === 'create' || a.kind === 'update') return [`${a.kind} ${a.object.kind} ${a.object.metadata.name}`];
    if (a.kind === 'delete') return [`delete ${a.ref.kind} ${a.ref.name}`];
    if (a.kind === 'patch') return [`patch ${a.ref.kind} ${a.ref.name}`];
    return [];
  });

function cluster(...sets: ReturnType<typeof statefulSet>[]): TestCluster {
  const c = new TestCluster();
  for (const s of sets) c.add(s);
  return c;
}

function setPhase(c: TestCluster, name: string, phase: string): void {
  const p = c.get('Pod', name);
  assert.ok(p);
  p.status = { phase };
  c.add(p);
}

describe('StatefulSet: Parallel pod management', () => {
  it('creates every claim, then every pod in slow-start batches, in one sync', () => {
    const c = cluster(statefulSet({ policy: 'Parallel' }));
    const actions = decideIn(c);
    assert.deepEqual(writes(actions), [
      'create ControllerRevision ' + String((actions[0] as CreateAction).object.metadata.name),
      'create PersistentVolumeClaim data-db-0', 'create PersistentVolumeClaim data-db-1', 'create PersistentVolumeClaim data-db-2',
      'create Pod db-0', 'create Pod db-1', 'create Pod db-2',
    ]);
    const batches = actions.flatMap((a) => (a.kind === 'create' && a.object.kind === 'Pod' ? [a.batch] : []));
    assert.deepEqual(batches, [0, 1, 1]);
  });

  it('deletes every condemned pod at once on scale-down', () => {
    const c = cluster(statefulSet({ policy: 'Parallel', replicas: 4 }));
    settle(c);
    c.editSpec('StatefulSet', 'db', (s) => { s.replicas = 1; });
    assert.deepEqual(writes(decideIn(c)), ['delete Pod db-3', 'delete Pod db-2', 'delete Pod db-1']);
  });
});

describe('StatefulSet: OrderedReady details', () => {
  it('deletes a failed pod and recreates it once it is gone', () => {
    const c = cluster(statefulSet());
    settle(c);
    setPhase(c, 'db-1', 'Failed');
    assert.deepEqual(writes(decideIn(c)), ['delete Pod db-1']);
    syncIn(c);
    c.finishDeletions();
    assert.deepEqual(writes(decideIn(c)), ['create Pod db-1'], 'the claim is still there');
    assert.ok(c.events.some((e) => e.reason === 'SuccessfulDelete' && e.message === 'delete Pod db-1 in StatefulSet db successful'));
  });

  it('holds the next ordinal until the pod is available for minReadySeconds, and requeues', () => {
    const c = cluster(statefulSet({ minReadySeconds: 10 }));
    syncIn(c);
    c.schedulePods();
    c.makeReady();
    const actions = decideIn(c);
    assert.deepEqual(writes(actions), []);
    assert.deepEqual(actions.filter((a) => a.kind === 'requeueAfter'), [{ kind: 'requeueAfter', ms: 10_000 }]);
    c.now += 10_001;
    assert.deepEqual(writes(decideIn(c)), ['create PersistentVolumeClaim data-db-1', 'create Pod db-1']);
  });

  it('reports a claim being deleted as the pod creation error and retries', () => {
    const c = cluster(statefulSet());
    c.add({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-0', deletionTimestamp: metaTime(c.now) }, spec: {} });
    const actions = decideIn(c);
    assert.deepEqual(writes(actions).filter((w) => !w.includes('ControllerRevision')), []);
    c.apply(actions);
    assert.deepEqual(c.events.map((e) => [e.type, e.reason, e.message]), [
      ['Warning', 'FailedCreate', 'create Pod db-0 in StatefulSet db failed error: pvc data-db-0 is being deleted'],
    ]);
    assert.ok(actions.some((a) => a.kind === 'requeueAfter'));
  });

  it('records the claim and the pod failure when a claim cannot be created', () => {
    const c = cluster(statefulSet());
    c.failCreate = (o) => (o.kind === 'PersistentVolumeClaim' ? 'exceeded quota: q' : undefined);
    const r = syncIn(c);
    assert.equal(r.failure?.message, 'exceeded quota: q');
    assert.deepEqual(names(c, 'Pod'), []);
    assert.deepEqual(c.events.map((e) => e.message), [
      'create Claim data-db-0 for Pod db-0 in StatefulSet db failed error: exceeded quota: q',
      'create Pod db-0 in StatefulSet db failed error: failed to create PVC data-db-0: exceeded quota: q',
    ]);
    assert.equal(rec(c.get('StatefulSet', 'db')?.status)?.observedGeneration, 1, 'status is written before the pod writes');
  });

  it('restores a missing identity label with an update', () => {
    const c = cluster(statefulSet({ replicas: 1 }));
    settle(c);
    const p = c.get('Pod', 'db-0');
    assert.ok(p?.metadata.labels);
    delete p.metadata.labels['apps.kubernetes.io/pod-index'];
    c.add(p);
    syncIn(c);
    assert.equal(c.get('Pod', 'db-0')?.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
    assert.equal(c.events.at(-1)?.message, 'update Pod db-0 in StatefulSet db successful');
  });

  it('claims only pods named after it and matching its selector', () => {
    const c = cluster(statefulSet({ replicas: 1 }));
    c.add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-extra-0', labels: { app: 'db' } }, spec: {}, status: { phase: 'Running' } });
    c.add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', labels: { app: 'db' } }, spec: {}, status: { phase: 'Pending' } });
    assert.deepEqual(writes(decideIn(c)).filter((w) => w.startsWith('patch')), ['patch Pod db-0']);
  });

  it('writes only status (and history) while the set is being deleted', () => {
    const set = statefulSet();
    set.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    const c = cluster(set);
    assert.deepEqual(writes(decideIn(c)).filter((w) => !w.includes('ControllerRevision')), []);
  });
});

describe('StatefulSet: update strategies', () => {
  it('OnDelete replaces only the pods the user deletes', () => {
    const c = cluster(statefulSet({ strategy: { type: 'OnDelete' } }));
    settle(c);
    c.editSpec('StatefulSet', 'db', (s) => { recs(rec(rec(s.template)?.spec)?.containers)[0].image = 'db:2'; });
    settle(c);
    const st = rec(c.get('StatefulSet', 'db')?.status) ?? {};
    assert.notEqual(st.currentRevision, st.updateRevision);
    assert.equal(st.updatedReplicas, undefined);
    c.apply([{ kind: 'delete', ref: { apiVersion: 'v1', kind: 'Pod', name: 'db-1' } }]);
    c.finishDeletions();
    settle(c);
    assert.equal(c.get('Pod', 'db-1')?.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL], st.updateRevision);
    assert.equal(c.get('Pod', 'db-2')?.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL], st.currentRevision);
  });

  it('with maxUnavailable deletes that many outdated pods at once, highest first', () => {
    const c = cluster(statefulSet({ replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } } }));
    settle(c);
    c.editSpec('StatefulSet', 'db', (s) => { recs(rec(rec(s.template)?.spec)?.containers)[0].image = 'db:2'; });
    assert.deepEqual(writes(decideIn(c)).filter((w) => w.startsWith('delete')), ['delete Pod db-3', 'delete Pod db-2']);
  });

  it('keeps revisionHistoryLimit old revisions that no pod uses', () => {
    const c = cluster(statefulSet({ replicas: 1, revisionHistoryLimit: 1 }));
    for (const img of ['db:2', 'db:3', 'db:4']) {
      settle(c);
      c.editSpec('StatefulSet', 'db', (s) => { recs(rec(rec(s.template)?.spec)?.containers)[0].image = img; });
    }
    settle(c);
    const revs = c.list('ControllerRevision').map((r) => r.revision).sort();
    assert.deepEqual(revs, [3, 4]);
  });

  it('bumps collisionCount when the revision name is taken by other data', () => {
    const set = statefulSet({ replicas: 1 });
    const c = cluster(set);
    const stored = c.get('StatefulSet', 'db');
    assert.ok(stored);
    const squatter = newControllerRevision(stored, STATEFUL_SET, {}, templatePatch(stored), 1, 0);
    squatter.data = { spec: { template: { $patch: 'replace', metadata: {}, spec: { containers: [] } } } };
    squatter.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'other', uid: 'other', controller: true }];
    c.add(squatter);
    syncIn(c);
    const st = rec(c.get('StatefulSet', 'db')?.status) ?? {};
    assert.equal(st.collisionCount, 1);
    assert.notEqual(st.updateRevision, squatter.metadata.name);
    assert.equal(c.list('ControllerRevision').length, 2);
  });

  it('adopts an orphaned revision that matches its selector', () => {
    const c = cluster(statefulSet({ replicas: 1 }));
    c.add({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'db-old', labels: { app: 'db' } }, data: { spec: { template: {} } }, revision: 1 });
    assert.deepEqual(writes(decideIn(c)).filter((w) => w.startsWith('patch')), ['patch ControllerRevision db-old']);
  });
});
