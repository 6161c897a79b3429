import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { CycleState } from './cycleState.js';
import { makeNode, makePod } from './fixtures.js';
import {
  balancedAllocationScore,
  balancedAllocationScorer,
  defaultNormalizeScore,
  leastAllocatedScore,
  leastRequestedScore,
  nodeAffinityScorer,
  scoreNodes,
  taintTolerationScorer,
  type ScorePlugin,
} from './scores.js';
import { selectHost } from './schedule.js';
import { Snapshot } from './snapshot.js';

function scoresFor(plugin: ScorePlugin, pod: KubeObject, nodes: KubeObject[], pods: KubeObject[] = []): Record<string, number> {
  const s = Snapshot.build(nodes, pods);
  const st = CycleState.create(pod, s);
  const totals = scoreNodes(st, s.nodes(), [plugin]);
  return Object.fromEntries(s.nodes().map((n, i) => [n.name, totals[i]]));
}

describe('normalization helpers', () => {
  it('defaultNormalizeScore scales by the maximum and can reverse', () => {
    const a = [0, 2, 4];
    defaultNormalizeScore(a, false);
    assert.deepEqual(a, [0, 50, 100]);
    const b = [0, 1, 3];
    defaultNormalizeScore(b, true);
    assert.deepEqual(b, [100, 67, 0]);
    const c = [0, 0];
    defaultNormalizeScore(c, true);
    assert.deepEqual(c, [100, 100]);
  });

  it('selectHost takes the highest total and breaks ties with the random source', () => {
    assert.equal(selectHost([1, 5, 3]), 1);
    // Reservoir sampling over ties at indexes 1 and 2: random 0 keeps replacing.
    assert.equal(selectHost([1, 5, 5], () => 0), 2);
    assert.equal(selectHost([1, 5, 5], () => 0.99), 1);
  });
});

describe('NodeResourcesFit LeastAllocated', () => {
  it('averages free cpu and memory shares with integer truncation', () => {
    assert.equal(leastRequestedScore(3000, 4000), 25);
    assert.equal(leastRequestedScore(5000, 4000), 0);
    const s = Snapshot.build([makeNode('n', { cpu: '4', memory: '4Gi' })], [makePod('q', { nodeName: 'n', cpu: '1', memory: '1Gi' })]);
    const pod = CycleState.create(makePod('p', { cpu: '1', memory: '1Gi' }), s).pod;
    // cpu (4000-2000)/4000 → 50, memory (4-2)/4 → 50
    assert.equal(leastAllocatedScore(pod, s.nodeInfo('n')!), 50);
  });

  it('uses 100m / 200Mi for pods without requests', () => {
    const s = Snapshot.build([makeNode('n', { cpu: '1', memory: '1000Mi' })]);
    const pod = CycleState.create(makePod('p'), s).pod;
    // cpu (1000-100)/1000 → 90, memory (1000-200)/1000 → 80
    assert.equal(leastAllocatedScore(pod, s.nodeInfo('n')!), 85);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  it('scores 100·(1 − |cpuFraction − memFraction| / 2)', () => {
    const s = Snapshot.build([makeNode('n', { cpu: '4', memory: '4Gi' })]);
    const pod = CycleState.create(makePod('p', { cpu: '2', memory: '1Gi' }), s).pod;
    // fractions 0.5 and 0.25 → std 0.125 → 87
    assert.equal(balancedAllocationScore(pod, s.nodeInfo('n')!), 87);
  });

  it('is skipped for best-effort pods', () => {
    const s = Snapshot.build([makeNode('n')]);
    assert.equal(balancedAllocationScorer.prepare(CycleState.create(makePod('p'), s), s.nodes()), undefined);
  });
});

describe('TaintToleration score', () => {
  it('prefers nodes with fewer intolerable PreferNoSchedule taints (weight 3)', () => {
    const nodes = [
      makeNode('clean'),
      makeNode('one', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }),
      makeNode('two', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] }),
    ];
    assert.deepEqual(scoresFor(taintTolerationScorer, makePod('p'), nodes), { clean: 300, one: 150, two: 0 });
    const tolerant = makePod('p', { spec: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
    assert.deepEqual(scoresFor(taintTolerationScorer, tolerant, nodes), { clean: 300, one: 300, two: 0 });
  });
});

describe('NodeAffinity score', () => {
  it('sums matching preferred weights, normalized to the best node (weight 2)', () => {
    const pod = makePod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
              { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            ],
          },
        },
      },
    });
    const nodes = [makeNode('both', { labels: { disk: 'ssd', zone: 'a' } }), makeNode('ssd', { labels: { disk: 'ssd' } }), makeNode('none')];
    assert.deepEqual(scoresFor(nodeAffinityScorer, pod, nodes), { both: 200, ssd: 160, none: 0 });
  });
});
