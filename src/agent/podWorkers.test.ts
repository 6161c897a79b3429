import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flushAsync } from '../client/testing/fakeClock.js';
import type { KubeObject } from '../machinery/types.js';
import { podsGVR } from './podWorkers.js';

const eventsGVR = { group: '', version: 'v1', resource: 'events' };
import { boundPod, flushUntil, getPod, phase, POD_CIDR, recordStatuses, startHarness } from './testing/fixtures.js';

type Obj = Record<string, unknown>;
const st = (p: KubeObject | undefined): Obj => (p?.status ?? {}) as Obj;
const conds = (s: Obj): Obj[] => (s.conditions ?? []) as Obj[];
const cond = (s: Obj, type: string): Obj | undefined => conds(s).find((c) => c.type === type);
const cs = (s: Obj, name = 'app'): Obj => ((s.containerStatuses ?? []) as Obj[]).find((c) => c.name === name) ?? {};
const ics = (s: Obj, name: string): Obj => ((s.initContainerStatuses ?? []) as Obj[]).find((c) => c.name === name) ?? {};
const state = (c: Obj): Obj => (c.state ?? {}) as Obj;

test('a pod bound to the node goes Pending (ContainerCreating) → Running with the kubelet conditions', async () => {
  const h = await startHarness();
  const rec = await recordStatuses(h.fake, 'web');
  await h.fake.create(podsGVR, boundPod('web'));
  await flushUntil(() => phase(getPod(h.fake, 'web')) === 'Running', 'pod running');
  rec.stop();

  // The agent's first report: nothing runs yet.
  assert.equal(rec.statuses[0].containerStatuses, undefined, 'the pod as created');
  const first = rec.statuses[1];
  assert.equal(first.phase, 'Pending');
  assert.deepEqual(state(cs(first)), { waiting: { reason: 'ContainerCreating' } });
  assert.equal(cond(first, 'PodReadyToStartContainers')?.status, 'False');
  assert.equal(cond(first, 'Ready')?.status, 'False');
  assert.equal(cond(first, 'Ready')?.reason, 'ContainersNotReady');
  assert.equal(cond(first, 'Ready')?.message, 'containers with unready status: [app]');
  assert.equal(first.podIP, undefined);

  const s = st(getPod(h.fake, 'web'));
  assert.deepEqual(conds(s).map((c) => [c.type, c.status]), [
    ['PodReadyToStartContainers', 'True'],
    ['Initialized', 'True'],
    ['Ready', 'True'],
    ['ContainersReady', 'True'],
    ['PodScheduled', 'True'],
  ]);
  // The scheduler's transition time survives; the others are the agent's.
  assert.equal(cond(s, 'PodScheduled')?.lastTransitionTime, '2026-11-28T06:59:00Z');
  assert.equal(cond(s, 'Ready')?.lastProbeTime, null);
  assert.equal(s.podIP, '10.42.1.2');
  assert.deepEqual(s.podIPs, [{ ip: '10.42.1.2' }]);
  assert.equal(s.hostIP, '172.16.0.2');
  assert.deepEqual(s.hostIPs, [{ ip: '172.16.0.2' }]);
  assert.equal(s.qosClass, 'BestEffort');
  assert.equal(s.startTime, '2026-11-28T07:00:00Z');
  const c = cs(s);
  assert.equal(c.ready, true);
  assert.equal(c.started, true);
  assert.equal(c.restartCount, 0);
  assert.equal(c.image, 'docker.io/library/nginx:1.14.2');
  assert.match(String(c.imageID), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.match(String(c.containerID), /^sim:\/\/[0-9a-f]{64}$/);
  assert.deepEqual(state(c), { running: { startedAt: '2026-11-28T07:00:00Z' } });
  assert.deepEqual(c.lastState, {});
  assert.ok(POD_CIDR.startsWith('10.42.1.'));
  // The kubelet's Events, from kubelet on node-1.
  await flushUntil(() => h.fake.objects(eventsGVR, 'default').length >= 3, 'events');
  const events = h.fake.objects(eventsGVR, 'default');
  assert.deepEqual(events.map((e) => [e.reason, e.message]).sort(), [
    ['Created', 'Created container: app'],
    ['Pulled', 'Container image "nginx:1.14.2" already present on machine'],
    ['Started', 'Started container app'],
  ]);
  assert.deepEqual(events[0].source, { component: 'kubelet', host: 'node-1' });
  assert.equal((events[0].involvedObject as Obj).name, 'web');
  await h.stop();
});

test('reportContainerCreating=false: one status write takes a new pod straight to Running', async () => {
  const h = await startHarness({ agent: { reportContainerCreating: false } });
  const rec = await recordStatuses(h.fake, 'fast');
  await h.fake.create(podsGVR, boundPod('fast'));
  await flushUntil(() => phase(getPod(h.fake, 'fast')) === 'Running', 'running');
  await h.clock.advance(1000);
  rec.stop();
  assert.deepEqual(rec.statuses.map((x) => x.phase), ['Pending', 'Running']);
  assert.equal(h.fake.calls.filter((c) => c.resource === 'pods' && c.verb === 'update' && c.subresource === 'status').length, 1);
  await h.stop();
});

test('a restartPolicy Never pod succeeds after completeAfterMs; its IP is released', async () => {
  const h = await startHarness({ sim: { completeAfterMs: 2000 } });
  await h.fake.create(podsGVR, boundPod('job', { spec: { restartPolicy: 'Never' } }));
  await flushUntil(() => phase(getPod(h.fake, 'job')) === 'Running', 'running');
  assert.equal(h.runtime.ipsInUse, 1);
  await h.clock.advance(1999);
  assert.equal(phase(getPod(h.fake, 'job')), 'Running');
  await h.clock.advance(1);
  await flushUntil(() => phase(getPod(h.fake, 'job')) === 'Succeeded', 'succeeded');
  await flushUntil(() => cond(st(getPod(h.fake, 'job')), 'PodReadyToStartContainers')?.status === 'False', 'sandbox stopped');
  const s = st(getPod(h.fake, 'job'));
  const t = state(cs(s)).terminated as Obj;
  assert.equal(t.exitCode, 0);
  assert.equal(t.reason, 'Completed');
  assert.equal(t.startedAt, '2026-11-28T07:00:00Z');
  assert.equal(t.finishedAt, '2026-11-28T07:00:02Z');
  assert.match(String(t.containerID), /^sim:\/\//);
  assert.equal(cs(s).ready, false);
  assert.equal(cs(s).started, false);
  assert.deepEqual(conds(s).map((c) => [c.type, c.status, c.reason]), [
    ['PodReadyToStartContainers', 'False', undefined],
    ['Initialized', 'True', 'PodCompleted'],
    ['Ready', 'False', 'PodCompleted'],
    ['ContainersReady', 'False', 'PodCompleted'],
    ['PodScheduled', 'True', undefined],
  ]);
  assert.equal(s.podIP, '10.42.1.2', 'a completed pod keeps reporting its IP');
  assert.equal(h.runtime.ipsInUse, 0);
  await h.stop();
});

test('sim-fail makes a Never pod Failed with exit code 1 (reason Error); sim-exit-code sets the code', async () => {
  const h = await startHarness({ sim: { completeAfterMs: 500 } });
  await h.fake.create(podsGVR, boundPod('bad', { spec: { restartPolicy: 'Never' }, annotations: { 'skiff.dev/sim-fail': 'true' } }));
  await h.fake.create(podsGVR, boundPod('code', { spec: { restartPolicy: 'Never' }, annotations: { 'skiff.dev/sim-exit-code': '3', 'skiff.dev/sim-run-ms': '4000' } }));
  await flushUntil(() => phase(getPod(h.fake, 'bad')) === 'Running' && phase(getPod(h.fake, 'code')) === 'Running', 'running');
  await h.clock.advance(500);
  await flushUntil(() => phase(getPod(h.fake, 'bad')) === 'Failed', 'failed');
  const s = st(getPod(h.fake, 'bad'));
  assert.deepEqual([(state(cs(s)).terminated as Obj).exitCode, (state(cs(s)).terminated as Obj).reason], [1, 'Error']);
  assert.equal(cond(s, 'ContainersReady')?.reason, 'PodFailed');
  assert.equal(cond(s, 'Ready')?.reason, 'PodFailed');
  assert.equal(phase(getPod(h.fake, 'code')), 'Running');
  await h.clock.advance(3500);
  await flushUntil(() => phase(getPod(h.fake, 'code')) === 'Failed', 'code failed');
  assert.equal((state(cs(st(getPod(h.fake, 'code')))).terminated as Obj).exitCode, 3);
  await h.stop();
});

test('sim-unready: the container runs but the pod is not Ready', async () => {
  const h = await startHarness();
  await h.fake.create(podsGVR, boundPod('slow', { annotations: { 'skiff.dev/sim-unready': 'true' } }));
  await flushUntil(() => phase(getPod(h.fake, 'slow')) === 'Running', 'running');
  const s = st(getPod(h.fake, 'slow'));
  assert.equal(cs(s).ready, false);
  assert.equal(cs(s).started, true);
  assert.deepEqual([cond(s, 'Ready')?.status, cond(s, 'Ready')?.message], ['False', 'containers with unready status: [app]']);
  assert.equal(cond(s, 'ContainersReady')?.status, 'False');
  await h.stop();
});

test('a readiness probe delays Ready by its initialDelaySeconds', async () => {
  const h = await startHarness();
  await h.fake.create(podsGVR, boundPod('probed', { spec: { containers: [{ name: 'app', image: 'nginx', readinessProbe: { initialDelaySeconds: 5, httpGet: { port: 80 } } }] } }));
  await flushUntil(() => phase(getPod(h.fake, 'probed')) === 'Running', 'running');
  assert.equal(cond(st(getPod(h.fake, 'probed')), 'Ready')?.status, 'False');
  await h.clock.advance(5000);
  await flushUntil(() => cond(st(getPod(h.fake, 'probed')), 'Ready')?.status === 'True', 'ready');
  assert.equal(cond(st(getPod(h.fake, 'probed')), 'Ready')?.lastTransitionTime, '2026-11-28T07:00:05Z');
  assert.equal(cs(st(getPod(h.fake, 'probed'))).image, 'docker.io/library/nginx:latest');
  await h.stop();
});

test('init containers run one at a time, in order, before the app container', async () => {
  const h = await startHarness({ sim: { initCompleteAfterMs: 1000 } });
  const rec = await recordStatuses(h.fake, 'init');
  await h.fake.create(podsGVR, boundPod('init', { spec: { initContainers: [{ name: 'one', image: 'busybox' }, { name: 'two', image: 'busybox' }] } }));
  await flushUntil(() => state(ics(st(getPod(h.fake, 'init')), 'one')).running !== undefined, 'init one running');
  let s = st(getPod(h.fake, 'init'));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(state(ics(s, 'two')), { waiting: { reason: 'PodInitializing' } });
  assert.deepEqual(state(cs(s)), { waiting: { reason: 'PodInitializing' } });
  assert.deepEqual([cond(s, 'Initialized')?.status, cond(s, 'Initialized')?.message], ['False', 'containers with incomplete status: [one two]']);
  await h.clock.advance(1000);
  await flushUntil(() => state(ics(st(getPod(h.fake, 'init')), 'two')).running !== undefined, 'init two running');
  s = st(getPod(h.fake, 'init'));
  assert.equal((state(ics(s, 'one')).terminated as Obj).reason, 'Completed');
  assert.equal(ics(s, 'one').ready, true);
  assert.equal(cond(s, 'Initialized')?.message, 'containers with incomplete status: [two]');
  await h.clock.advance(1000);
  await flushUntil(() => phase(getPod(h.fake, 'init')) === 'Running', 'running');
  s = st(getPod(h.fake, 'init'));
  assert.deepEqual(((s.initContainerStatuses ?? []) as Obj[]).map((c) => c.name), ['one', 'two']);
  assert.equal(cond(s, 'Initialized')?.status, 'True');
  assert.equal(cond(s, 'Ready')?.status, 'True');
  rec.stop();
  await h.stop();
});

test('crash loop: an immediate first restart, then back-off 10s, 20s, 40s with CrashLoopBackOff', async () => {
  const h = await startHarness({ sim: { crashAfterMs: 1000 } });
  const pod = await h.fake.create(podsGVR, boundPod('crash', { annotations: { 'skiff.dev/sim-crashloop': 'true' } }));
  const uid = pod.metadata.uid ?? '';
  const c = (): Obj => cs(st(getPod(h.fake, 'crash')));
  await flushUntil(() => state(c()).running !== undefined, 'running');
  assert.equal(c().restartCount, 0);
  // 1st exit: restarted at once (no back-off yet).
  await h.clock.advance(1000);
  await flushUntil(() => c().restartCount === 1 && state(c()).running !== undefined, 'restart 1');
  const last = (c().lastState as Obj).terminated as Obj;
  assert.deepEqual([last.exitCode, last.reason, last.finishedAt], [1, 'Error', '2026-11-28T07:00:01Z']);
  assert.equal(phase(getPod(h.fake, 'crash')), 'Running');
  // 2nd exit: back-off 10s.
  await h.clock.advance(1000);
  await flushUntil(() => (state(c()).waiting as Obj | undefined)?.reason === 'CrashLoopBackOff', 'back-off 10s');
  assert.deepEqual(state(c()).waiting, { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=app pod=crash_default(${uid})` });
  assert.equal(c().restartCount, 1);
  assert.equal(((c().lastState as Obj).terminated as Obj).finishedAt, '2026-11-28T07:00:02Z');
  assert.equal(c().ready, false);
  await h.clock.advance(9999);
  assert.equal(c().restartCount, 1);
  await h.clock.advance(1);
  await flushUntil(() => c().restartCount === 2 && state(c()).running !== undefined, 'restart 2 at +10s');
  // 3rd exit: back-off 20s.
  await h.clock.advance(1000);
  await flushUntil(() => String((state(c()).waiting as Obj | undefined)?.message).startsWith('back-off 20s'), 'back-off 20s');
  await h.clock.advance(20_000);
  await flushUntil(() => c().restartCount === 3, 'restart 3 at +20s');
  await h.clock.advance(1000);
  await flushUntil(() => String((state(c()).waiting as Obj | undefined)?.message).startsWith('back-off 40s'), 'back-off 40s');
  const backOff = h.fake.objects(eventsGVR, 'default').find((e) => e.reason === 'BackOff');
  assert.deepEqual([backOff?.type, backOff?.message, backOff?.count], ['Warning', `Back-off restarting failed container app in pod crash_default(${uid})`, 3]);
  await h.stop();
});

test('graceful deletion: containers stop within the grace period, then the pod object is deleted', async () => {
  const h = await startHarness({ graceful: true });
  await h.fake.create(podsGVR, boundPod('slowstop', { annotations: { 'skiff.dev/sim-stop-ms': '5000' } }));
  await h.fake.create(podsGVR, boundPod('stuck', { spec: { terminationGracePeriodSeconds: 10 }, annotations: { 'skiff.dev/sim-stop-ms': '60000' } }));
  await flushUntil(() => phase(getPod(h.fake, 'slowstop')) === 'Running' && phase(getPod(h.fake, 'stuck')) === 'Running', 'running');
  assert.equal(h.runtime.ipsInUse, 2);
  const uid = getPod(h.fake, 'slowstop')?.metadata.uid;
  await h.client.delete(podsGVR, 'slowstop', { namespace: 'default' });
  await h.client.delete(podsGVR, 'stuck', { namespace: 'default' });
  await h.clock.advance(4999);
  assert.ok(getPod(h.fake, 'slowstop'), 'still stopping');
  await h.clock.advance(1);
  await flushUntil(() => getPod(h.fake, 'slowstop') === undefined, 'deleted after its 5 s shutdown');
  const finalDelete = h.fake.calls.find((c) => c.verb === 'delete' && c.name === 'slowstop' && c.options.gracePeriodSeconds === 0);
  assert.deepEqual(finalDelete?.options.preconditions, { uid });
  // The stuck one is killed at its 10 s grace period (137), reported terminal, then deleted.
  assert.ok(getPod(h.fake, 'stuck'));
  const rec = await recordStatuses(h.fake, 'stuck');
  await h.clock.advance(5000);
  await flushUntil(() => getPod(h.fake, 'stuck') === undefined, 'stuck deleted at the grace period');
  rec.stop();
  const terminal = rec.statuses[rec.statuses.length - 1];
  assert.equal(terminal.phase, 'Failed');
  assert.equal((state(cs(terminal)).terminated as Obj).exitCode, 137);
  await flushUntil(() => h.runtime.ipsInUse === 0, 'IPs released');
  assert.equal((await h.runtime.listPodSandboxes()).length, 0);
  await h.stop();
});

test('deleting a crash-looping pod reports its last exit, Failed, then deletes it', async () => {
  const h = await startHarness({ graceful: true, sim: { crashAfterMs: 1000 } });
  await h.fake.create(podsGVR, boundPod('loop', { annotations: { 'skiff.dev/sim-crashloop': 'true' } }));
  await h.fake.create(podsGVR, boundPod('never', { spec: { initContainers: [{ name: 'init', image: 'busybox' }] }, annotations: { 'skiff.dev/sim-crashloop': 'init' } }));
  await h.clock.advance(2000);
  await flushUntil(() => (state(cs(st(getPod(h.fake, 'loop')))).waiting as Obj | undefined)?.reason === 'CrashLoopBackOff', 'backing off');
  await flushUntil(() => (state(ics(st(getPod(h.fake, 'never')), 'init')).waiting as Obj | undefined)?.reason === 'CrashLoopBackOff', 'init backing off');
  const rec = await recordStatuses(h.fake, 'loop');
  const recInit = await recordStatuses(h.fake, 'never');
  await h.client.delete(podsGVR, 'loop', { namespace: 'default' });
  await h.client.delete(podsGVR, 'never', { namespace: 'default' });
  await flushUntil(() => getPod(h.fake, 'loop') === undefined && getPod(h.fake, 'never') === undefined, 'deleted');
  rec.stop();
  recInit.stop();
  const last = rec.statuses[rec.statuses.length - 1];
  assert.equal(last.phase, 'Failed');
  assert.deepEqual([(state(cs(last)).terminated as Obj).exitCode, (state(cs(last)).terminated as Obj).reason], [1, 'Error']);
  // Never initialized: the init container's last exit stands, the app container keeps waiting.
  const lastInit = recInit.statuses[recInit.statuses.length - 1];
  assert.equal(lastInit.phase, 'Failed');
  assert.equal((state(ics(lastInit, 'init')).terminated as Obj).exitCode, 1);
  assert.deepEqual(state(cs(lastInit)), { waiting: { reason: 'PodInitializing' } });
  await h.stop();
});

test('a pod removed from the API (force delete) is stopped and removed from the runtime', async () => {
  const h = await startHarness();
  await h.fake.create(podsGVR, boundPod('gone'));
  await flushUntil(() => phase(getPod(h.fake, 'gone')) === 'Running', 'running');
  await h.fake.delete(podsGVR, 'gone', { namespace: 'default', gracePeriodSeconds: 0 });
  await flushUntil(() => h.runtime.ipsInUse === 0, 'released');
  await flushUntil(() => true, 'settle');
  assert.equal((await h.runtime.listContainers()).length, 0);
  await h.stop();
});

test('a pod already terminal when the agent first sees it is left alone', async () => {
  const h = await startHarness();
  const done = boundPod('old');
  done.status = { phase: 'Succeeded', qosClass: 'BestEffort' };
  await h.fake.create(podsGVR, done);
  await h.clock.advance(1000);
  assert.deepEqual(st(getPod(h.fake, 'old')), { phase: 'Succeeded', qosClass: 'BestEffort' });
  assert.equal((await h.runtime.listPodSandboxes()).length, 0);
  assert.equal(h.fake.calls.filter((c) => c.resource === 'pods' && c.verb === 'update').length, 0);
  await h.stop();
});

test('after an agent restart, running containers are adopted, not restarted', async () => {
  const h = await startHarness();
  await h.fake.create(podsGVR, boundPod('keep'));
  await flushUntil(() => phase(getPod(h.fake, 'keep')) === 'Running', 'running');
  const before = cs(st(getPod(h.fake, 'keep')));
  await h.agent.stop();
  const h2 = await startHarness({ fake: h.fake, clock: h.clock, runtime: h.runtime });
  await h.clock.advance(1000);
  await flushUntil(() => true, 'settle');
  const after = cs(st(getPod(h.fake, 'keep')));
  assert.equal(after.containerID, before.containerID);
  assert.equal(after.restartCount, 0);
  assert.equal((await h.runtime.listContainers()).length, 1);
  await h2.stop();
});

test('a Never pod with a sidecar completes: the sidecar is stopped once the main container is done', async () => {
  const h = await startHarness({ sim: { completeAfterMs: 1000 } });
  await h.fake.create(podsGVR, boundPod('side', { spec: { restartPolicy: 'Never', initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] } }));
  await flushUntil(() => phase(getPod(h.fake, 'side')) === 'Running', 'running');
  const s = st(getPod(h.fake, 'side'));
  assert.equal(ics(s, 'proxy').started, true);
  assert.deepEqual(conds(s).map((c) => [c.type, c.status]).slice(1, 4), [['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True']]);
  await h.clock.advance(1000);
  await flushUntil(() => phase(getPod(h.fake, 'side')) === 'Succeeded', 'succeeded');
  const done = st(getPod(h.fake, 'side'));
  assert.equal((state(cs(done)).terminated as Obj).exitCode, 0);
  assert.ok(state(ics(done, 'proxy')).terminated, 'the sidecar was stopped');
  await h.stop();
});

test('after an agent restart, the sandbox of a pod that is gone is removed and a live pod is adopted', async () => {
  const h1 = await startHarness();
  await h1.fake.create(podsGVR, boundPod('keep'));
  await h1.fake.create(podsGVR, boundPod('gone'));
  await flushUntil(() => phase(getPod(h1.fake, 'keep')) === 'Running' && phase(getPod(h1.fake, 'gone')) === 'Running', 'pods running');
  await h1.stop();
  const sandboxes = await h1.runtime.listPodSandboxes();
  assert.equal(sandboxes.length, 2);
  const goneUid = getPod(h1.fake, 'gone')?.metadata.uid;
  const keepUid = getPod(h1.fake, 'keep')?.metadata.uid;
  await h1.fake.delete(podsGVR, 'gone', { namespace: 'default' });
  const h2 = await startHarness({ fake: h1.fake, clock: h1.clock, runtime: h1.runtime });
  let left: string[] = [];
  for (let i = 0; i < 2000; i++) {
    left = (await h2.runtime.listPodSandboxes()).map((s) => s.podUid);
    if (left.length === 1) break;
    await flushAsync(1);
  }
  assert.deepEqual(left, [keepUid]);
  assert.notEqual(goneUid, keepUid);
  await h2.stop();
});
