// Leader election on a coordination.k8s.io/v1 Lease, as client-go's tools/leaderelection
// with its LeaseLock, so several servers sharing one store run controllers exactly once.
//
// Guarantees (the same, and with the same clock assumptions, as client-go):
// - Mutual exclusion rests on optimistic concurrency: every acquire and renew is an update
//   carrying the resourceVersion that was read; a 409 Conflict means another candidate
//   wrote first and this attempt lost.
// - A candidate takes a lease held by another only after observing it unchanged for the
//   lease's leaseDurationSeconds on its own clock (never comparing remote timestamps),
//   or at once if it is free (empty holderIdentity) or already its own.
// - The leader renews every retryPeriod; if it cannot renew within renewDeadline it stops
//   leading: the signal given to onStartedLeading aborts before another candidate can take
//   over (renewDeadline < leaseDuration), then onStoppedLeading runs.
// - `runLeaderElection` resolves after leadership ended (lost, or `signal` aborted) and the
//   promise returned by onStartedLeading settled. Call it again to re-campaign.
import type { GroupVersionResource, KubeObject } from '../machinery/types.js';
import { realClock, sleep, type Clock } from './clock.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';
import type { Client } from './types.js';

export const leasesGVR: GroupVersionResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: Client;
  /** Lease name (the component, e.g. `kube-controller-manager`). */
  name: string;
  namespace?: string;
  /** Unique per candidate (client-go uses hostname + "_" + a UUID). */
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Give the lease up (empty holder, 1 s duration) when `signal` aborts, for fast fail-over. */
  releaseOnCancel?: boolean;
  signal?: AbortSignal;
  clock?: Clock;
  /** Jitter source for acquire retries (client-go's JitterFactor 1.2). */
  random?: () => number;
  /** Runs when this candidate becomes leader; `signal` aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
  /** Called when a different holder is observed (including this candidate). */
  onNewLeader?(identity: string): void;
  /** Failed reads/writes other than lost races; default: a line on stderr. */
  onError?(err: unknown): void;
}

const jitterFactor = 1.2;

/** metav1.MicroTime's wire form: RFC 3339 with exactly six fractional digits, UTC. */
export function formatMicroTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.floor((ms - whole) * 1000));
  return `${new Date(whole).toISOString().slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

/** Parses RFC 3339 with up to nanosecond fractions; milliseconds since the epoch (fractional). */
export function parseMicroTime(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(base)) return undefined;
  return base + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}

function sameRecord(a: LeaseSpec | undefined, b: LeaseSpec | undefined): boolean {
  return (
    a?.holderIdentity === b?.holderIdentity && a?.leaseDurationSeconds === b?.leaseDurationSeconds && a?.acquireTime === b?.acquireTime &&
    a?.renewTime === b?.renewTime && a?.leaseTransitions === b?.leaseTransitions
  );
}

export async function runLeaderElection(opts: LeaderElectionOptions): Promise<void> {
  const { client, name, identity } = opts;
  const namespace = opts.namespace ?? 'kube-system';
  const leaseDurationSeconds = opts.leaseDurationSeconds ?? 15;
  const renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = opts.retryPeriodMs ?? 2_000;
  const clock = opts.clock ?? realClock;
  const random = opts.random ?? Math.random;
  const signal = opts.signal ?? new AbortController().signal;
  // client-go's validation of the same three durations.
  if (leaseDurationSeconds * 1000 <= renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
  if (renewDeadlineMs <= jitterFactor * retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*JitterFactor');
  if (!identity) throw new Error('leader election requires a non-empty identity');

  let observed: LeaseSpec | undefined;
  let observedTime = 0;
  let observedRv: string | undefined;
  let reportedLeader: string | undefined;
  const report = (e: unknown): void => {
    if (opts.onError) return opts.onError(e);
    process.stderr.write(`leader election ${namespace}/${name}: ${e instanceof Error ? e.message : String(e)}\n`);
  };
  const observe = (spec: LeaseSpec, rv: string | undefined): void => {
    if (!sameRecord(spec, observed)) {
      observed = { ...spec };
      observedTime = clock.now();
    }
    observedRv = rv;
    const holder = spec.holderIdentity ?? '';
    if (holder !== '' && holder !== reportedLeader) {
      reportedLeader = holder;
      opts.onNewLeader?.(holder);
    }
  };

  /** One attempt: true when this candidate holds a freshly renewed lease. */
  const tryAcquireOrRenew = async (reqSignal: AbortSignal): Promise<boolean> => {
    const now = formatMicroTime(clock.now());
    let lease: Lease;
    try {
      lease = await client.get<Lease>(leasesGVR, name, { namespace, signal: reqSignal });
    } catch (e) {
      if (!isNotFound(e)) {
        if (!reqSignal.aborted) report(e);
        return false;
      }
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 };
      try {
        const created = await client.create<Lease>(leasesGVR, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec }, { namespace, signal: reqSignal });
        observe(created.spec ?? spec, created.metadata.resourceVersion);
        return true;
      } catch (err) {
        if (!reqSignal.aborted && !isAlreadyExists(err) && !isConflict(err)) report(err); // another candidate created it first
        return false;
      }
    }
    const record = lease.spec ?? {};
    observe(record, lease.metadata.resourceVersion);
    const holder = record.holderIdentity ?? '';
    const durationMs = (record.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    if (holder !== '' && holder !== identity && observedTime + durationMs > clock.now()) return false;
    const mine = holder === identity;
    const spec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: mine && record.acquireTime ? record.acquireTime : now,
      renewTime: now,
      leaseTransitions: mine ? (record.leaseTransitions ?? 0) : (record.leaseTransitions ?? 0) + 1,
    };
    try {
      const updated = await client.update<Lease>(leasesGVR, { ...lease, spec }, { namespace, signal: reqSignal });
      observe(updated.spec ?? spec, updated.metadata.resourceVersion);
      return true;
    } catch (e) {
      // A conflict is a lost race, not an error (client-go logs it at a low level too).
      if (!reqSignal.aborted && !isConflict(e)) report(e);
      return false;
    }
  };

  /** An attempt bounded by `deadline`: the request is aborted when the deadline passes. */
  const attemptUntil = async (deadline: number): Promise<boolean> => {
    const ac = new AbortController();
    const timer = clock.setTimeout(() => ac.abort(new Error('renew deadline exceeded')), Math.max(0, deadline - clock.now()));
    const onOuter = (): void => ac.abort(signal.reason);
    signal.addEventListener('abort', onOuter, { once: true });
    try {
      const ok = await tryAcquireOrRenew(ac.signal);
      return ok && !ac.signal.aborted;
    } finally {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onOuter);
    }
  };

  // Acquire: retry every retryPeriod (jittered) until this candidate holds the lease.
  for (;;) {
    if (signal.aborted) return;
    if (await attemptUntil(clock.now() + renewDeadlineMs)) break;
    await sleep(clock, retryPeriodMs * (1 + random() * jitterFactor), signal);
  }

  const leading = new AbortController();
  const work = Promise.resolve()
    .then(() => opts.onStartedLeading(leading.signal))
    .catch((e: unknown) => report(e));

  // Renew: every retryPeriod a round that retries until renewDeadline; a failed round ends leadership.
  renew: for (;;) {
    await sleep(clock, retryPeriodMs, signal);
    if (signal.aborted) break;
    const deadline = clock.now() + renewDeadlineMs;
    for (;;) {
      if (await attemptUntil(deadline)) break;
      if (signal.aborted) break renew;
      const left = deadline - clock.now();
      if (left <= 0) break renew;
      await sleep(clock, Math.min(retryPeriodMs, left), signal);
      if (signal.aborted) break renew;
      if (clock.now() >= deadline) break renew;
    }
  }

  leading.abort(signal.aborted ? signal.reason : new Error('leader election lost'));
  await work;
  if (signal.aborted && opts.releaseOnCancel && observed?.holderIdentity === identity) {
    const now = formatMicroTime(clock.now());
    const released: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: observed.leaseTransitions ?? 0 };
    try {
      await client.update<Lease>(leasesGVR, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace, resourceVersion: observedRv }, spec: released }, { namespace });
    } catch (e) {
      report(e);
    }
  }
  opts.onStoppedLeading?.();
}
