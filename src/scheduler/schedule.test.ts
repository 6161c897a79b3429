import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { makeNode, makePod } from './fixtures.js';
import { preempt } from './preemption.js';
import { numFeasibleNodesToFind, schedulePod, type ScheduleResult } from './schedule.js';
import { Snapshot } from './snapshot.js';
import type { FitError } from './fitError.js';

function fitError(r: ScheduleResult): FitError {
  assert.ok('error' in r, `expected a FitError, got ${JSON.stringify(r)}`);
  return r.error;
}

function placed(r: ScheduleResult): string {
  assert.ok(!('error' in r), `expected a node, got ${'error' in r ? r.error.message() : ''}`);
  return r.node;
}

const controlPlane = (name: string) => makeNode(name, { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });

describe('FitError messages', () => {
  it('formats the issue example: 0/3 nodes are available: 3 Insufficient cpu.', () => {
    const s = Snapshot.build([makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' }), makeNode('c', { cpu: '1' })]);
    const pod = makePod('big', { cpu: '2' });
    const err = fitError(schedulePod(pod, s));
    assert.equal(err.message(), '0/3 nodes are available: 3 Insufficient cpu.');
    // The request exceeds every node, so preemption cannot help anywhere.
    assert.equal(preempt(pod, s, err), undefined);
    assert.equal(err.message(), '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });

  it('aggregates and sorts reasons across plugins, with the preemption suffix', () => {
    const s = Snapshot.build([makeNode('w', { cpu: '2' }), controlPlane('cp1'), controlPlane('cp2')], [makePod('busy', { nodeName: 'w', cpu: '2' })]);
    const pod = makePod('p', { cpu: '1' });
    const err = fitError(schedulePod(pod, s));
    assert.equal(err.message(), '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.');
    assert.equal(preempt(pod, s, err), undefined);
    assert.equal(
      err.message(),
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
    assert.deepEqual([...err.unschedulablePlugins].sort(), ['NodeResourcesFit', 'TaintToleration']);
  });

  it('counts every reason of a node and sorts byte-wise like Go (10 before 2)', () => {
    const nodes = [...Array.from({ length: 10 }, (_, i) => makeNode(`small${i}`, { cpu: '1', memory: '1Gi' })), controlPlane('cp1'), controlPlane('cp2')];
    const err = fitError(schedulePod(makePod('p', { cpu: '2', memory: '2Gi' }), Snapshot.build(nodes)));
    assert.equal(
      err.message(),
      '0/12 nodes are available: 10 Insufficient cpu, 10 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.',
    );
  });

  it('reports nodes excluded by a metadata.name pin as not satisfying NodeAffinity', () => {
    const s = Snapshot.build([makeNode('a', { cpu: '1' }), makeNode('b'), makeNode('c')], [makePod('busy', { nodeName: 'a', cpu: '1' })]);
    const ds = makePod('ds', {
      cpu: '1',
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } } } },
    });
    const err = fitError(schedulePod(ds, s));
    assert.equal(err.message(), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });

  it('uses a PreFilter rejection as the whole reason', () => {
    const s = Snapshot.build([makeNode('a'), makeNode('b'), makeNode('c')]);
    const volume = { preFilter: () => ({ reasons: ['persistentvolumeclaim "data" not found'], unresolvable: true }) };
    const err = fitError(schedulePod(makePod('p'), s, { volume }));
    assert.equal(err.message(), '0/3 nodes are available: persistentvolumeclaim "data" not found.');
    preempt(makePod('p'), s, err);
    assert.equal(
      err.message(),
      '0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('says so when there are no nodes at all', () => {
    assert.equal(fitError(schedulePod(makePod('p'), new Snapshot())).message(), 'no nodes available to schedule pods');
  });

  it('mentions preemptionPolicy Never', () => {
    const s = Snapshot.build([makeNode('a', { cpu: '1' })], [makePod('low', { nodeName: 'a', cpu: '1', priority: 0 })]);
    const pod = makePod('p', { cpu: '1', priority: 100, spec: { preemptionPolicy: 'Never' } });
    const err = fitError(schedulePod(pod, s));
    assert.equal(preempt(pod, s, err), undefined);
    assert.equal(err.message(), '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });
});

describe('schedulePod', () => {
  it('picks the least allocated node among feasible ones', () => {
    const s = Snapshot.build([makeNode('busy'), makeNode('idle'), controlPlane('cp')], [makePod('x', { nodeName: 'busy', cpu: '3', memory: '6Gi' })]);
    const r = schedulePod(makePod('p', { cpu: '500m', memory: '512Mi' }), s);
    assert.equal(placed(r), 'idle');
    assert.ok(!('error' in r) && r.feasibleNodes === 2 && r.evaluatedNodes === 3);
  });

  it('samples nodes adaptively like numFeasibleNodesToFind', () => {
    assert.equal(numFeasibleNodesToFind(50), 50);
    assert.equal(numFeasibleNodesToFind(100), 100);
    assert.equal(numFeasibleNodesToFind(1000), 420);
    assert.equal(numFeasibleNodesToFind(5000), 500);
    assert.equal(numFeasibleNodesToFind(6000), 300);
    assert.equal(numFeasibleNodesToFind(20000), 1000);
    assert.equal(numFeasibleNodesToFind(1000, 30), 300);
    assert.equal(numFeasibleNodesToFind(1000, 100), 1000);
  });

  it('starts each filtering pass where the previous one stopped', () => {
    const s = Snapshot.build(Array.from({ length: 300 }, (_, i) => makeNode(`n${i}`)));
    // 300 nodes: (50 − 300/125)% = 48% → 144 nodes are filtered per pod.
    const r = schedulePod(makePod('p'), s);
    assert.ok(!('error' in r));
    assert.equal(r.evaluatedNodes, 144);
    assert.equal(s.nextStartNodeIndex, 144);
    schedulePod(makePod('q'), s);
    assert.equal(s.nextStartNodeIndex, 288);
    schedulePod(makePod('r'), s);
    assert.equal(s.nextStartNodeIndex, 132);
  });

  it('takes the nominated node first when it fits', () => {
    const s = Snapshot.build([makeNode('busy'), makeNode('idle')], [makePod('x', { nodeName: 'busy', cpu: '3' })]);
    const pod = makePod('p', { cpu: '500m', status: { nominatedNodeName: 'busy' } });
    assert.equal(placed(schedulePod(pod, s)), 'busy');
  });

  it('keeps room for higher-priority nominated pods', () => {
    const s = Snapshot.build([makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '1' })]);
    s.nominate(makePod('vip', { cpu: '2', priority: 1000 }), 'a');
    assert.equal(placed(schedulePod(makePod('low', { cpu: '1', priority: 0 }), s)), 'b');
    // An equally important pod may not take it either; a more important one may.
    assert.equal(placed(schedulePod(makePod('peer', { cpu: '1', priority: 1000 }), s)), 'b');
    assert.equal(placed(schedulePod(makePod('top', { cpu: '2', priority: 2000 }), s)), 'a');
  });
});

describe('scale', () => {
  it('places 10,000 pods on 5,000 nodes without exceeding any pods capacity', () => {
    const nodes: KubeObject[] = Array.from({ length: 5000 }, (_, i) =>
      makeNode(`node-${i}`, { cpu: '4', memory: '16Gi', pods: '3', labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` } }),
    );
    const s = Snapshot.build(nodes);
    let failures = 0;
    for (let i = 0; i < 10_000; i++) {
      const pod = makePod(`web-${i}`, { cpu: '100m', memory: '128Mi', owner: `rs-${i % 10}`, labels: { app: 'web' } });
      const r = schedulePod(pod, s);
      if ('error' in r) failures++;
      else s.assume(pod, r.node);
    }
    assert.equal(failures, 0);
    assert.equal(s.numPods, 10_000);
    let max = 0;
    let total = 0;
    for (const n of s.nodes()) {
      max = Math.max(max, n.pods.size);
      total += n.pods.size;
    }
    assert.equal(total, 10_000);
    assert.ok(max <= 3, `a node holds ${max} pods`);
  });
});
