// The scenario on the seed StatefulSet `web`, step by step: sync, let the
// "kubelet" act, sync again. Ordered creation, one claim per pod, scale down and up keeping
// the claims, and a partitioned rolling update through ControllerRevisions.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../machinery/types.js';
import { statefulSetStrategy } from '../../resources/apps/statefulset.js';
import type { Action } from '../shared/actions.js';
import { CONTROLLER_REVISION_HASH_LABEL, HISTORY_HASH_LABEL } from '../shared/history.js';
import { rec, recs } from '../shared/meta.js';
import { TestCluster } from '../shared/testCluster.js';
import { decideStatefulSet } from './decide.js';

function seedStatefulSet(): KubeObject {
  // src/controllers/statefulset/ from source, dist/src/controllers/statefulset/ when built.
  const candidates = ['../../../test/fixtures/seed/statefulset-web.yaml', '../../../../test/fixtures/seed/statefulset-web.yaml'].map((p) => new URL(p, import.meta.url));
  const file = candidates.find((u) => existsSync(u));
  assert.ok(file, 'seed fixture statefulset-web.yaml not found');
  const text = readFileSync(file, 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJSON() as KubeObject);
  const set = docs.find((d) => d.kind === 'StatefulSet');
  assert.ok(set);
  set.metadata.namespace = 'default';
  statefulSetStrategy.defaults(set);
  return set;
}

function sync(c: TestCluster): Action[] {
  const set = c.get('StatefulSet', 'web');
  assert.ok(set);
  const actions = decideStatefulSet({ statefulSet: set, pods: c.list('Pod'), revisions: c.list('ControllerRevision'), claims: c.list('PersistentVolumeClaim') }, c.now);
  const result = c.apply(actions);
  assert.equal(result.failure, undefined, result.failure?.message);
  return actions;
}

const podNames = (c: TestCluster): string[] => c.list('Pod').map((p) => p.metadata.name ?? '').sort();
const claimNames = (c: TestCluster): string[] => c.list('PersistentVolumeClaim').map((p) => p.metadata.name ?? '').sort();
const ready = (p: KubeObject | undefined): boolean =>
  rec(p?.status)?.phase === 'Running' && recs(rec(p?.status)?.conditions).some((x) => x.type === 'Ready' && x.status === 'True');
const status = (c: TestCluster): Record<string, unknown> => rec(c.get('StatefulSet', 'web')?.status) ?? {};
const image = (p: KubeObject | undefined): unknown => recs(rec(p?.spec)?.containers)[0]?.image;

/** Every pod create must find all lower ordinals Running and Ready (OrderedReady). */
function watchOrder(c: TestCluster): void {
  c.onWrite = (a) => {
    if (a.kind !== 'create' || a.object.kind !== 'Pod') return;
    const ordinal = Number((a.object.metadata.name ?? '').split('-').pop());
    for (let i = 0; i < ordinal; i++) assert.ok(ready(c.get('Pod', `web-${i}`)), `web-${i} not ready when web-${ordinal} was created`);
  };
}

/** Sync, schedule, make ready, finish deletions until nothing changes. */
function settle(c: TestCluster, rounds = 30): void {
  for (let i = 0; i < rounds; i++) {
    const writes = sync(c).filter((a) => a.kind !== 'event' && a.kind !== 'requeueAfter');
    c.schedulePods();
    const readied = c.makeReady();
    const finished = c.finishDeletions();
    if (writes.length === 0 && readied === 0 && finished === 0) return;
  }
  assert.fail('did not settle');
}

function createdWeb(): TestCluster {
  const c = new TestCluster();
  c.add(seedStatefulSet());
  watchOrder(c);
  return c;
}

describe('StatefulSet web (seed): OrderedReady creation', () => {
  it('creates web-0 with its claim first and waits for it to be Running and Ready', () => {
    const c = createdWeb();
    sync(c);
    assert.deepEqual(podNames(c), ['web-0']);
    assert.deepEqual(claimNames(c), ['www-web-0']);
    const pod = c.get('Pod', 'web-0');
    assert.ok(pod);
    const labels = pod.metadata.labels ?? {};
    assert.equal(labels.app, 'nginx');
    assert.equal(labels['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(labels['apps.kubernetes.io/pod-index'], '0');
    const revisions = c.list('ControllerRevision');
    assert.equal(revisions.length, 1);
    assert.equal(labels[CONTROLLER_REVISION_HASH_LABEL], revisions[0].metadata.name);
    assert.match(revisions[0].metadata.name ?? '', /^web-[456789bcdf]+$/);
    assert.equal(revisions[0].metadata.labels?.[HISTORY_HASH_LABEL], (revisions[0].metadata.name ?? '').slice(4));
    assert.equal(revisions[0].revision, 1);
    assert.equal(pod.metadata.generateName, 'web-');
    assert.equal(rec(pod.spec)?.hostname, 'web-0');
    assert.equal(rec(pod.spec)?.subdomain, 'nginx');
    assert.deepEqual(recs(rec(pod.spec)?.volumes)[0], { name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } });
    const claim = c.get('PersistentVolumeClaim', 'www-web-0');
    assert.deepEqual(claim?.metadata.labels, { app: 'nginx' });
    assert.equal(claim?.metadata.ownerReferences, undefined, 'Retain/Retain: no owner');
    assert.deepEqual(rec(claim?.spec)?.storageClassName, 'my-storage-class');
    assert.deepEqual(c.events.map((e) => `${e.type} ${e.reason} ${e.message}`), [
      'Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success',
      'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful',
    ]);

    sync(c);
    c.schedulePods();
    sync(c);
    assert.deepEqual(podNames(c), ['web-0'], 'web-1 waits while web-0 is Running but not Ready');
    c.makeReady();
    sync(c);
    assert.deepEqual(podNames(c), ['web-0', 'web-1']);
  });

  it('reaches 3/3 with one claim per pod and a settled status', () => {
    const c = createdWeb();
    settle(c);
    assert.deepEqual(podNames(c), ['web-0', 'web-1', 'web-2']);
    assert.deepEqual(claimNames(c), ['www-web-0', 'www-web-1', 'www-web-2']);
    const st = status(c);
    const rev = c.list('ControllerRevision')[0].metadata.name;
    assert.deepEqual(st, {
      observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3,
      currentRevision: rev, updateRevision: rev, collisionCount: 0, availableReplicas: 3,
    });
    // Creation order in the Events.
    const creates = c.events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message.split(' ')[2]);
    assert.deepEqual(creates, ['www-web-0', 'web-0', 'www-web-1', 'web-1', 'www-web-2', 'web-2']);
  });
});

describe('StatefulSet web: scaling keeps the claims', () => {
  it('scales to 1 from the highest ordinal, one terminated pod at a time', () => {
    const c = createdWeb();
    settle(c);
    c.editSpec('StatefulSet', 'web', (s) => { s.replicas = 1; });
    sync(c);
    assert.ok(c.get('Pod', 'web-2')?.metadata.deletionTimestamp, 'web-2 goes first');
    assert.equal(c.get('Pod', 'web-1')?.metadata.deletionTimestamp, undefined);
    sync(c);
    assert.equal(c.get('Pod', 'web-1')?.metadata.deletionTimestamp, undefined, 'waits for web-2 to terminate');
    c.finishDeletions();
    sync(c);
    assert.ok(c.get('Pod', 'web-1')?.metadata.deletionTimestamp);
    c.finishDeletions();
    settle(c);
    assert.deepEqual(podNames(c), ['web-0']);
    assert.deepEqual(claimNames(c), ['www-web-0', 'www-web-1', 'www-web-2']);
    const deletes = c.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.deepEqual(deletes, ['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);
    assert.equal(status(c).replicas, 1);
  });

  it('scales back to 3 re-using the claims', () => {
    const c = createdWeb();
    settle(c);
    const uids = Object.fromEntries(c.list('PersistentVolumeClaim').map((p) => [p.metadata.name, p.metadata.uid]));
    c.editSpec('StatefulSet', 'web', (s) => { s.replicas = 1; });
    settle(c);
    const before = c.events.length;
    c.editSpec('StatefulSet', 'web', (s) => { s.replicas = 3; });
    settle(c);
    assert.deepEqual(podNames(c), ['web-0', 'web-1', 'web-2']);
    assert.deepEqual(Object.fromEntries(c.list('PersistentVolumeClaim').map((p) => [p.metadata.name, p.metadata.uid])), uids);
    assert.ok(!c.events.slice(before).some((e) => e.message.includes('Claim')), 'no claim created again');
    for (const n of [1, 2]) {
      assert.deepEqual(recs(rec(c.get('Pod', `web-${n}`)?.spec)?.volumes)[0], { name: 'www', persistentVolumeClaim: { claimName: `www-web-${n}` } });
    }
  });
});

describe('StatefulSet web: partitioned rolling update', () => {
  it('updates only ordinals ≥ partition, in reverse order, then rolls the current revision over', () => {
    const c = createdWeb();
    settle(c);
    const rev1 = c.list('ControllerRevision')[0].metadata.name;
    c.editSpec('StatefulSet', 'web', (s) => {
      rec(rec(s.updateStrategy)?.rollingUpdate)!.partition = 2;
      recs(rec(rec(s.template)?.spec)?.containers)[0].image = 'registry.k8s.io/nginx-slim:0.9';
    });
    sync(c);
    const revs = c.list('ControllerRevision').sort((a, b) => Number(a.revision) - Number(b.revision));
    assert.equal(revs.length, 2);
    const rev2 = revs[1].metadata.name;
    assert.equal(revs[1].revision, 2);
    assert.ok(c.get('Pod', 'web-2')?.metadata.deletionTimestamp, 'the highest ordinal goes first');
    settle(c);
    assert.equal(image(c.get('Pod', 'web-2')), 'registry.k8s.io/nginx-slim:0.9');
    assert.equal(c.get('Pod', 'web-2')?.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL], rev2);
    for (const n of ['web-0', 'web-1']) assert.equal(c.get('Pod', n)?.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL], rev1);
    let st = status(c);
    assert.equal(st.currentRevision, rev1);
    assert.equal(st.updateRevision, rev2);
    assert.equal(st.currentReplicas, 2);
    assert.equal(st.updatedReplicas, 1);

    // Deleting a pod below the partition brings it back at the current revision.
    c.apply([{ kind: 'delete', ref: { apiVersion: 'v1', kind: 'Pod', name: 'web-0' } }]);
    c.finishDeletions();
    settle(c);
    assert.equal(image(c.get('Pod', 'web-0')), 'registry.k8s.io/nginx-slim:0.8');

    c.editSpec('StatefulSet', 'web', (s) => { rec(rec(s.updateStrategy)?.rollingUpdate)!.partition = 0; });
    const deleted: string[] = [];
    c.onWrite = (a) => { if (a.kind === 'delete') deleted.push(a.ref.name); };
    settle(c);
    assert.deepEqual(deleted, ['web-1', 'web-0']);
    st = status(c);
    assert.equal(st.currentRevision, rev2);
    assert.equal(st.updateRevision, rev2);
    assert.equal(st.currentReplicas, 3);
    assert.equal(st.updatedReplicas, 3);
  });

  it('rolls back by renumbering the matching revision instead of creating one', () => {
    const c = createdWeb();
    settle(c);
    const setImage = (img: string): void => c.editSpec('StatefulSet', 'web', (s) => { recs(rec(rec(s.template)?.spec)?.containers)[0].image = img; });
    setImage('registry.k8s.io/nginx-slim:0.9');
    settle(c);
    setImage('registry.k8s.io/nginx-slim:0.8');
    settle(c);
    const revs = c.list('ControllerRevision').map((r) => [r.revision, image({ metadata: {}, spec: rec(rec(rec(r.data)?.spec)?.template)?.spec })]);
    assert.deepEqual(revs.sort(), [[2, 'registry.k8s.io/nginx-slim:0.9'], [3, 'registry.k8s.io/nginx-slim:0.8']]);
    assert.ok(c.list('Pod').every((p) => image(p) === 'registry.k8s.io/nginx-slim:0.8'));
  });
});
