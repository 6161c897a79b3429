import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { Action, CreateAction, UpdateStatusAction } from '../shared/actions.js';
import { computeHash } from '../shared/hash.js';
import { decideDeployment } from './decide.js';
import { T0, deployment, hoursAfter, iso, replicaSet, template } from './testFixtures.js';

const now = T0 + 86_400_000;
const nowIso = iso(now);

const find = <K extends Action['kind']>(actions: Action[], kind: K): Extract<Action, { kind: K }>[] =>
  actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
const statusWrite = (actions: Action[]): UpdateStatusAction | undefined => find(actions, 'updateStatus')[0];
const conditionsOf = (a: UpdateStatusAction | undefined): Record<string, unknown>[] =>
  ((a?.object.status as Record<string, unknown> | undefined)?.conditions ?? []) as Record<string, unknown>[];

describe('decideDeployment', () => {
  it('creates the first ReplicaSet: name, hash label and selector, annotations, Event, status', () => {
    const d = deployment({ name: 'nginx', replicas: 3, maxSurge: '25%', maxUnavailable: '25%' });
    const actions = decideDeployment({ deployment: d, replicaSets: [], pods: [] }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['create', 'updateStatus']);
    const create = actions[0] as CreateAction;
    const hash = computeHash(template());
    const rs = create.object;
    assert.equal(rs.kind, 'ReplicaSet');
    assert.equal(rs.metadata.name, `nginx-${hash}`);
    assert.deepEqual(rs.metadata.labels, { app: 'nginx', 'pod-template-hash': hash });
    assert.deepEqual(rs.metadata.annotations, {
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', uid: 'deploy-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(rs.metadata.creationTimestamp, undefined);
    const spec = rs.spec as Record<string, unknown>;
    assert.equal(spec.replicas, 3);
    assert.deepEqual(spec.selector, { matchLabels: { app: 'nginx', 'pod-template-hash': hash } });
    assert.deepEqual((spec.template as { metadata: unknown }).metadata, { labels: { app: 'nginx', 'pod-template-hash': hash } });
    assert.deepEqual(create.onSuccess?.map((e) => e.message), [`Scaled up replica set nginx-${hash} from 0 to 3`]);
    assert.deepEqual(create.onFailure?.map((e) => [e.reason, e.message]), [['ReplicaSetCreateError', `Failed to create new replica set "nginx-${hash}": {{error}}`]]);

    const status = statusWrite(actions);
    assert.equal(status?.object.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(status?.object.status, {
      observedGeneration: 1,
      unavailableReplicas: 3,
      conditions: [
        { type: 'Progressing', status: 'True', lastUpdateTime: nowIso, lastTransitionTime: nowIso, reason: 'NewReplicaSetCreated', message: `Created new replica set "nginx-${hash}"` },
        { type: 'Available', status: 'False', lastUpdateTime: nowIso, lastTransitionTime: nowIso, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      ],
    });
  });

  it('reports a completed rollout: NewReplicaSetAvailable, minimum availability', () => {
    const hash = computeHash(template());
    const rs = replicaSet(`foo-${hash}`, 3, { hash, revision: 1, sizedFor: { desired: 3, max: 4 } });
    const earlier = iso(T0);
    const d = deployment({
      replicas: 3, maxSurge: '25%', maxUnavailable: '25%', annotations: { 'deployment.kubernetes.io/revision': '1' },
      status: {
        observedGeneration: 1, replicas: 3, updatedReplicas: 3, unavailableReplicas: 3,
        conditions: [{ type: 'Progressing', status: 'True', lastUpdateTime: earlier, lastTransitionTime: earlier, reason: 'NewReplicaSetCreated', message: `Created new replica set "foo-${hash}"` }],
      },
    });
    const status = statusWrite(decideDeployment({ deployment: d, replicaSets: [rs], pods: [] }, now))?.object.status as Record<string, unknown>;
    // Upstream appends each changed condition, hence Available before Progressing (as kubectl describe shows).
    assert.deepEqual(status.conditions, [
      { type: 'Available', status: 'True', lastUpdateTime: nowIso, lastTransitionTime: nowIso, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'True', lastUpdateTime: nowIso, lastTransitionTime: earlier, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "foo-${hash}" has successfully progressed.` },
    ]);
    assert.equal(status.availableReplicas, 3);
    assert.equal(status.readyReplicas, 3);
    assert.equal(status.unavailableReplicas, undefined);
    // …and the next sync has nothing left to do.
    const settled = { ...d, status };
    assert.deepEqual(decideDeployment({ deployment: settled, replicaSets: [rs], pods: [] }, now + 5000), []);
  });

  it('a changed template starts a rollout: new ReplicaSet within maxSurge, revision 2', () => {
    const old = replicaSet('foo-old', 3, { revision: 1, sizedFor: { desired: 3, max: 4 } });
    const d = deployment({ replicas: 3, maxSurge: '25%', maxUnavailable: '25%', image: 'nginx:1.16.1', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    const actions = decideDeployment({ deployment: d, replicaSets: [old], pods: [] }, now);
    const create = find(actions, 'create')[0];
    assert.equal((create.object.spec as Record<string, unknown>).replicas, 1);
    assert.equal(create.object.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    assert.deepEqual(find(actions, 'update'), []);
    assert.equal(statusWrite(actions)?.object.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  });

  it('rollback: the matching old ReplicaSet gets the next revision and keeps its history', () => {
    const v1 = replicaSet('foo-v1', 0, { revision: 1, created: hoursAfter(0), annotations: { 'deployment.kubernetes.io/revision-history': '' } });
    const v2 = replicaSet('foo-v2', 3, { revision: 2, image: 'nginx:2', created: hoursAfter(1), sizedFor: { desired: 3, max: 4 } });
    const d = deployment({ replicas: 3, maxSurge: '25%', maxUnavailable: '25%', generation: 3, annotations: { 'deployment.kubernetes.io/revision': '2' } });
    const update = find(decideDeployment({ deployment: d, replicaSets: [v1, v2], pods: [] }, now), 'update')[0];
    assert.equal(update.object.metadata.name, 'foo-v1');
    assert.equal(update.object.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(update.object.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    // The same sync also scales it up within maxSurge.
    assert.equal((update.object.spec as Record<string, unknown>).replicas, 1);
  });

  it('paused: Progressing Unknown DeploymentPaused, no new ReplicaSet, still scales', () => {
    const old = replicaSet('foo-old', 3, { revision: 1, sizedFor: { desired: 3, max: 3 } });
    const d = deployment({ replicas: 5, paused: true, image: 'nginx:2', generation: 3, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    const actions = decideDeployment({ deployment: d, replicaSets: [old], pods: [] }, now);
    assert.deepEqual(find(actions, 'create'), []);
    assert.equal((find(actions, 'update')[0].object.spec as Record<string, unknown>).replicas, 5);
    const progressing = conditionsOf(statusWrite(actions)).find((c) => c.type === 'Progressing');
    assert.deepEqual(progressing, { type: 'Progressing', status: 'Unknown', lastUpdateTime: nowIso, lastTransitionTime: nowIso, reason: 'DeploymentPaused', message: 'Deployment is paused' });
  });

  it('resumed: DeploymentResumed, and the rollout proceeds', () => {
    const old = replicaSet('foo-old', 3, { revision: 1, sizedFor: { desired: 3, max: 4 } });
    const paused = { type: 'Progressing', status: 'Unknown', lastUpdateTime: iso(T0), lastTransitionTime: iso(T0), reason: 'DeploymentPaused', message: 'Deployment is paused' };
    const d = deployment({ replicas: 3, maxSurge: 1, image: 'nginx:2', generation: 3, status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [paused] } });
    const actions = decideDeployment({ deployment: d, replicaSets: [old], pods: [] }, now);
    assert.equal(find(actions, 'create').length, 1);
    const progressing = conditionsOf(statusWrite(actions)).find((c) => c.type === 'Progressing');
    // Resumed first, then replaced by the new ReplicaSet's condition (status Unknown → True).
    assert.equal(progressing?.reason, 'NewReplicaSetCreated');
  });

  it('revisionHistoryLimit: deletes the oldest fully scaled-down old ReplicaSets once complete', () => {
    const hash = computeHash(template());
    const current = replicaSet(`foo-${hash}`, 3, { hash, revision: 4, created: hoursAfter(4), sizedFor: { desired: 3, max: 3 } });
    const olds = [1, 2, 3].map((r) => replicaSet(`foo-r${r}`, 0, { revision: r, created: hoursAfter(r), image: `nginx:${r}` }));
    olds[0].status = { replicas: 1 }; // still has a pod: kept
    const d = deployment({
      replicas: 3, revisionHistoryLimit: 1, annotations: { 'deployment.kubernetes.io/revision': '4' },
      status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3 },
    });
    const deletes = find(decideDeployment({ deployment: d, replicaSets: [current, ...olds], pods: [] }, now), 'delete');
    assert.deepEqual(deletes.map((a) => a.ref.name), ['foo-r2']);
    assert.deepEqual(deletes[0].preconditions, { uid: 'foo-r2-uid' });
  });

  it('hash collision: bumps collisionCount and writes nothing else', () => {
    const hash = computeHash(template());
    const squatter = replicaSet(`foo-${hash}`, 1, { hash, image: 'other', owned: false });
    squatter.metadata.labels = { app: 'unrelated' };
    const d = deployment({ replicas: 3 });
    const actions = decideDeployment({ deployment: d, replicaSets: [squatter], pods: [] }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['updateStatus']);
    assert.equal((statusWrite(actions)?.object.status as Record<string, unknown>).collisionCount, 1);
    // With the count set, the next hash differs and creation goes ahead.
    const next = decideDeployment({ deployment: { ...d, status: { collisionCount: 1 } }, replicaSets: [squatter], pods: [] }, now);
    assert.equal(find(next, 'create')[0].object.metadata.name, `foo-${computeHash(template(), 1)}`);
  });

  it('adopts orphaned matching ReplicaSets first, and does nothing else in that sync', () => {
    const orphan = replicaSet('foo-orphan', 3, { owned: false });
    const actions = decideDeployment({ deployment: deployment({ replicas: 3 }), replicaSets: [orphan], pods: [] }, now);
    assert.deepEqual(actions.map((a) => [a.kind, a.kind === 'patch' ? a.ref.name : '']), [['patch', 'foo-orphan']]);
  });

  it('selecting all pods: a Warning Event, observedGeneration only', () => {
    const d = deployment({ replicas: 1, generation: 2 });
    (d.spec as Record<string, unknown>).selector = {};
    const actions = decideDeployment({ deployment: d, replicaSets: [], pods: [] }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['event', 'updateStatus']);
    const e = find(actions, 'event')[0].event;
    assert.deepEqual([e.type, e.reason, e.message], ['Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.']);
    assert.equal((statusWrite(actions)?.object.status as Record<string, unknown>).observedGeneration, 2);
  });

  describe('progress deadline', () => {
    const stuck = (lastUpdate: number): { d: KubeObject; rss: KubeObject[] } => {
      const hash = computeHash(template('nginx:2'));
      const newRS = replicaSet(`foo-${hash}`, 1, { hash, image: 'nginx:2', revision: 2, available: 0, created: hoursAfter(2), sizedFor: { desired: 3, max: 4 } });
      newRS.status = { replicas: 1, observedGeneration: 1 };
      const old = replicaSet('foo-old', 3, { revision: 1, sizedFor: { desired: 3, max: 4 } });
      const t = iso(lastUpdate);
      const d = deployment({
        replicas: 3, maxSurge: 1, maxUnavailable: 0, image: 'nginx:2', progressDeadlineSeconds: 600,
        annotations: { 'deployment.kubernetes.io/revision': '2' },
        status: {
          observedGeneration: 1, replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1,
          conditions: [
            { type: 'Available', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
            { type: 'Progressing', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'ReplicaSetUpdated', message: `ReplicaSet "foo-${hash}" is progressing.` },
          ],
        },
      });
      return { d, rss: [newRS, old] };
    };

    it('before the deadline: nothing to write, requeue one second after it', () => {
      const { d, rss } = stuck(now - 100_000);
      assert.deepEqual(decideDeployment({ deployment: d, replicaSets: rss, pods: [] }, now), [{ kind: 'requeueAfter', ms: 501_000 }]);
    });

    it('after it: Progressing False ProgressDeadlineExceeded', () => {
      const { d, rss } = stuck(now - 601_000);
      const progressing = conditionsOf(statusWrite(decideDeployment({ deployment: d, replicaSets: rss, pods: [] }, now))).find((c) => c.type === 'Progressing');
      assert.equal(progressing?.status, 'False');
      assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
      assert.match(String(progressing?.message), /^ReplicaSet "foo-\w+" has timed out progressing\.$/);
    });
  });

  it('a failed ReplicaSet create is reported first on the next sync, then retried', () => {
    const d = deployment({ replicas: 2 });
    const failed = decideDeployment({ deployment: d, replicaSets: [], pods: [] }, now)[0] as CreateAction;
    const actions = decideDeployment({ deployment: d, replicaSets: [], pods: [], lastFailure: { action: failed, message: 'quota exceeded' } }, now);
    assert.deepEqual(actions.map((a) => a.kind), ['updateStatus', 'create']);
    const progressing = conditionsOf(actions[0] as UpdateStatusAction).find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'ReplicaSetCreateError');
    assert.equal(progressing?.message, `Failed to create new replica set "${failed.object.metadata.name}": quota exceeded`);
  });

  it('mirrors a ReplicaSet\'s ReplicaFailure condition', () => {
    const hash = computeHash(template());
    const rs = replicaSet(`foo-${hash}`, 3, { hash, revision: 1, sizedFor: { desired: 3, max: 3 }, available: 0 });
    rs.status = { replicas: 0, observedGeneration: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: iso(T0), reason: 'FailedCreate', message: 'forbidden' }] };
    const d = deployment({ replicas: 3, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    const failure = conditionsOf(statusWrite(decideDeployment({ deployment: d, replicaSets: [rs], pods: [] }, now))).find((c) => c.type === 'ReplicaFailure');
    assert.deepEqual(failure, { type: 'ReplicaFailure', status: 'True', lastUpdateTime: iso(T0), lastTransitionTime: iso(T0), reason: 'FailedCreate', message: 'forbidden' });
  });
});
