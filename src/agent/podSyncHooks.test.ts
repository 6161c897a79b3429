import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, flushAsync } from '../client/testing/fakeClock.js';
import type { KubeObject } from '../machinery/types.js';
import { CrashLoopBackoff } from './backoff.js';
import type { NodeHandle, PodRecord } from './podRecord.js';
import { buildPodStatus } from './podStatus.js';
import { killPod, observationOf, observeContainers, startPod } from './podSync.js';
import { podsGVR } from './podWorkers.js';
import { assumedProber } from './prober.js';
import type { ExecResult, StreamingRuntime } from './runtime.js';
import { SimRuntime, type SimRuntimeOptions } from './sim/simRuntime.js';
import { boundPod, flushUntil, getPod, NODE, NODE_IP, phase, POD_CIDR, startHarness } from './testing/fixtures.js';

type Obj = Record<string, unknown>;

/** The simulated runtime plus ExecSync: containers "can exec", so hooks run; every call is logged in order. */
class ExecSim extends SimRuntime {
  readonly log: string[] = [];
  exec: (cmd: string[], timeoutSeconds: number) => Promise<ExecResult> | ExecResult = () => ok();
  readonly streaming: StreamingRuntime;

  constructor(opts: SimRuntimeOptions) {
    super(opts);
    this.streaming = {
      execSync: async (id, cmd, timeoutSeconds) => {
        this.log.push(`exec ${cmd.join(' ')} (timeout ${timeoutSeconds})`);
        return this.exec(cmd, timeoutSeconds);
      },
      execUrl: () => Promise.reject(new Error('unused')),
      attachUrl: () => Promise.reject(new Error('unused')),
      portForwardUrl: () => Promise.reject(new Error('unused')),
      containerLogPath: () => '',
    };
  }

  override async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    this.log.push(`stop ${timeoutSeconds}`);
    return super.stopContainer(containerId, timeoutSeconds);
  }
}

const ok = (): ExecResult => ({ exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false });
const fail = (code: number, stderr: string): ExecResult => ({ exitCode: code, stdout: Buffer.alloc(0), stderr: Buffer.from(stderr), timedOut: false });

function setup(lifecycle: Obj, extraSpec: Obj = {}): { clock: FakeClock; rt: ExecSim; rec: PodRecord; pod: KubeObject; events: string[] } {
  const clock = new FakeClock();
  const rt = new ExecSim({ podCIDR: POD_CIDR, hostIP: NODE_IP, clock, idSeed: NODE });
  const events: string[] = [];
  const node: NodeHandle = {
    name: NODE, hostIP: NODE_IP, runtimeName: 'sim', paused: false, runtime: rt, prober: assumedProber, hooks: { clock },
    recordEvent: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`),
  };
  const pod = boundPod('p', { spec: { containers: [{ name: 'app', image: 'nginx:1.14.2', lifecycle }], ...extraSpec } });
  pod.metadata.uid = 'u1';
  const rec: PodRecord = { uid: 'u1', key: 'default/p', node, pod, lastPod: pod, lifecycle: 'active', sandboxReady: false, containers: new Map(), killDone: false, finalDeleteSent: false };
  return { clock, rt, rec, pod, events };
}

const appStatus = (rec: PodRecord, pod: KubeObject, now: number): Obj => {
  const st = buildPodStatus(pod, observationOf(rec, pod, now, false).obs, now);
  return ((st.containerStatuses ?? []) as Obj[])[0];
};

test('a failed postStart hook kills the instance (PostStartHookError), which is restarted, then backs off', async () => {
  const { clock, rt, rec, pod, events } = setup({ postStart: { exec: { command: ['sh', '-c', 'exit 3'] } } });
  rt.exec = () => fail(3, 'no config\n');
  const backoff = new CrashLoopBackoff();
  await startPod(rec, pod, backoff, clock.now());
  const cr = rec.containers.get('app');
  const waiting = (): { reason: string; message?: string } | undefined => rec.containers.get('app')?.waiting;
  assert.equal(cr?.attempt, 0);
  assert.deepEqual(rt.log, ['exec sh -c exit 3 (timeout 0)', 'stop 30']);
  assert.deepEqual(events, [
    'Normal Pulled Container image "nginx:1.14.2" already present on machine',
    'Normal Created Created container: app',
    'Normal Started Started container app',
    'Warning FailedPostStartHook PostStartHook failed',
    'Normal Killing FailedPostStartHook',
  ]);
  const message = 'Exec lifecycle hook ([sh -c exit 3]) for Container "app" in Pod "p_default(u1)" failed - error: command \'sh -c exit 3\' exited with 3: no config\n, message: "no config\\n"';
  assert.deepEqual(cr?.waiting, { reason: 'PostStartHookError', message });
  await observeContainers(rec);
  const s = appStatus(rec, pod, clock.now());
  assert.deepEqual(s.state, { waiting: { reason: 'PostStartHookError', message } });
  assert.equal(((s.lastState as Obj).terminated as Obj).exitCode, 143);
  assert.equal(s.ready, false);

  // The next sync restarts it at once (the first restart is not backed off); this time the hook passes.
  rt.exec = () => ok();
  await startPod(rec, pod, backoff, clock.now());
  assert.equal(cr?.attempt, 1);
  assert.equal(waiting(), undefined);
  await observeContainers(rec);
  assert.equal(cr?.status?.state, 'running');
  assert.deepEqual(appStatus(rec, pod, clock.now()).state, { running: { startedAt: '2026-11-28T07:00:00Z' } });

  // It exits; once its back-off (10 s) is over the next attempt's hook fails too, and the
  // restart after that waits out the doubled back-off.
  rt.exec = () => fail(1, '');
  await rt.stopContainer(cr?.id ?? '', 0);
  await observeContainers(rec);
  assert.equal((await startPod(rec, pod, backoff, clock.now())).wakeInMs, 10_000);
  assert.equal(waiting()?.reason, 'CrashLoopBackOff');
  clock.step(10_000);
  await startPod(rec, pod, backoff, clock.now());
  assert.equal(cr?.attempt, 2);
  assert.equal(waiting()?.reason, 'PostStartHookError');
  await observeContainers(rec);
  const r = await startPod(rec, pod, backoff, clock.now());
  assert.equal(cr?.attempt, 2);
  assert.equal(waiting()?.reason, 'CrashLoopBackOff');
  assert.equal(r.wakeInMs, 20_000);
});

test('a failed postStart hook under restartPolicy Never leaves the container terminated, not waiting', async () => {
  const { clock, rt, rec, pod } = setup({ postStart: { exec: { command: ['false'] } } }, { restartPolicy: 'Never' });
  rt.exec = () => fail(1, '');
  await startPod(rec, pod, new CrashLoopBackoff(), clock.now());
  await observeContainers(rec);
  assert.equal(rec.containers.get('app')?.waiting, undefined);
  assert.equal(((appStatus(rec, pod, clock.now()).state as Obj).terminated as Obj).exitCode, 143);
});

test('preStop runs before StopContainer, which gets the grace period minus the seconds it took', async () => {
  const { clock, rt, rec, pod, events } = setup({ preStop: { exec: { command: ['nginx', '-s', 'quit'] } } });
  await startPod(rec, pod, new CrashLoopBackoff(), clock.now());
  rt.log.length = 0;
  events.length = 0;
  rt.exec = () => {
    clock.step(7_600); // the hook takes 7.6 s
    return ok();
  };
  await killPod(rec, 30);
  assert.deepEqual(rt.log, ['exec nginx -s quit (timeout 30)', 'stop 23']);
  assert.deepEqual(events, ['Normal Killing Stopping container app']);
  await observeContainers(rec);
  assert.equal(rec.containers.get('app')?.status?.state, 'exited');
});

test('a preStop hook that outlasts the grace period is cut short; the stop still gets the 2 s minimum', async () => {
  const { clock, rt, rec, pod } = setup({ preStop: { sleep: { seconds: 120 } } });
  await startPod(rec, pod, new CrashLoopBackoff(), clock.now());
  rt.log.length = 0;
  let done = false;
  const kill = killPod(rec, 10).then(() => (done = true));
  await clock.advance(9_000);
  assert.equal(done, false);
  assert.deepEqual(rt.log, []);
  await clock.advance(1_000);
  await kill;
  assert.deepEqual(rt.log, ['stop 2']);
});

test('a failing preStop hook is reported (FailedPreStopHook) and the container is stopped anyway', async () => {
  const { clock, rt, rec, pod, events } = setup({ preStop: { exec: { command: ['/drain'] } } });
  await startPod(rec, pod, new CrashLoopBackoff(), clock.now());
  rt.log.length = 0;
  events.length = 0;
  rt.exec = () => fail(126, 'permission denied');
  await killPod(rec, 30);
  assert.deepEqual(rt.log, ['exec /drain (timeout 30)', 'stop 30']);
  assert.deepEqual(events, ['Normal Killing Stopping container app', 'Warning FailedPreStopHook PreStopHook failed']);
});

test('a spec image change runs preStop before restarting the container; a force kill (grace 0) skips it', async () => {
  const { clock, rt, rec, pod, events } = setup({ preStop: { exec: { command: ['/drain'] } } });
  await startPod(rec, pod, new CrashLoopBackoff(), clock.now());
  await observeContainers(rec);
  rt.log.length = 0;
  events.length = 0;
  const changed: KubeObject = { ...pod, spec: { ...(pod.spec as Obj), containers: [{ ...((pod.spec as Obj).containers as Obj[])[0], image: 'nginx:1.16' }] } };
  await startPod(rec, changed, new CrashLoopBackoff(), clock.now());
  assert.deepEqual(rt.log, ['exec /drain (timeout 30)', 'stop 30']);
  assert.equal(events[0], 'Normal Killing Container app definition changed, will be restarted');
  assert.equal(rec.containers.get('app')?.attempt, 1);
  rt.log.length = 0;
  await killPod(rec, 0);
  assert.deepEqual(rt.log, ['stop 2']);
});

test('pod workers: while the postStart hook runs the pod stays ContainerCreating; Running once it returns', async () => {
  const clock = new FakeClock();
  const rt = new ExecSim({ podCIDR: POD_CIDR, hostIP: NODE_IP, clock, idSeed: NODE });
  let release: (r: ExecResult) => void = () => undefined;
  rt.exec = () => new Promise<ExecResult>((resolve) => (release = resolve));
  const h = await startHarness({ clock, runtime: rt });
  await h.fake.create(podsGVR, boundPod('hooked', { spec: { containers: [{ name: 'app', image: 'nginx:1.14.2', lifecycle: { postStart: { exec: { command: ['/warm-up'] } } } }] } }));
  await flushUntil(() => rt.log.length === 1, 'postStart started');
  await flushAsync(20);
  const during = getPod(h.fake, 'hooked')?.status as Obj;
  assert.equal(during.phase, 'Pending');
  assert.deepEqual(((during.containerStatuses as Obj[])[0].state as Obj).waiting, { reason: 'ContainerCreating' });
  release(ok());
  await flushUntil(() => phase(getPod(h.fake, 'hooked')) === 'Running', 'running');
  const after = ((getPod(h.fake, 'hooked')?.status as Obj).containerStatuses as Obj[])[0];
  assert.equal(after.ready, true);
  await h.stop();
});
