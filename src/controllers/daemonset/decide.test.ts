import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { daemonSetStrategy } from '../../resources/apps/daemonset.js';
import type { Action } from '../shared/actions.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../shared/history.js';
import { rec, recs } from '../shared/meta.js';
import { TestCluster } from '../shared/testCluster.js';
import { decideDaemonSet } from './decide.js';
import { TEMPLATE_GENERATION_ANNOTATION, targetNodeName } from './podTemplate.js';

function node(name: string, extra: { labels?: Record<string, string>; taints?: Record<string, unknown>[] } = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } }, spec: extra.taints ? { taints: extra.taints } : {} };
}

function daemonSet(o: { strategy?: Record<string, unknown>; tolerations?: Record<string, unknown>[]; nodeSelector?: Record<string, string> } = {}): KubeObject {
  const podSpec: Record<string, unknown> = { containers: [{ name: 'fluentd', image: 'fluentd:1' }] };
  if (o.tolerations) podSpec.tolerations = o.tolerations;
  if (o.nodeSelector) podSpec.nodeSelector = o.nodeSelector;
  const ds: KubeObject = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'fluentd', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'fluentd' } }, template: { metadata: { labels: { app: 'fluentd' } }, spec: podSpec }, ...(o.strategy ? { updateStrategy: o.strategy } : {}) },
  };
  daemonSetStrategy.defaults(ds);
  daemonSetStrategy.prepareForCreate(ds);
  return ds;
}

class DsCluster extends TestCluster {
  nodes: KubeObject[] = [node('node-1'), node('node-2'), node('node-3', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })];

  decide(): Action[] {
    const ds = this.get('DaemonSet', 'fluentd');
    assert.ok(ds);
    return decideDaemonSet({ daemonSet: ds, nodes: this.nodes, pods: this.list('Pod'), revisions: this.list('ControllerRevision') }, this.now);
  }

  sync(): Action[] {
    const actions = this.decide();
    const r = this.apply(actions);
    assert.equal(r.failure, undefined, r.failure?.message);
    return actions;
  }

  /** The default scheduler binding each pod to the node its matchFields pin names. */
  bind(): void {
    for (const p of this.list('Pod')) {
      const spec = rec(p.spec) ?? {};
      if (spec.nodeName || p.metadata.deletionTimestamp) continue;
      spec.nodeName = targetNodeName(p);
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
      this.add(p);
    }
  }

  settle(): void {
    for (let i = 0; i < 40; i++) {
      const w = this.sync().filter((a) => a.kind !== 'event' && a.kind !== 'requeueAfter');
      this.bind();
      const r = this.makeReady();
      const f = this.finishDeletions();
      if (w.length === 0 && r === 0 && f === 0) return;
    }
    assert.fail('did not settle');
  }

  editTemplate(edit: (podSpec: Record<string, unknown>) => void): void {
    this.editSpec('DaemonSet', 'fluentd', (s) => edit(rec(rec(s.template)?.spec) ?? {}));
    const ds = this.get('DaemonSet', 'fluentd');
    assert.ok(ds?.metadata.annotations);
    ds.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION] = String(Number(ds.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION]) + 1);
    this.add(ds);
  }

  podsByNode(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const p of this.list('Pod')) (out[targetNodeName(p) ?? '?'] ??= []).push(String(recs(rec(p.spec)?.containers)[0]?.image));
    return out;
  }
}

function started(ds = daemonSet()): DsCluster {
  const c = new DsCluster();
  c.add(ds);
  return c;
}

const status = (c: TestCluster): Record<string, unknown> => rec(c.get('DaemonSet', 'fluentd')?.status) ?? {};

describe('DaemonSet across 3 nodes, one tainted', () => {
  it('creates one pinned pod per eligible node with the daemon tolerations and labels', () => {
    const c = started();
    c.sync();
    const pods = c.list('Pod');
    assert.deepEqual(pods.map(targetNodeName).sort(), ['node-1', 'node-2']);
    const [rev] = c.list('ControllerRevision');
    const hash = rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    assert.equal(rev.metadata.name, `fluentd-${hash}`);
    const p = pods[0];
    assert.equal(p.metadata.generateName, 'fluentd-');
    assert.deepEqual(p.metadata.labels, { app: 'fluentd', 'pod-template-generation': '1', [CONTROLLER_REVISION_HASH_LABEL]: hash });
    assert.equal(rec(p.spec)?.nodeName, undefined, 'the scheduler binds it');
    assert.deepEqual(rec(rec(rec(p.spec)?.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution,
      { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNodeName(p)] }] }] });
    assert.deepEqual(recs(rec(p.spec)?.tolerations).map((t) => `${t.key}:${t.effect}`), [
      'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    assert.deepEqual(c.events.map((e) => e.reason), ['SuccessfulCreate', 'SuccessfulCreate']);
    assert.match(c.events[0].message, /^Created pod: fluentd-[a-z0-9]{5}$/);
  });

  it('reports the rollout in status once the pods are ready', () => {
    const c = started();
    c.settle();
    const s = status(c);
    assert.equal(s.desiredNumberScheduled, 2);
    assert.equal(s.currentNumberScheduled, 2);
    assert.equal(s.numberReady, 2);
    assert.equal(s.numberAvailable, 2);
    assert.equal(s.updatedNumberScheduled, 2);
    assert.equal(s.numberMisscheduled, 0);
    assert.equal(s.numberUnavailable, undefined);
    assert.equal(s.observedGeneration, 1);
  });

  it('runs on the tainted node once the template tolerates the taint, and on cordoned nodes', () => {
    const c = started(daemonSet({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }));
    c.nodes[1] = node('node-2', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] });
    c.settle();
    assert.deepEqual(Object.keys(c.podsByNode()).sort(), ['node-1', 'node-2', 'node-3']);
  });

  it('removes pods from nodes that stop qualifying; NoSchedule alone leaves a running pod', () => {
    const c = started(daemonSet({ nodeSelector: { role: 'log' } }));
    c.nodes = [node('node-1', { labels: { role: 'log' } }), node('node-2', { labels: { role: 'log' } })];
    c.settle();
    c.nodes = [node('node-1', { labels: { role: 'log' }, taints: [{ key: 'x', effect: 'NoSchedule' }] }), node('node-2')];
    c.settle();
    assert.deepEqual(Object.keys(c.podsByNode()), ['node-1']);
    assert.equal(status(c).numberMisscheduled, 1);
    assert.equal(status(c).desiredNumberScheduled, 0);
    c.nodes = [node('node-1', { labels: { role: 'log' }, taints: [{ key: 'x', effect: 'NoExecute' }] }), node('node-2')];
    c.settle();
    assert.deepEqual(c.list('Pod'), []);
  });

  it('deletes duplicates (keeping the oldest) and failed pods', () => {
    const c = started();
    c.settle();
    const first = c.list('Pod').find((p) => targetNodeName(p) === 'node-1');
    assert.ok(first);
    c.now += 1000;
    c.add({ ...first, metadata: { ...first.metadata, name: 'fluentd-dup', uid: undefined, creationTimestamp: undefined } });
    const other = c.list('Pod').find((p) => targetNodeName(p) === 'node-2');
    assert.ok(other);
    other.status = { phase: 'Failed' };
    c.add(other);
    c.sync();
    assert.ok(c.get('Pod', 'fluentd-dup')?.metadata.deletionTimestamp);
    assert.equal(c.get('Pod', first.metadata.name ?? '')?.metadata.deletionTimestamp, undefined);
    assert.ok(c.get('Pod', other.metadata.name ?? '')?.metadata.deletionTimestamp);
    assert.ok(c.events.some((e) => e.type === 'Warning' && e.reason === 'FailedDaemonPod' &&
      e.message === `Found failed daemon pod default/${other.metadata.name} on node node-2, will try to kill it`));
    c.finishDeletions();
    c.settle();
    assert.deepEqual(c.podsByNode(), { 'node-1': ['fluentd:1'], 'node-2': ['fluentd:1'] });
  });

  it('warns and does nothing when the selector selects everything', () => {
    const ds = daemonSet();
    (ds.spec as Record<string, unknown>).selector = {};
    const c = started(ds);
    assert.deepEqual(c.decide().map((a) => (a.kind === 'event' ? a.event.message : a.kind)), ['This daemon set is selecting all pods. A non-empty selector is required.']);
  });
});

describe('DaemonSet updates', () => {
  const threeNodes = (c: DsCluster): void => { c.nodes = [node('node-1'), node('node-2'), node('node-3')]; };

  it('RollingUpdate with maxUnavailable 1 replaces one node at a time', () => {
    const c = started();
    threeNodes(c);
    c.settle();
    c.editTemplate((s) => { recs(s.containers)[0].image = 'fluentd:2'; });
    let maxDown = 0;
    for (let i = 0; i < 40; i++) {
      const w = c.sync().filter((a) => a.kind !== 'event' && a.kind !== 'requeueAfter');
      const ready = c.list('Pod').filter((p) => !p.metadata.deletionTimestamp && recs(rec(p.status)?.conditions).some((x) => x.status === 'True')).length;
      maxDown = Math.max(maxDown, 3 - ready);
      c.bind();
      const r = c.makeReady();
      const f = c.finishDeletions();
      if (w.length === 0 && r === 0 && f === 0) break;
    }
    assert.equal(maxDown, 1);
    assert.deepEqual(c.podsByNode(), { 'node-1': ['fluentd:2'], 'node-2': ['fluentd:2'], 'node-3': ['fluentd:2'] });
    assert.deepEqual(c.list('ControllerRevision').map((r) => r.revision).sort(), [1, 2]);
    assert.equal(status(c).updatedNumberScheduled, 3);
  });

  it('RollingUpdate with maxSurge 1 starts the new pod before removing the old one', () => {
    const c = started(daemonSet({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    threeNodes(c);
    c.settle();
    c.editTemplate((s) => { recs(s.containers)[0].image = 'fluentd:2'; });
    c.sync();
    assert.deepEqual(c.podsByNode(), { 'node-1': ['fluentd:1', 'fluentd:2'], 'node-2': ['fluentd:1'], 'node-3': ['fluentd:1'] });
    assert.ok(c.list('Pod').every((p) => !p.metadata.deletionTimestamp));
    c.bind();
    c.sync();
    assert.equal(c.list('Pod').length, 4, 'the old pod stays until the new one is available');
    c.makeReady();
    c.sync();
    assert.equal(c.list('Pod').filter((p) => p.metadata.deletionTimestamp).length, 1);
    c.settle();
    assert.deepEqual(c.podsByNode(), { 'node-1': ['fluentd:2'], 'node-2': ['fluentd:2'], 'node-3': ['fluentd:2'] });
  });

  it('OnDelete leaves running pods alone and recreates deleted ones from the new template', () => {
    const c = started(daemonSet({ strategy: { type: 'OnDelete' } }));
    threeNodes(c);
    c.settle();
    c.editTemplate((s) => { recs(s.containers)[0].image = 'fluentd:2'; });
    c.settle();
    assert.deepEqual(c.podsByNode(), { 'node-1': ['fluentd:1'], 'node-2': ['fluentd:1'], 'node-3': ['fluentd:1'] });
    assert.equal(status(c).updatedNumberScheduled, undefined);
    const victim = c.list('Pod').find((p) => targetNodeName(p) === 'node-2');
    c.apply([{ kind: 'delete', ref: { apiVersion: 'v1', kind: 'Pod', name: victim?.metadata.name ?? '' } }]);
    c.finishDeletions();
    c.settle();
    assert.deepEqual(c.podsByNode()['node-2'], ['fluentd:2']);
  });
});
