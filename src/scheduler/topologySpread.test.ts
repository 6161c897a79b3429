import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { CycleState } from './cycleState.js';
import { podTopologySpreadFilter } from './filters.js';
import { makeNode, makePod } from './fixtures.js';
import { podTopologySpreadScorer, scoreNodes } from './scores.js';
import { Snapshot } from './snapshot.js';

const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
const nodes = [makeNode('a1', { labels: zone('a') }), makeNode('a2', { labels: zone('a') }), makeNode('b1', { labels: zone('b') }), makeNode('c1', { labels: zone('c') })];

const constraint = (whenUnsatisfiable: string, extra: Record<string, unknown> = {}) => ({
  maxSkew: 1,
  topologyKey: 'topology.kubernetes.io/zone',
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
});
const web = (name: string, nodeName?: string, constraints: unknown[] = []) =>
  makePod(name, { nodeName, labels: { app: 'web' }, spec: constraints.length ? { topologySpreadConstraints: constraints } : {} });

function verdicts(pod: KubeObject, existing: KubeObject[], ns: KubeObject[] = nodes): Record<string, string> {
  const s = Snapshot.build(ns, existing);
  const st = CycleState.create(pod, s);
  return Object.fromEntries(s.nodes().map((n) => [n.name, podTopologySpreadFilter(st.pod, n, st)?.reasons.join() ?? 'ok']));
}

describe('PodTopologySpread filter (DoNotSchedule)', () => {
  it('rejects domains that would exceed maxSkew over the global minimum', () => {
    const existing = [web('w1', 'a1'), web('w2', 'b1')];
    assert.deepEqual(verdicts(web('new', undefined, [constraint('DoNotSchedule')]), existing), {
      a1: "node(s) didn't match pod topology spread constraints",
      a2: "node(s) didn't match pod topology spread constraints",
      b1: "node(s) didn't match pod topology spread constraints",
      c1: 'ok',
    });
  });

  it('rejects nodes missing the topology key as unresolvable', () => {
    const s = Snapshot.build([...nodes, makeNode('bare')]);
    const st = CycleState.create(web('new', undefined, [constraint('DoNotSchedule')]), s);
    const r = podTopologySpreadFilter(st.pod, s.nodeInfo('bare')!, st);
    assert.deepEqual(r, { reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"], unresolvable: true, plugin: 'PodTopologySpread' });
  });

  it('treats the minimum as 0 while fewer than minDomains domains exist', () => {
    const two = nodes.slice(0, 3);
    const existing = [web('w1', 'a1'), web('w2', 'b1')];
    assert.equal(verdicts(web('new', undefined, [constraint('DoNotSchedule')]), existing, two).a1, 'ok');
    assert.notEqual(verdicts(web('new', undefined, [constraint('DoNotSchedule', { minDomains: 3 })]), existing, two).a1, 'ok');
  });

  it('only counts nodes matching the pod node affinity (nodeAffinityPolicy Honor)', () => {
    const pinned = makePod('new', {
      labels: { app: 'web' },
      spec: { nodeSelector: { 'topology.kubernetes.io/zone': 'a' }, topologySpreadConstraints: [constraint('DoNotSchedule')] },
    });
    // b and c are not eligible domains, so zone a (1 pod) is the minimum.
    assert.equal(verdicts(pinned, [web('w1', 'a1')]).a1, 'ok');
  });

  it('narrows the selector with matchLabelKeys', () => {
    const rev = (name: string, r: string, nodeName?: string, cs: unknown[] = []) =>
      makePod(name, { nodeName, labels: { app: 'web', rev: r }, spec: cs.length ? { topologySpreadConstraints: cs } : {} });
    const c = constraint('DoNotSchedule', { matchLabelKeys: ['rev'] });
    // Old-revision pods in a and b do not count for rev 2.
    assert.deepEqual(verdicts(rev('new', '2', undefined, [c]), [rev('o1', '1', 'a1'), rev('o2', '1', 'b1')]), { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok' });
  });
});

describe('PodTopologySpread score', () => {
  const score = (pod: KubeObject, existing: KubeObject[], ns: KubeObject[] = nodes) => {
    const s = Snapshot.build(ns, existing);
    const st = CycleState.create(pod, s);
    const totals = scoreNodes(st, s.nodes(), [podTopologySpreadScorer]);
    return Object.fromEntries(s.nodes().map((n, i) => [n.name, totals[i] / 2]));
  };

  it('scores ScheduleAnyway domains with fewer matching pods higher', () => {
    const sc = score(web('new', undefined, [constraint('ScheduleAnyway')]), [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')]);
    // raw = round(count·ln(3 domains + 2)): a 3, b 2, c 0 → 100·(max+min−raw)/max
    assert.deepEqual(sc, { a1: 0, a2: 0, b1: 33, c1: 100 });
  });

  it('spreads pods of one controller by hostname and zone by default', () => {
    const owned = (name: string, nodeName?: string) => makePod(name, { nodeName, owner: 'rs' });
    const sc = score(owned('new'), [owned('o1', 'a1'), owned('o2', 'a1'), owned('o3', 'b1')]);
    assert.equal(sc.c1, 100);
    assert.ok(sc.a2 < sc.c1 && sc.b1 < sc.c1 && sc.a1 < sc.a2, JSON.stringify(sc));
  });

  it('skips pods without constraints or an owner', () => {
    const s = Snapshot.build(nodes);
    assert.equal(podTopologySpreadScorer.prepare(CycleState.create(makePod('p'), s), s.nodes()), undefined);
  });
});
