import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../machinery/types.js';
import { buildPodStatus, podPhase, type ObservedContainer } from './podStatus.js';

type Obj = Record<string, unknown>;
const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };
const exited = (code: number): Obj => ({ terminated: { exitCode: code } });
const waiting = { waiting: { reason: 'ContainerCreating' } };

function pod(policy: string, containers = ['a', 'b'], init: string[] = []): KubeObject {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
    spec: { restartPolicy: policy, containers: containers.map((name) => ({ name, image: 'x' })), initContainers: init.map((name) => ({ name, image: 'x' })) },
  };
}
const st = (name: string, state: Obj, last?: Obj): Obj => ({ name, state, lastState: last ? { terminated: last } : {} });

test('getPhase table (kubelet_pods.go)', () => {
  const rows: [string, Obj[], boolean, string][] = [
    ['Always', [st('a', running), st('b', running)], false, 'Running'],
    ['Always', [st('a', running), st('b', waiting)], false, 'Pending'],
    ['Always', [st('a', running)], false, 'Pending'], // b unknown
    ['Always', [st('a', exited(0)), st('b', exited(1))], false, 'Running'],
    ['Always', [st('a', exited(0)), st('b', exited(1))], true, 'Failed'],
    ['Always', [st('a', exited(0)), st('b', exited(0))], true, 'Succeeded'],
    ['Always', [st('a', { waiting: { reason: 'CrashLoopBackOff' } }, { exitCode: 1 }), st('b', running)], false, 'Running'],
    ['OnFailure', [st('a', exited(0)), st('b', exited(0))], false, 'Succeeded'],
    ['OnFailure', [st('a', exited(0)), st('b', exited(2))], false, 'Running'],
    ['Never', [st('a', exited(0)), st('b', exited(2))], false, 'Failed'],
    ['Never', [st('a', exited(0)), st('b', running)], false, 'Running'],
  ];
  for (const [policy, statuses, terminal, want] of rows) assert.equal(podPhase(pod(policy), statuses, terminal), want, `${policy} ${JSON.stringify(statuses)} terminal=${terminal}`);
  // Init containers: pending while one runs; a failed one fails a Never pod.
  assert.equal(podPhase(pod('Always', ['a'], ['i']), [st('i', running), st('a', waiting)], false), 'Pending');
  assert.equal(podPhase(pod('Never', ['a'], ['i']), [st('i', exited(1)), st('a', waiting)], false), 'Failed');
  assert.equal(podPhase(pod('OnFailure', ['a'], ['i']), [st('i', { waiting: {} }, { exitCode: 1 }), st('a', waiting)], false), 'Pending');
});

test('status: readiness gates, kept foreign conditions, terminal phases never left', () => {
  const p = pod('Always', ['a']);
  (p.spec as Obj).readinessGates = [{ conditionType: 'example.com/lb' }];
  p.status = {
    phase: 'Running',
    qosClass: 'Burstable',
    conditions: [{ type: 'example.com/lb', status: 'False' }, { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  };
  const a: ObservedContainer = { restartCount: 0, current: { id: 'c1', state: 'running', startedAt: Date.parse('2026-01-01T00:00:05Z') } };
  const s = buildPodStatus(p, { sandboxReady: true, podIP: '10.42.0.5', hostIP: '10.0.0.1', containers: new Map([['a', a]]), terminal: false, runtimeName: 'containerd' }, Date.parse('2026-01-01T00:01:00Z'));
  const conds = s.conditions as Obj[];
  assert.deepEqual(conds.map((c) => c.type), ['example.com/lb', 'PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  const ready = conds.find((c) => c.type === 'Ready');
  assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['False', 'ReadinessGatesNotReady', 'the status of pod readiness gate "example.com/lb" is not "True", but False']);
  assert.equal(conds.find((c) => c.type === 'ContainersReady')?.status, 'True');
  assert.equal(s.qosClass, 'Burstable');
  assert.equal(((s.containerStatuses as Obj[])[0].containerID), 'containerd://c1');

  p.status = { phase: 'Succeeded' };
  const again = buildPodStatus(p, { sandboxReady: false, hostIP: '10.0.0.1', containers: new Map([['a', a]]), terminal: false, runtimeName: 'containerd' }, Date.parse('2026-01-01T00:02:00Z'));
  assert.equal(again.phase, 'Succeeded');
});

test('status: a waiting reason moves the exit to lastState; container statuses are sorted by name', () => {
  const p = pod('Always', ['zeta', 'alpha']);
  const crashed: ObservedContainer = {
    restartCount: 3,
    current: { id: 'c9', state: 'exited', exitCode: 1, reason: 'Error', startedAt: Date.parse('2026-01-01T00:00:10Z'), finishedAt: Date.parse('2026-01-01T00:00:11Z') },
    waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=zeta pod=p_ns(u1)' },
  };
  const s = buildPodStatus(p, { sandboxReady: true, hostIP: '10.0.0.1', containers: new Map([['zeta', crashed]]), terminal: false, runtimeName: 'sim' }, Date.parse('2026-01-01T00:00:12Z'));
  const statuses = s.containerStatuses as Obj[];
  assert.deepEqual(statuses.map((c) => c.name), ['alpha', 'zeta']);
  const z = statuses[1];
  assert.deepEqual(z.state, { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=zeta pod=p_ns(u1)' } });
  assert.deepEqual(z.lastState, { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-01-01T00:00:10Z', finishedAt: '2026-01-01T00:00:11Z', containerID: 'sim://c9' } });
  assert.equal(z.restartCount, 3);
  assert.equal(s.phase, 'Pending', 'alpha was never created');
  const cr = (s.conditions as Obj[]).find((c) => c.type === 'ContainersReady');
  assert.equal(cr?.message, 'containers with unready status: [zeta alpha]', 'in spec order');
});
