// The real prober driving the pod workers: a SimRuntime given a fake ExecSync (the probe's
// command names a switch the test flips), the agent on a FakeClient and FakeClock.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { FakeClient } from '../../client/testing/fakeClient.js';
import { FakeClock } from '../../client/testing/fakeClock.js';
import type { KubeObject } from '../../machinery/types.js';
import { startAgent } from '../agent.js';
import { podsGVR } from '../podWorkers.js';
import type { ExecResult, StreamingRuntime } from '../runtime.js';
import { SimRuntime } from '../sim/simRuntime.js';
import { boundPod, flushUntil, getPod, NODE, NODE_IP, phase, POD_CIDR } from '../testing/fixtures.js';
import { RealProber } from './realProber.js';

type Obj = Record<string, unknown>;
const eventsGVR = { group: '', version: 'v1', resource: 'events' };
const st = (p: KubeObject | undefined): Obj => (p?.status ?? {}) as Obj;
const cond = (s: Obj, type: string): Obj | undefined => ((s.conditions ?? []) as Obj[]).find((c) => c.type === type);
const cs = (s: Obj, name = 'app'): Obj => ((s.containerStatuses ?? []) as Obj[]).find((c) => c.name === name) ?? {};
const state = (c: Obj): Obj => (c.state ?? {}) as Obj;

/** Probe commands are `probe <switch>`: exit 0 while the switch is on, 1 (with output) when off. */
class ExecSim extends SimRuntime {
  readonly switches = new Map<string, boolean>();
  readonly streaming: StreamingRuntime = {
    execSync: async (_id: string, cmd: string[]): Promise<ExecResult> => {
      const on = this.switches.get(cmd[1] ?? '') ?? true;
      return { exitCode: on ? 0 : 1, stdout: Buffer.alloc(0), stderr: Buffer.from(on ? '' : `${cmd[1]} is off`), timedOut: false };
    },
    execUrl: async () => '',
    attachUrl: async () => '',
    portForwardUrl: async () => '',
    containerLogPath: () => '',
  };
}

async function harness() {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const runtime = new ExecSim({ podCIDR: POD_CIDR, hostIP: NODE_IP, clock, idSeed: NODE });
  const prober = new RealProber({ runtime, clock });
  const errors: string[] = [];
  const agent = startAgent({ client: fake, nodeName: NODE, runtime, clock, prober, options: { internalIP: NODE_IP, podCIDR: POD_CIDR, onError: (what, err) => errors.push(`${what}: ${String(err)}`) } });
  await flushUntil(() => fake.objects({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }).length > 0, 'registration');
  await agent.registered;
  const events = (reason: string): Obj[] => fake.objects(eventsGVR, 'default').filter((e) => e.reason === reason) as Obj[];
  return {
    clock,
    fake,
    runtime,
    prober,
    events,
    async stop() {
      await agent.stop();
      prober.close();
      runtime.close();
      assert.deepEqual(errors, []);
    },
  };
}

const exec = (name: string, extra: Obj = {}): Obj => ({ exec: { command: ['probe', name] }, periodSeconds: 10, failureThreshold: 3, ...extra });
const waitingReason = (c: Obj): unknown => (state(c).waiting as Obj | undefined)?.reason;

test('a failing liveness probe kills and restarts the container: restartCount+1, Killing, then a growing back-off', async () => {
  const h = await harness();
  const pod = await h.fake.create(podsGVR, boundPod('live', { spec: { containers: [{ name: 'app', image: 'nginx:1.14.2', livenessProbe: exec('live') }] } }));
  const uid = pod.metadata.uid ?? '';
  const c = (): Obj => cs(st(getPod(h.fake, 'live')));
  await flushUntil(() => state(c()).running !== undefined, 'running');
  assert.equal(c().ready, true);
  await h.clock.advance(0);
  h.runtime.switches.set('live', false);
  // Runs at 0 s (passes), then fails at 10, 20, 30 s: failureThreshold 3 reached at 30 s.
  await h.clock.advance(29_999);
  assert.equal(c().restartCount, 0);
  await h.clock.advance(1);
  await flushUntil(() => c().restartCount === 1 && state(c()).running !== undefined, 'restart 1 at once');
  const last = (c().lastState as Obj).terminated as Obj;
  assert.deepEqual([last.exitCode, last.reason, last.finishedAt], [143, 'Error', '2026-11-28T07:00:30Z']);
  await flushUntil(() => h.events('Killing').length === 1, 'Killing event');
  assert.deepEqual([h.events('Killing')[0].type, h.events('Killing')[0].message], ['Normal', 'Container app failed liveness probe, will be restarted']);
  const unhealthy = h.events('Unhealthy');
  // Three failures of the killed instance, and the first run of the new one (at its start).
  assert.deepEqual([unhealthy[0].type, unhealthy[0].message, unhealthy[0].count], ['Warning', 'Liveness probe failed: live is off', 4]);

  // The new instance fails again 20 s later (runs at +0, +10, +20): each kill restarts at
  // once while the back-off (10 s, then 20 s) is within the 20 s between kills…
  await h.clock.advance(20_000);
  await flushUntil(() => c().restartCount === 2, 'restart 2 at 50 s');
  await h.clock.advance(20_000);
  await flushUntil(() => c().restartCount === 3, 'restart 3 at 70 s');
  await h.clock.advance(20_000);
  await flushUntil(() => c().restartCount === 4, 'restart 4 at 90 s');
  // …then it is 40 s: CrashLoopBackOff, counted from the kill at 110 s.
  await h.clock.advance(20_000);
  await flushUntil(() => waitingReason(c()) === 'CrashLoopBackOff', 'back-off at 110 s');
  assert.deepEqual(state(c()).waiting, { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=app pod=live_default(${uid})` });
  assert.equal(c().restartCount, 4);
  assert.equal(((c().lastState as Obj).terminated as Obj).finishedAt, '2026-11-28T07:01:50Z');
  await h.clock.advance(39_999);
  assert.equal(c().restartCount, 4);
  await h.clock.advance(1);
  await flushUntil(() => c().restartCount === 5 && state(c()).running !== undefined, 'restart 5 at 150 s');
  // (Not every Killing is an Event: like client-go's EventCorrelator, the recorder's spam filter
  // allows a source 25 events per object, and this pod has had more by now.)
  await h.stop();
});

test('a failing readiness probe flips Ready to False (and back) without restarting anything', async () => {
  const h = await harness();
  await h.fake.create(podsGVR, boundPod('ready', { spec: { containers: [{ name: 'app', image: 'nginx:1.14.2', readinessProbe: exec('ready', { initialDelaySeconds: 5 }) }] } }));
  const s = (): Obj => st(getPod(h.fake, 'ready'));
  await flushUntil(() => phase(getPod(h.fake, 'ready')) === 'Running', 'running');
  assert.equal(cond(s(), 'Ready')?.status, 'False', 'not ready before the first probe');
  await h.clock.advance(5000);
  await flushUntil(() => cond(s(), 'Ready')?.status === 'True', 'ready after the first probe at 5 s');
  h.runtime.switches.set('ready', false);
  await h.clock.advance(29_999);
  assert.equal(cond(s(), 'Ready')?.status, 'True', 'two failures stay under failureThreshold');
  await h.clock.advance(1);
  await flushUntil(() => cond(s(), 'Ready')?.status === 'False', 'unready after 3 failures');
  assert.deepEqual([cond(s(), 'Ready')?.reason, cond(s(), 'Ready')?.message], ['ContainersNotReady', 'containers with unready status: [app]']);
  assert.equal(cs(s()).ready, false);
  assert.equal(cs(s()).started, true);
  assert.equal(phase(getPod(h.fake, 'ready')), 'Running');
  assert.equal(cs(s()).restartCount, 0);
  assert.equal(h.events('Unhealthy')[0].message, 'Readiness probe failed: ready is off');
  h.runtime.switches.set('ready', true);
  await h.clock.advance(10_000);
  await flushUntil(() => cond(s(), 'Ready')?.status === 'True', 'ready again');
  assert.equal(h.events('Killing').length, 0);
  await h.stop();
});

test('a startup probe holds started/ready until it passes; failing it under restartPolicy Never kills the container for good', async () => {
  const h = await harness();
  h.runtime.switches.set('start', false);
  await h.fake.create(podsGVR, boundPod('slow', { spec: { containers: [{ name: 'app', image: 'nginx:1.14.2', startupProbe: exec('start', { periodSeconds: 5, failureThreshold: 10 }), readinessProbe: exec('ready') }] } }));
  const c = (): Obj => cs(st(getPod(h.fake, 'slow')));
  await flushUntil(() => state(c()).running !== undefined, 'running');
  assert.deepEqual([c().started, c().ready], [false, false]);
  await h.clock.advance(10_000);
  assert.deepEqual([c().started, c().ready], [false, false]);
  h.runtime.switches.set('start', true);
  await h.clock.advance(5000);
  // The startup probe passes at 15 s; readiness runs at once and passes too.
  await flushUntil(() => c().started === true && c().ready === true, 'started and ready');

  h.runtime.switches.set('start', false);
  await h.fake.create(podsGVR, boundPod('never', { annotations: { 'skiff.dev/sim-run-ms': '600000' }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'nginx:1.14.2', startupProbe: exec('start', { periodSeconds: 1, failureThreshold: 3 }) }] } }));
  await flushUntil(() => state(cs(st(getPod(h.fake, 'never')))).running !== undefined, 'never running');
  await h.clock.advance(2000);
  await flushUntil(() => phase(getPod(h.fake, 'never')) === 'Failed', 'failed after the startup probe failed');
  assert.equal(((state(cs(st(getPod(h.fake, 'never')))).terminated as Obj).exitCode), 143);
  await flushUntil(() => h.events('Killing').length === 1, 'Killing');
  assert.equal(h.events('Killing')[0].message, 'Container app failed startup probe');
  assert.equal(cs(st(getPod(h.fake, 'never'))).restartCount, 0);
  await h.stop();
});

test('an httpGet readiness probe against a real server: 200 makes the pod Ready, 500 takes it out', async () => {
  let code = 200;
  const server = createServer((_req, res) => res.writeHead(code).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const h = await harness();
  try {
    await h.fake.create(podsGVR, boundPod('web', { spec: { containers: [{ name: 'app', image: 'nginx:1.14.2', ports: [{ name: 'http', containerPort: port }], readinessProbe: { httpGet: { host: '127.0.0.1', port: 'http', path: '/ready' }, periodSeconds: 10, failureThreshold: 1 } }] } }));
    const s = (): Obj => st(getPod(h.fake, 'web'));
    // Real sockets: wait on wall-clock time, with a deadline.
    const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`${what} did not become true`);
        await new Promise((r) => setTimeout(r, 5));
        await h.clock.advance(0);
      }
    };
    await waitFor(() => cond(s(), 'Ready')?.status === 'True', 'ready');
    code = 500;
    await h.clock.advance(10_000);
    await waitFor(() => cond(s(), 'Ready')?.status === 'False', 'unready');
    await waitFor(() => h.events('Unhealthy').length > 0, 'event');
    assert.equal(h.events('Unhealthy')[0].message, 'Readiness probe failed: HTTP probe failed with statuscode: 500');
  } finally {
    await h.stop();
    server.close();
  }
});
