import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMicroTime, leasesGVR, parseMicroTime, runLeaderElection, type Lease, type LeaderElectionOptions } from './leaderElection.js';
import { FakeClient } from './testing/fakeClient.js';
import { FakeClock } from './testing/fakeClock.js';

const microTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function candidate(fake: FakeClient, clock: FakeClock, identity: string, extra: Partial<LeaderElectionOptions> = {}) {
  const ac = new AbortController();
  const state = { leading: false, started: 0, stopped: 0, leaderSignal: undefined as AbortSignal | undefined, newLeaders: [] as string[], errors: [] as unknown[] };
  const done = runLeaderElection({
    client: fake,
    name: 'skiff-controllers',
    identity,
    clock,
    random: () => 0,
    signal: ac.signal,
    onStartedLeading: (signal) => {
      state.leading = true;
      state.started++;
      state.leaderSignal = signal;
    },
    onStoppedLeading: () => {
      state.leading = false;
      state.stopped++;
    },
    onNewLeader: (id) => state.newLeaders.push(id),
    onError: (e) => state.errors.push(e),
    ...extra,
  });
  return { ac, state, done };
}

const lease = async (fake: FakeClient): Promise<Lease> => fake.get<Lease>(leasesGVR, 'skiff-controllers', { namespace: 'kube-system' });

test('MicroTime: six fractional digits, parsed back', () => {
  const ms = Date.UTC(2026, 10, 28, 7, 0, 0, 123);
  assert.equal(formatMicroTime(ms), '2026-11-28T07:00:00.123000Z');
  assert.equal(formatMicroTime(ms + 0.456), '2026-11-28T07:00:00.123456Z');
  assert.equal(parseMicroTime('2026-11-28T07:00:00.123456Z'), ms + 0.456);
  assert.equal(parseMicroTime('2026-11-28T07:00:00Z'), ms - 123);
  assert.equal(parseMicroTime('yesterday'), undefined);
});

test('a lone candidate creates the Lease, leads, renews every retry period, and stops on abort', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const a = candidate(fake, clock, 'a');
  await clock.advance(0);
  assert.equal(a.state.leading, true);
  let l = await lease(fake);
  assert.equal(l.metadata.namespace, 'kube-system');
  assert.equal(l.spec?.holderIdentity, 'a');
  assert.equal(l.spec?.leaseDurationSeconds, 15);
  assert.equal(l.spec?.leaseTransitions, 0);
  assert.match(l.spec?.acquireTime ?? '', microTime);
  assert.equal(l.spec?.acquireTime, formatMicroTime(clock.now()));
  const acquired = l.spec?.acquireTime;
  await clock.advance(2000);
  l = await lease(fake);
  assert.equal(l.spec?.renewTime, formatMicroTime(clock.now()), 'renewed after 2 s');
  assert.equal(l.spec?.acquireTime, acquired, 'acquireTime kept on renew');
  assert.deepEqual(a.state.newLeaders, ['a']);
  a.ac.abort();
  await clock.advance(0);
  await a.done;
  assert.equal(a.state.stopped, 1);
  assert.equal(a.state.leaderSignal?.aborted, true);
  assert.equal((await lease(fake)).spec?.holderIdentity, 'a', 'not released by default');
  assert.deepEqual(a.state.errors, []);
});

test('a second candidate waits out the lease duration after the leader goes silent', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const a = candidate(fake, clock, 'a');
  await clock.advance(0);
  const b = candidate(fake, clock, 'b');
  await clock.advance(30_000);
  assert.equal(a.state.leading, true);
  assert.equal(b.state.leading, false, 'never while the leader renews');
  assert.deepEqual(b.state.newLeaders, ['a']);
  a.ac.abort(); // a stops renewing without releasing (like a crash)
  await clock.advance(0);
  const silentSince = clock.now();
  while (!b.state.leading) await clock.advance(500);
  const waited = clock.now() - silentSince;
  assert.ok(waited >= 15_000, `b took over after ${waited} ms`);
  assert.ok(waited <= 15_000 + 2 * 2400, `b took over after ${waited} ms`);
  const l = await lease(fake);
  assert.equal(l.spec?.holderIdentity, 'b');
  assert.equal(l.spec?.leaseTransitions, 1);
  assert.equal(l.spec?.acquireTime, formatMicroTime(clock.now()));
  b.ac.abort();
  await clock.advance(0);
  await Promise.all([a.done, b.done]);
  assert.deepEqual([...a.state.errors, ...b.state.errors], []);
});

test('candidates racing for a free lease: exactly one wins, the loser is silent', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const cs = ['a', 'b', 'c'].map((id) => candidate(fake, clock, id));
  await clock.advance(10_000);
  assert.equal(cs.filter((c) => c.state.leading).length, 1);
  for (const c of cs) c.ac.abort();
  await clock.advance(0);
  await Promise.all(cs.map((c) => c.done));
  assert.deepEqual(cs.flatMap((c) => c.state.errors), []);
});

test('a leader that cannot renew within the renew deadline stops leading', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const a = candidate(fake, clock, 'a');
  await clock.advance(0);
  assert.equal(a.state.leading, true);
  // Someone else overwrites the lease: a's renewals now fail (the lease is valid for them).
  const l = await lease(fake);
  await fake.update(leasesGVR, { ...l, spec: { ...l.spec, holderIdentity: 'intruder', renewTime: formatMicroTime(clock.now()) } });
  const since = clock.now();
  await clock.advance(2000 + 9_999);
  assert.equal(a.state.leading, true, 'still inside the renew deadline');
  await clock.advance(1);
  await a.done;
  assert.equal(a.state.leading, false);
  assert.equal(a.state.leaderSignal?.aborted, true);
  assert.equal(clock.now() - since, 12_000);
  assert.deepEqual(a.state.newLeaders, ['a', 'intruder']);
});

test('releaseOnCancel frees the lease so the next candidate takes it at its next retry', async () => {
  const clock = new FakeClock();
  const fake = new FakeClient({ clock });
  const a = candidate(fake, clock, 'a', { releaseOnCancel: true });
  await clock.advance(0);
  const b = candidate(fake, clock, 'b');
  await clock.advance(0);
  a.ac.abort();
  await clock.advance(0);
  await a.done;
  const released = await lease(fake);
  assert.equal(released.spec?.holderIdentity, '');
  assert.equal(released.spec?.leaseDurationSeconds, 1);
  await clock.advance(2000);
  assert.equal(b.state.leading, true);
  assert.equal((await lease(fake)).spec?.leaseTransitions, 1);
  b.ac.abort();
  await clock.advance(0);
  await b.done;
});

test('durations are validated as client-go does', async () => {
  const fake = new FakeClient();
  const base = { client: fake, name: 'x', identity: 'a', onStartedLeading: () => {} };
  await assert.rejects(runLeaderElection({ ...base, leaseDurationSeconds: 10, renewDeadlineMs: 10_000 }), /leaseDuration must be greater than renewDeadline/);
  await assert.rejects(runLeaderElection({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }), /renewDeadline must be greater than retryPeriod\*JitterFactor/);
  await assert.rejects(runLeaderElection({ ...base, identity: '' }), /identity/);
});
