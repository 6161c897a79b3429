// Whole rollouts: the Deployment and ReplicaSet decisions run against an in-memory namespace
// (TestCluster executes their actions), with a scheduler/kubelet stand-in making pods ready
// one at a time, until `kubectl rollout status` would report success. Invariants are checked
// after every single write.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { decideReplicaSet } from '../replicaset/decide.js';
import type { Action, LastFailure } from '../shared/actions.js';
import { rec } from '../shared/meta.js';
import { isPodActive, isPodReady } from '../shared/pods.js';
import { TestCluster } from '../shared/testCluster.js';
import { decideDeployment } from './decide.js';
import { rolloutStatusMessage } from './rolloutStatus.js';

/** Runs both controllers over every object until a full pass writes nothing. */
function settle(c: TestCluster, failures = new Map<string, LastFailure>()): void {
  for (let pass = 0; pass < 100; pass++) {
    let writes = 0;
    const run = (key: string, actions: Action[]): void => {
      writes += actions.filter((a) => a.kind !== 'event' && a.kind !== 'requeueAfter').length;
      const r = c.apply(actions);
      if (r.failure) failures.set(key, r.failure);
      else failures.delete(key);
    };
    for (const d of c.list('Deployment')) {
      const key = `deploy/${d.metadata.name}`;
      run(key, decideDeployment({ deployment: d, replicaSets: c.list('ReplicaSet'), pods: c.list('Pod'), lastFailure: failures.get(key) }, c.now));
    }
    for (const rs of c.list('ReplicaSet')) {
      const key = `rs/${rs.metadata.name}`;
      run(key, decideReplicaSet({ replicaSet: rs, pods: c.list('Pod'), replicaSets: c.list('ReplicaSet'), lastFailure: failures.get(key) }, c.now));
    }
    if (writes === 0) return;
  }
  throw new Error('controllers did not settle');
}

const nginx = (image: string, replicas: number, strategy: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image }] } },
    strategy,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
});

const rollingDefault = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };

const imageOf = (p: KubeObject): string => String((((rec(p.spec)?.containers as unknown[]) ?? [])[0] as { image?: string } | undefined)?.image);
const activePods = (c: TestCluster): KubeObject[] => c.list('Pod').filter(isPodActive);
const availablePods = (c: TestCluster): KubeObject[] => activePods(c).filter(isPodReady);
const setImage = (image: string) => (spec: Record<string, unknown>): void => {
  ((spec.template as { spec: { containers: { image: string }[] } }).spec.containers[0]).image = image;
};

/** Lets the kubelet stand-in work: bind, make `readyPerRound` pods ready, finish deletions. */
function runUntil(c: TestCluster, done: () => boolean, readyPerRound: number, rounds = 60): string[] {
  const messages: string[] = [];
  for (let i = 0; i < rounds; i++) {
    settle(c);
    const m = rolloutStatusMessage(c.get('Deployment', 'nginx') as KubeObject).message;
    if (messages.at(-1) !== m) messages.push(m);
    if (done()) return messages;
    c.schedulePods();
    c.makeReady(readyPerRound);
    c.finishDeletions();
    c.now += 1000;
  }
  throw new Error(`not done after ${rounds} rounds; last status: ${messages.at(-1)}`);
}

const rolledOut = (c: TestCluster) => (): boolean => rolloutStatusMessage(c.get('Deployment', 'nginx') as KubeObject).done;

describe('rollouts end to end (decisions + in-memory API)', () => {
  it('RollingUpdate 25%/25% of 3: never more than 4 pods nor fewer than 3 available; upstream Events and status', () => {
    const c = new TestCluster();
    c.add(nginx('nginx:1.14.2', 3, rollingDefault));
    runUntil(c, rolledOut(c), 3);
    assert.equal(availablePods(c).length, 3);

    let maxPods = 0;
    let minAvailable = Infinity;
    c.onWrite = () => {
      maxPods = Math.max(maxPods, activePods(c).length);
      minAvailable = Math.min(minAvailable, availablePods(c).length);
    };
    c.events.length = 0;
    c.editSpec('Deployment', 'nginx', setImage('nginx:1.16.1'));
    const messages = runUntil(c, rolledOut(c), 1);

    assert.equal(maxPods, 4);
    assert.equal(minAvailable, 3); // maxUnavailable 25% of 3 rounds down to 0
    assert.ok(minAvailable >= 2);
    assert.deepEqual(activePods(c).map(imageOf), ['nginx:1.16.1', 'nginx:1.16.1', 'nginx:1.16.1']);

    const rss = c.list('ReplicaSet');
    const next = rss.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2');
    const prev = rss.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1');
    assert.ok(next && prev);
    const [n, p] = [next.metadata.name, prev.metadata.name];
    const scaling = c.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    assert.deepEqual(scaling, [
      `Scaled up replica set ${n} from 0 to 1`,
      `Scaled down replica set ${p} from 3 to 2`,
      `Scaled up replica set ${n} from 1 to 2`,
      `Scaled down replica set ${p} from 2 to 1`,
      `Scaled up replica set ${n} from 2 to 3`,
      `Scaled down replica set ${p} from 1 to 0`,
    ]);
    assert.ok(messages.includes('Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...'));
    assert.ok(messages.includes('Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...'));
    assert.equal(messages.at(-1), 'deployment "nginx" successfully rolled out');

    const d = c.get('Deployment', 'nginx') as KubeObject;
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const status = d.status as Record<string, unknown>;
    assert.equal(status.observedGeneration, 2);
    assert.deepEqual([status.replicas, status.updatedReplicas, status.readyReplicas, status.availableReplicas], [3, 3, 3, 3]);
    const conds = (status.conditions as Record<string, unknown>[]).map((x) => [x.type, x.status, x.reason, x.message]);
    assert.deepEqual(conds, [
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${n}" has successfully progressed.`],
    ]);
    const rsEvents = c.events.filter((e) => e.involvedObject.kind === 'ReplicaSet').map((e) => e.reason);
    assert.equal(rsEvents.filter((r) => r === 'SuccessfulCreate').length, 3);
    assert.equal(rsEvents.filter((r) => r === 'SuccessfulDelete').length, 3);
  });

  it('Recreate: old pods are all gone before the new ReplicaSet exists', () => {
    const c = new TestCluster();
    c.add(nginx('nginx:1.14.2', 3, { type: 'Recreate' }));
    runUntil(c, rolledOut(c), 3);
    const log: string[] = [];
    c.onWrite = (a) => {
      if (a.kind === 'create' && a.object.kind === 'ReplicaSet') {
        log.push('create new ReplicaSet');
        assert.equal(c.list('Pod').filter((p) => imageOf(p) === 'nginx:1.14.2').length, 0, 'old pods (even terminating ones) are gone');
      }
      if (a.kind === 'update' && a.object.kind === 'ReplicaSet') log.push(`scale ${imageOf(rec(a.object.spec)?.template as KubeObject)} to ${rec(a.object.spec)?.replicas}`);
      const images = new Set(activePods(c).map(imageOf));
      assert.ok(images.size <= 1, 'old and new pods never run together');
    };
    c.editSpec('Deployment', 'nginx', setImage('nginx:1.16.1'));
    runUntil(c, rolledOut(c), 3);
    assert.deepEqual(log, ['scale nginx:1.14.2 to 0', 'create new ReplicaSet']);
    assert.deepEqual(activePods(c).map(imageOf), ['nginx:1.16.1', 'nginx:1.16.1', 'nginx:1.16.1']);
  });

  it('proportional scaling mid-rollout (the documented 10 → 15 example: old 8 → 11, new 5 → 7)', () => {
    const c = new TestCluster();
    c.add(nginx('nginx:1.14.2', 10, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } }));
    runUntil(c, rolledOut(c), 10);
    c.editSpec('Deployment', 'nginx', setImage('nginx:sometag')); // never becomes ready
    settle(c);
    c.schedulePods();
    settle(c);
    const sizes = (): Record<string, number> =>
      Object.fromEntries(c.list('ReplicaSet').map((rs) => [String(rs.metadata.annotations?.['deployment.kubernetes.io/revision']), Number(rec(rs.spec)?.replicas)]));
    assert.deepEqual(sizes(), { 1: 8, 2: 5 });
    c.editSpec('Deployment', 'nginx', (spec) => {
      spec.replicas = 15;
    });
    settle(c);
    assert.deepEqual(sizes(), { 1: 11, 2: 7 });
    for (const rs of c.list('ReplicaSet')) {
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '15');
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '18');
    }
  });

  it('pause holds a template change; resume rolls it out; undo reuses the old ReplicaSet as revision 3', () => {
    const c = new TestCluster();
    c.add(nginx('nginx:1.14.2', 2, rollingDefault));
    runUntil(c, rolledOut(c), 2);
    c.editSpec('Deployment', 'nginx', (spec) => {
      spec.paused = true;
      setImage('nginx:1.16.1')(spec);
    });
    settle(c);
    assert.equal(c.list('ReplicaSet').length, 1);
    const paused = c.get('Deployment', 'nginx')?.status as { conditions: { type: string; reason: string }[] };
    assert.equal(paused.conditions.find((x) => x.type === 'Progressing')?.reason, 'DeploymentPaused');

    c.editSpec('Deployment', 'nginx', (spec) => {
      delete spec.paused;
    });
    runUntil(c, rolledOut(c), 1);
    assert.equal(c.list('ReplicaSet').length, 2);

    // kubectl rollout undo: the template goes back; no third ReplicaSet appears.
    c.editSpec('Deployment', 'nginx', setImage('nginx:1.14.2'));
    runUntil(c, rolledOut(c), 1);
    const rss = c.list('ReplicaSet');
    assert.equal(rss.length, 2);
    const back = rss.find((rs) => imageOf(rec(rs.spec)?.template as KubeObject) === 'nginx:1.14.2');
    assert.equal(back?.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(back?.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(c.get('Deployment', 'nginx')?.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.deepEqual(activePods(c).map(imageOf), ['nginx:1.14.2', 'nginx:1.14.2']);
  });

  it('revisionHistoryLimit 1 keeps one old ReplicaSet after successive rollouts', () => {
    const c = new TestCluster();
    const d = nginx('v1', 1, rollingDefault);
    (d.spec as Record<string, unknown>).revisionHistoryLimit = 1;
    c.add(d);
    runUntil(c, rolledOut(c), 1);
    for (const image of ['v2', 'v3', 'v4']) {
      c.editSpec('Deployment', 'nginx', setImage(image));
      runUntil(c, rolledOut(c), 1);
      settle(c);
    }
    const revisions = c.list('ReplicaSet').map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
    assert.deepEqual(revisions, ['3', '4']);
  });
});
