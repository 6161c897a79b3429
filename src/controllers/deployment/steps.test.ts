// Table tests of the rollout steps, with upstream's own cases (sync_test.go TestScale,
// rolling_test.go TestDeploymentController_reconcile*/cleanupUnhealthyReplicas/scaleDown*,
// deployment_util_test.go TestResolveFenceposts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { DeploymentSync } from './context.js';
import { cleanupUnhealthyReplicas, reconcileNewReplicaSet, reconcileOldReplicaSets, scaleDownOldReplicaSetsForRollingUpdate } from './rolling.js';
import { scale } from './sync.js';
import { deployment, hoursAfter, replicaSet, syncFor } from './testFixtures.js';
import { maxSurge, maxUnavailable, resolveFenceposts } from './util.js';

/** spec.replicas of every ReplicaSet after the sync's writes, by name. */
function sizes(ctx: DeploymentSync): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rs of ctx.rsList) out[rs.metadata.name ?? ''] = (rs.spec as { replicas: number }).replicas;
  for (const a of ctx.actions()) {
    if (a.kind === 'update' || a.kind === 'create') out[a.object.metadata.name ?? ''] = (a.object.spec as { replicas: number }).replicas;
  }
  return out;
}

const updatedNames = (ctx: DeploymentSync): string[] =>
  ctx.actions().flatMap((a) => (a.kind === 'update' ? [a.object.metadata.name ?? ''] : []));

describe('fenceposts', () => {
  const table: [number | string, number | string, number, number, number][] = [
    // maxSurge, maxUnavailable, desired → surge, unavailable
    ['25%', '25%', 3, 1, 0],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 10, 3, 2],
    [0, 0, 10, 0, 1],
    ['0%', '0%', 10, 0, 1],
    ['1%', '1%', 10, 1, 0],
    [0, '1%', 10, 0, 1],
    ['50%', '50%', 5, 3, 2],
  ];
  for (const [s, u, desired, es, eu] of table) {
    it(`maxSurge ${s}, maxUnavailable ${u}, ${desired} replicas → surge ${es}, unavailable ${eu}`, () => {
      assert.deepEqual(resolveFenceposts(s, u, desired), { surge: es, unavailable: eu });
    });
  }
  it('MaxUnavailable is 0 for Recreate and for zero replicas, capped at replicas', () => {
    assert.equal(maxUnavailable(deployment({ replicas: 3, strategy: 'Recreate' })), 0);
    assert.equal(maxUnavailable(deployment({ replicas: 0, maxUnavailable: 1 })), 0);
    assert.equal(maxUnavailable(deployment({ replicas: 2, maxUnavailable: 5 })), 2);
    assert.equal(maxSurge(deployment({ replicas: 3, strategy: 'Recreate' })), 0);
  });
});

describe('scale (proportional scaling, upstream TestScale)', () => {
  const newTS = hoursAfter(2);
  const oldTS = hoursAfter(1);
  const olderTS = hoursAfter(0);
  interface Case {
    name: string;
    replicas: number;
    oldReplicas: number;
    surge?: number;
    oldSurge?: number;
    unavailable?: number;
    newRS?: [string, number, number?];
    oldRSs: [string, number, string][];
    expected: Record<string, number>;
    updatedTemplate?: boolean;
  }
  const cases: Case[] = [
    { name: 'normal scaling event: 10 -> 12', replicas: 12, oldReplicas: 10, newRS: ['foo-v1', 10], oldRSs: [], expected: { 'foo-v1': 12 } },
    { name: 'normal scaling event: 10 -> 5', replicas: 5, oldReplicas: 10, newRS: ['foo-v1', 10], oldRSs: [], expected: { 'foo-v1': 5 } },
    { name: 'proportional scaling: 5 -> 10', replicas: 10, oldReplicas: 5, newRS: ['foo-v2', 2], oldRSs: [['foo-v1', 3, oldTS]], expected: { 'foo-v2': 4, 'foo-v1': 6 } },
    { name: 'proportional scaling: 5 -> 3', replicas: 3, oldReplicas: 5, newRS: ['foo-v2', 2], oldRSs: [['foo-v1', 3, oldTS]], expected: { 'foo-v2': 1, 'foo-v1': 2 } },
    { name: 'proportional scaling: 9 -> 4', replicas: 4, oldReplicas: 9, newRS: ['foo-v2', 8], oldRSs: [['foo-v1', 1, oldTS]], expected: { 'foo-v2': 4, 'foo-v1': 0 } },
    {
      name: 'proportional scaling: 7 -> 10', replicas: 10, oldReplicas: 7, newRS: ['foo-v3', 2],
      oldRSs: [['foo-v2', 3, oldTS], ['foo-v1', 2, olderTS]], expected: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 },
    },
    {
      name: 'proportional scaling: 13 -> 8', replicas: 8, oldReplicas: 13, newRS: ['foo-v3', 2],
      oldRSs: [['foo-v2', 8, oldTS], ['foo-v1', 3, olderTS]], expected: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 },
    },
    {
      name: 'leftover distribution: 3 -> 4 (newest grows)', replicas: 4, oldReplicas: 3, newRS: ['foo-v3', 1],
      oldRSs: [['foo-v2', 1, oldTS], ['foo-v1', 1, olderTS]], expected: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 },
    },
    {
      name: 'leftover distribution: 3 -> 2 (oldest shrinks)', replicas: 2, oldReplicas: 3, newRS: ['foo-v3', 1],
      oldRSs: [['foo-v2', 1, oldTS], ['foo-v1', 1, olderTS]], expected: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 },
    },
    {
      name: 'proportional scaling (no new rs): 4 -> 5', replicas: 5, oldReplicas: 4,
      oldRSs: [['foo-v2', 2, oldTS], ['foo-v1', 2, olderTS]], expected: { 'foo-v2': 3, 'foo-v1': 2 },
    },
    {
      name: 'proportional scaling: 6 -> 0', replicas: 0, oldReplicas: 6, newRS: ['foo-v3', 3],
      oldRSs: [['foo-v2', 2, oldTS], ['foo-v1', 1, olderTS]], expected: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 },
    },
    {
      name: 'proportional scaling: 0 -> 6', replicas: 6, oldReplicas: 6, newRS: ['foo-v3', 0],
      oldRSs: [['foo-v2', 0, oldTS], ['foo-v1', 0, olderTS]], expected: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 },
    },
    {
      name: 'deployment with surge pods', replicas: 20, oldReplicas: 10, surge: 2, oldSurge: 2, newRS: ['foo-v2', 6],
      oldRSs: [['foo-v1', 6, oldTS]], expected: { 'foo-v2': 11, 'foo-v1': 11 },
    },
    {
      name: 'change both surge and size', replicas: 50, oldReplicas: 10, surge: 6, oldSurge: 3, newRS: ['foo-v2', 5],
      oldRSs: [['foo-v1', 8, oldTS]], expected: { 'foo-v2': 22, 'foo-v1': 34 },
    },
    {
      name: 'change both size and template', replicas: 14, oldReplicas: 10, updatedTemplate: true,
      oldRSs: [['foo-v2', 7, newTS], ['foo-v1', 3, oldTS]], expected: { 'foo-v2': 10, 'foo-v1': 4 },
    },
    {
      name: 'saturated but broken new replica set does not affect old pods', replicas: 2, oldReplicas: 2, surge: 1, oldSurge: 1, unavailable: 1,
      newRS: ['foo-v2', 2, 0], oldRSs: [['foo-v1', 1, oldTS]], expected: { 'foo-v2': 2, 'foo-v1': 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = deployment({ replicas: c.replicas, maxSurge: c.surge ?? 0, maxUnavailable: c.unavailable ?? 0, image: c.updatedTemplate ? 'nginx:2' : undefined });
      const sizedFor = { desired: c.oldReplicas, max: c.oldReplicas + (c.oldSurge ?? 0) };
      const rss: KubeObject[] = [];
      if (c.newRS) rss.push(replicaSet(c.newRS[0], c.newRS[1], { created: newTS, sizedFor, available: c.newRS[2] }));
      for (const [name, n, created] of c.oldRSs) rss.push(replicaSet(name, n, { created, sizedFor }));
      const ctx = syncFor(d, rss);
      const newRS = c.newRS ? ctx.rsList[0] : undefined;
      const oldRSs = c.newRS ? ctx.rsList.slice(1) : ctx.rsList;
      scale(ctx, newRS, oldRSs);
      assert.deepEqual(sizes(ctx), c.expected);
    });
  }

  it('a scale rewrites desired/max-replicas annotations and records the ScalingReplicaSet Events', () => {
    const d = deployment({ replicas: 10, maxSurge: 2 });
    const ctx = syncFor(d, [replicaSet('foo-v2', 2, { created: newTS, sizedFor: { desired: 5, max: 7 } }), replicaSet('foo-v1', 3, { created: oldTS, sizedFor: { desired: 5, max: 7 } })]);
    scale(ctx, ctx.rsList[0], [ctx.rsList[1]]);
    const updates = ctx.actions().filter((a) => a.kind === 'update');
    assert.deepEqual(updates.map((a) => a.kind === 'update' && a.object.metadata.annotations), [
      { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '12' },
      { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '12' },
    ]);
    assert.deepEqual(updates.flatMap((a) => (a.kind === 'update' ? (a.onSuccess ?? []).map((e) => `${e.reason}: ${e.message}`) : [])), [
      // 7 to add: v1 gets round(3*12/7)-3 = 2 plus the leftover 4, v2 round(2*12/7)-2 = 1.
      'ScalingReplicaSet: Scaled up replica set foo-v1 from 3 to 9',
      'ScalingReplicaSet: Scaled up replica set foo-v2 from 2 to 3',
    ]);
  });
});

describe('rolling steps (upstream rolling_test.go)', () => {
  const reconcileNew: [number, number, number, number, number | undefined][] = [
    // deployment replicas, maxSurge, old replicas, new replicas → expected new (undefined: no scale)
    [10, 0, 10, 0, undefined],
    [10, 2, 10, 0, 2],
    [10, 2, 5, 0, 7],
    [10, 2, 10, 2, undefined],
    [10, 2, 2, 11, 10],
  ];
  for (const [replicas, surge, oldN, newN, expected] of reconcileNew) {
    it(`reconcileNewReplicaSet: ${replicas} replicas, surge ${surge}, old ${oldN}, new ${newN} → ${expected ?? 'no scale'}`, () => {
      const ctx = syncFor(deployment({ replicas, maxSurge: surge }), [replicaSet('foo-new', newN), replicaSet('foo-old', oldN)]);
      const scaled = reconcileNewReplicaSet(ctx, ctx.rsList, ctx.rsList[0]);
      assert.equal(scaled, expected !== undefined);
      if (expected !== undefined) assert.equal(sizes(ctx)['foo-new'], expected);
      else assert.deepEqual(updatedNames(ctx), []);
    });
  }

  const reconcileOld: [number, number, number, number, number, number | undefined][] = [
    // replicas, maxUnavailable, old replicas, new replicas, available old → expected old (undefined: no scale)
    [10, 0, 10, 0, 10, 9],
    [10, 2, 10, 0, 10, 8],
    [10, 2, 10, 0, 8, 8],
    [10, 2, 10, 0, 9, 8],
    [10, 2, 8, 2, 8, undefined],
  ];
  for (const [replicas, unavailable, oldN, newN, availOld, expected] of reconcileOld) {
    it(`reconcileOldReplicaSets: ${replicas} replicas, maxUnavailable ${unavailable}, old ${oldN} (${availOld} available), new ${newN} → ${expected ?? 'no scale'}`, () => {
      const ctx = syncFor(deployment({ replicas, maxUnavailable: unavailable }), [replicaSet('foo-new', newN, { available: 0 }), replicaSet('foo-old', oldN, { available: availOld })]);
      const [newRS, oldRS] = ctx.rsList;
      assert.equal(reconcileOldReplicaSets(ctx, ctx.rsList, [oldRS], newRS), expected !== undefined);
      if (expected !== undefined) assert.equal(sizes(ctx)['foo-old'], expected);
    });
  }

  const cleanup: [number, number, number][] = [
    // available of 10, maxCleanupCount → cleaned
    [8, 1, 1],
    [8, 3, 2],
    [8, 0, 0],
    [10, 3, 0],
  ];
  for (const [available, maxCleanup, expected] of cleanup) {
    it(`cleanupUnhealthyReplicas: 10 old, ${available} available, max ${maxCleanup} → ${expected}`, () => {
      const ctx = syncFor(deployment({ replicas: 10, maxSurge: 2, maxUnavailable: 2 }), [replicaSet('foo-v2', 10, { available })]);
      assert.equal(cleanupUnhealthyReplicas(ctx, ctx.rsList, maxCleanup), expected);
    });
  }

  const scaleDown: [number, number, number, number | undefined][] = [
    // maxUnavailable, available, old replicas → expected old
    [0, 10, 10, 9],
    [2, 10, 10, 8],
    [2, 8, 10, undefined],
    [2, 10, 0, undefined],
    [2, 1, 10, undefined],
  ];
  for (const [unavailable, available, oldN, expected] of scaleDown) {
    it(`scaleDownOldReplicaSetsForRollingUpdate: maxUnavailable ${unavailable}, ${available} available, old ${oldN} → ${expected ?? 'no scale'}`, () => {
      const ctx = syncFor(deployment({ replicas: 10, maxUnavailable: unavailable }), [replicaSet('foo-v2', oldN, { available })]);
      const n = scaleDownOldReplicaSetsForRollingUpdate(ctx, ctx.rsList, ctx.rsList);
      assert.equal(n > 0, expected !== undefined);
      if (expected !== undefined) assert.equal(sizes(ctx)['foo-v2'], expected);
    });
  }
});
