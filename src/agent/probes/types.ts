// The vocabulary shared by the probe handlers, the worker and the prober: what one probe
// run yields (pkg/probe's Result plus output and error, as the kubelet's runners return
// them) and a probe's timing as the API server defaulted it.
import { num, rec, type Obj } from '../../resources/shared/access.js';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

/** pkg/probe.Result. A warning counts as success (an HTTP redirect to another host). */
export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

/** One run of a handler: `error` set means the probe errored (its result is thrown away). */
export interface ProbeOutcome {
  result: ProbeResult;
  output: string;
  error?: string;
}

/** The kubelet's probeType.String(), as its Events spell it. */
export const kindLabel: Record<ProbeKind, string> = { startup: 'Startup', readiness: 'Readiness', liveness: 'Liveness' };

/** The container spec field holding each kind of probe. */
export const probeField: Record<ProbeKind, string> = { startup: 'startupProbe', readiness: 'readinessProbe', liveness: 'livenessProbe' };

export interface ProbeSettings {
  initialDelayMs: number;
  periodMs: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** Reads a probe's timing, with the API server's defaults (SetDefaults_Probe) for absent fields. */
export function probeSettings(probe: Obj): ProbeSettings {
  const pos = (v: unknown, d: number): number => {
    const n = num(v);
    return n !== undefined && n > 0 ? n : d;
  };
  return {
    initialDelayMs: Math.max(0, num(probe.initialDelaySeconds) ?? 0) * 1000,
    periodMs: pos(probe.periodSeconds, 10) * 1000,
    timeoutSeconds: pos(probe.timeoutSeconds, 1),
    successThreshold: pos(probe.successThreshold, 1),
    failureThreshold: pos(probe.failureThreshold, 3),
  };
}

/** The container's probe of `kind`, if it has one. */
export function probeOf(container: Obj, kind: ProbeKind): Obj | undefined {
  return rec(container[probeField[kind]]);
}

/** net.JoinHostPort: IPv6 literals in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's %q for the ASCII text the probes quote (URLs, commands, addresses). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** The cap on probe output kept (exec output, HTTP body): upstream's 10 KiB. */
export const maxProbeOutputBytes = 10 * 1024;
