// Where a running container's `started` and `ready` come from (the kubelet's prober
// manager). The pod worker asks synchronously on every sync; a prober that runs real
// probes (probes/realProber.ts: exec/httpGet/tcpSocket/grpc workers) answers from its
// latest results and has the pod re-synced (ProberHooks.resync) when a result changes.
// The default here runs no probes: it assumes every probe succeeds at its first run,
// after initialDelaySeconds — what a simulated node needs for rollouts with readiness
// probes to take realistic time.
import type { KubeObject } from '../machinery/types.js';
import { rec } from '../resources/shared/access.js';
import { probeSettings } from './probes/types.js';

export interface ProbeInput {
  pod: KubeObject;
  /** The container's spec. */
  container: Record<string, unknown>;
  containerId: string;
  /** When the running instance started (ms). */
  startedAt: number;
  now: number;
  /** A restartable init container (sidecar): only `started` gates the pod. */
  sidecar?: boolean;
  /** Where httpGet/tcpSocket/grpc probes connect without a `host` (status.podIP; the node's IP for hostNetwork pods). */
  podIP?: string;
}

export interface ProbeVerdict {
  /** Startup probe passed (true at once without one). */
  started: boolean;
  /** Readiness probe passed (true once started, without one). */
  ready: boolean;
  /** The verdict may change by itself after this long: sync the pod again then. */
  recheckInMs?: number;
  /**
   * The liveness or startup probe reached its failureThreshold: the kubelet kills this
   * instance ("Container c failed liveness probe, will be restarted") and restartPolicy decides.
   */
  probeFailed?: 'liveness' | 'startup';
}

/** What a prober running real probes needs from the node serving it. */
export interface ProberHooks {
  /** Sync the pod again (a probe result changed: ready, started, or a liveness failure). */
  resync(podUid: string): void;
  /** The node's kubelet Events (Unhealthy, ProbeWarning). */
  recordEvent(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface Prober {
  check(input: ProbeInput): ProbeVerdict;
  /** The instance is gone or no longer running: stop its probes and drop its results. */
  forget?(containerId: string): void;
  /** Called by the pod workers when they start serving the node that uses this prober. */
  attach?(hooks: ProberHooks): void;
}

function initialDelayMs(probe: unknown): number | undefined {
  const p = rec(probe);
  return p && probeSettings(p).initialDelayMs;
}

/** Probes assumed to pass at their first run (initialDelaySeconds after start). */
export const assumedProber: Prober = {
  check({ container, startedAt, now }: ProbeInput): ProbeVerdict {
    const startupDelay = initialDelayMs(container.startupProbe);
    const startedAtMs = startupDelay === undefined ? startedAt : startedAt + startupDelay;
    if (now < startedAtMs) return { started: false, ready: false, recheckInMs: startedAtMs - now };
    const readyDelay = initialDelayMs(container.readinessProbe);
    // The readiness probe only runs once the startup probe has passed.
    const readyAt = readyDelay === undefined ? startedAtMs : startedAtMs + readyDelay;
    if (now < readyAt) return { started: true, ready: false, recheckInMs: readyAt - now };
    return { started: true, ready: true };
  },
};
