import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { CycleState } from './cycleState.js';
import { interPodAffinityFilter } from './filters.js';
import { makeNode, makePod } from './fixtures.js';
import { interPodAffinityScorer, scoreNodes } from './scores.js';
import { Snapshot } from './snapshot.js';

const zoneNodes = [
  makeNode('a1', { labels: { zone: 'a' } }),
  makeNode('a2', { labels: { zone: 'a' } }),
  makeNode('b1', { labels: { zone: 'b' } }),
  makeNode('nolabel'),
];

const term = (app: string, topologyKey = 'zone', extra: Record<string, unknown> = {}) => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });
const podWith = (name: string, affinity: Record<string, unknown>, labels: Record<string, string> = {}) => makePod(name, { labels, spec: { affinity } });
const required = (kind: 'podAffinity' | 'podAntiAffinity', ...terms: unknown[]) => ({ [kind]: { requiredDuringSchedulingIgnoredDuringExecution: terms } });

function verdicts(pod: KubeObject, existing: KubeObject[], namespaces: KubeObject[] = []): Record<string, string> {
  const s = Snapshot.build(zoneNodes, existing, namespaces);
  const st = CycleState.create(pod, s);
  const out: Record<string, string> = {};
  for (const n of s.nodes()) out[n.name] = interPodAffinityFilter(st.pod, n, st)?.reasons.join() ?? 'ok';
  return out;
}

describe('InterPodAffinity filter', () => {
  const db = makePod('db', { nodeName: 'a1', labels: { app: 'db' } });

  it('requires a matching pod in the same topology domain', () => {
    const pod = podWith('web', required('podAffinity', term('db')));
    assert.deepEqual(verdicts(pod, [db]), {
      a1: 'ok',
      a2: 'ok',
      b1: "node(s) didn't match pod affinity rules",
      nolabel: "node(s) didn't match pod affinity rules",
    });
  });

  it('lets the first pod of a self-affine group in anywhere its topology exists', () => {
    const pod = podWith('web', required('podAffinity', term('web')), { app: 'web' });
    const v = verdicts(pod, []);
    assert.equal(v.a1, 'ok');
    assert.equal(v.b1, 'ok');
    assert.equal(v.nolabel, "node(s) didn't match pod affinity rules");
  });

  it('keeps anti-affine pods out of the domain', () => {
    const pod = podWith('web', required('podAntiAffinity', term('db')));
    assert.deepEqual(verdicts(pod, [db]), { a1: "node(s) didn't match pod anti-affinity rules", a2: "node(s) didn't match pod anti-affinity rules", b1: 'ok', nolabel: 'ok' });
  });

  it("honours existing pods' anti-affinity against the incoming pod", () => {
    const loner = makePod('loner', { nodeName: 'b1', spec: { affinity: required('podAntiAffinity', term('web', 'kubernetes.io/hostname')) } });
    const v = verdicts(makePod('web', { labels: { app: 'web' } }), [loner]);
    assert.equal(v.b1, "node(s) didn't satisfy existing pods anti-affinity rules");
    assert.equal(v.a1, 'ok');
  });

  it('looks only in the pod namespace unless namespaces or a namespaceSelector say otherwise', () => {
    const other = makePod('db', { namespace: 'other', nodeName: 'a1', labels: { app: 'db' } });
    assert.equal(verdicts(podWith('web', required('podAntiAffinity', term('db'))), [other]).a1, 'ok');
    assert.notEqual(verdicts(podWith('web', required('podAntiAffinity', term('db', 'zone', { namespaces: ['other'] }))), [other]).a1, 'ok');
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { team: 'x' } } };
    const bySelector = podWith('web', required('podAntiAffinity', term('db', 'zone', { namespaceSelector: { matchLabels: { team: 'x' } } })));
    assert.notEqual(verdicts(bySelector, [other], [ns]).a1, 'ok');
    const everyNs = podWith('web', required('podAntiAffinity', term('db', 'zone', { namespaceSelector: {} })));
    assert.notEqual(verdicts(everyNs, [other]).a1, 'ok');
  });
});

describe('InterPodAffinity score', () => {
  it('prefers domains with preferred pods and avoids anti-preferred ones, scaled 0..100', () => {
    const s = Snapshot.build(zoneNodes, [makePod('db', { nodeName: 'a1', labels: { app: 'db' } }), makePod('noisy', { nodeName: 'b1', labels: { app: 'noisy' } })]);
    const pod = podWith('web', {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db') }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('noisy') }] },
    });
    const st = CycleState.create(pod, s);
    const nodes = s.nodes();
    const totals = scoreNodes(st, nodes, [interPodAffinityScorer]);
    const byName = Object.fromEntries(nodes.map((n, i) => [n.name, totals[i] / 2]));
    // raw: a* = 10, b1 = -5, nolabel = 0 → (x+5)/15·100
    assert.deepEqual(byName, { a1: 100, a2: 100, b1: 0, nolabel: 33 });
  });

  it('skips scoring when neither the pod nor any placed pod has affinity', () => {
    const s = Snapshot.build(zoneNodes, [makePod('x', { nodeName: 'a1' })]);
    assert.equal(interPodAffinityScorer.prepare(CycleState.create(makePod('p'), s), s.nodes()), undefined);
  });
});
