import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../client/testing/fakeClock.js';
import type { KubeObject } from '../../machinery/types.js';
import type { ProbeInput } from '../prober.js';
import { RealProber } from './realProber.js';
import { realHandlers, type ProbeHandlers } from './runProbe.js';
import type { ProbeOutcome } from './types.js';

const pod = (extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-1', ...extra }, spec: {} });

/** Handlers that record where they connect and answer from `answers[kind of handler]`. */
function fakeHandlers(answers: { tcp?: ProbeOutcome; http?: ProbeOutcome }) {
  const calls: string[] = [];
  const handlers: ProbeHandlers = {
    ...realHandlers,
    tcp: async (host, port) => {
      calls.push(`tcp ${host}:${port}`);
      return answers.tcp ?? { result: 'success', output: '' };
    },
    http: async (req) => {
      calls.push(`http ${req.host}:${req.port}${req.path}`);
      return answers.http ?? { result: 'success', output: '' };
    },
  };
  return { calls, handlers };
}

function setup(answers: { tcp?: ProbeOutcome; http?: ProbeOutcome } = {}) {
  const clock = new FakeClock();
  const { calls, handlers } = fakeHandlers(answers);
  const prober = new RealProber({ runtime: {}, clock, handlers });
  const resyncs: string[] = [];
  const events: string[] = [];
  prober.attach({ resync: (uid) => resyncs.push(uid), recordEvent: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`) });
  const input = (container: Record<string, unknown>, extra: Partial<ProbeInput> = {}): ProbeInput => ({ pod: pod(), container, containerId: 'c1', startedAt: clock.now(), now: clock.now(), podIP: '10.42.0.9', ...extra });
  return { clock, prober, calls, resyncs, events, input };
}

test('a container without probes is started and ready at once, and not tracked', () => {
  const { prober, input } = setup();
  assert.deepEqual(prober.check(input({ name: 'app' })), { started: true, ready: true });
  assert.equal(prober.size, 0);
});

test('readiness: not ready until the first success; the pod is re-synced on each change; probes use the pod IP', async () => {
  const answers: { tcp?: ProbeOutcome } = {};
  const { clock, prober, calls, resyncs, events, input } = setup(answers);
  const c = { name: 'app', readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, failureThreshold: 1 } };
  assert.deepEqual(prober.check(input(c)), { started: true, ready: false });
  await clock.advance(0);
  assert.deepEqual(calls, ['tcp 10.42.0.9:8080']);
  assert.deepEqual(resyncs, ['uid-1']);
  assert.deepEqual(prober.check(input(c)), { started: true, ready: true });
  answers.tcp = { result: 'failure', output: 'dial tcp 10.42.0.9:8080: connect: connection refused' };
  await clock.advance(5000);
  assert.deepEqual(resyncs, ['uid-1', 'uid-1']);
  assert.deepEqual(prober.check(input(c)), { started: true, ready: false });
  assert.deepEqual(events, ['Warning Unhealthy Readiness probe failed: dial tcp 10.42.0.9:8080: connect: connection refused']);
  // An explicit host wins over the pod IP.
  const withHost = { name: 'app', readinessProbe: { httpGet: { host: '127.0.0.1', port: 81, path: '/h' } } };
  prober.check(input(withHost, { containerId: 'c2' }));
  await clock.advance(0);
  assert.ok(calls.includes('http 127.0.0.1:81/h'));
  prober.close();
});

test('liveness failure is reported as probeFailed; startup gates liveness and readiness', async () => {
  const answers: { tcp?: ProbeOutcome; http?: ProbeOutcome } = { tcp: { result: 'failure', output: 'refused' } };
  const { clock, prober, calls, input } = setup(answers);
  const c = {
    name: 'app',
    startupProbe: { tcpSocket: { port: 1 }, periodSeconds: 1, failureThreshold: 5 },
    livenessProbe: { httpGet: { port: 2, path: '/live' }, periodSeconds: 1, failureThreshold: 2 },
  };
  assert.deepEqual(prober.check(input(c)), { started: false, ready: false });
  await clock.advance(2000);
  assert.deepEqual(calls, ['tcp 10.42.0.9:1', 'tcp 10.42.0.9:1', 'tcp 10.42.0.9:1'], 'liveness waits for startup');
  answers.tcp = { result: 'success', output: '' };
  answers.http = { result: 'failure', output: 'HTTP probe failed with statuscode: 500' };
  await clock.advance(1000);
  assert.deepEqual(prober.check(input(c)), { started: true, ready: true });
  await clock.advance(2000);
  assert.deepEqual(prober.check(input(c)), { started: true, ready: true, probeFailed: 'liveness' });
  assert.equal(prober.worker('c1', 'liveness')?.stopped, true, 'a failed liveness probe stops probing the instance');
  prober.forget('c1');
  assert.equal(prober.size, 0);
});

test('a startup probe that fails is reported as probeFailed startup', async () => {
  const { clock, prober, input } = setup({ tcp: { result: 'failure', output: 'refused' } });
  const c = { name: 'app', startupProbe: { tcpSocket: { port: 1 }, periodSeconds: 1, failureThreshold: 2 } };
  prober.check(input(c));
  await clock.advance(1000);
  assert.deepEqual(prober.check(input(c)), { started: false, ready: false, probeFailed: 'startup' });
});

test('a terminating pod stops its liveness and startup probes (counted as started); readiness keeps running', async () => {
  const { clock, prober, calls, input } = setup({ tcp: { result: 'failure', output: 'refused' } });
  const c = { name: 'app', startupProbe: { tcpSocket: { port: 1 }, periodSeconds: 1, failureThreshold: 100 }, readinessProbe: { tcpSocket: { port: 3 }, periodSeconds: 1 } };
  prober.check(input(c));
  await clock.advance(1000);
  const deleting = pod({ deletionTimestamp: '2026-11-28T07:00:01Z' });
  assert.deepEqual(prober.check(input(c, { pod: deleting })), { started: true, ready: false });
  assert.equal(prober.worker('c1', 'startup'), undefined);
  const before = calls.length;
  await clock.advance(2000);
  assert.ok(calls.slice(before).every((x) => x === 'tcp 10.42.0.9:3') && calls.length > before, 'only readiness runs now');
  prober.close();
});

test('results of a forgotten instance are dropped: no resync, no event', async () => {
  const { clock, prober, resyncs, events, input } = setup({ tcp: { result: 'failure', output: 'refused' } });
  prober.check(input({ name: 'app', readinessProbe: { tcpSocket: { port: 1 }, failureThreshold: 1 } }));
  prober.forget('c1');
  await clock.advance(60_000);
  assert.deepEqual(resyncs, []);
  assert.deepEqual(events, []);
});
