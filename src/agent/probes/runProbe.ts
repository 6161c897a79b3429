// One probe of one container, as the kubelet's prober.probe: pick the handler (exec,
// httpGet, tcpSocket, grpc), retry up to 3 times while it errors (runProbeWithRetries),
// then turn the outcome into the result the worker counts and the Event users see:
//   failure → Warning Unhealthy "<Kind> probe failed: <output>"
//   warning → Warning ProbeWarning "<Kind> probe warning: <output>" (counts as success)
//   error   → Warning Unhealthy "<Kind> probe errored and resulted in <result> state: <err>"
//             (the result is thrown away: neither success nor failure is counted)
import type { KubeObject } from '../../machinery/types.js';
import { num, rec, str, type Obj } from '../../resources/shared/access.js';
import { podDescription } from '../podRecord.js';
import type { StreamingRuntime } from '../runtime.js';
import { execProbeCommand, runExecProbe } from './execProbe.js';
import { runGrpcProbe } from './grpcProbe.js';
import { httpProbeRequest, runHttpProbe } from './httpProbe.js';
import { resolveContainerPort } from './ports.js';
import { runTcpProbe } from './tcpProbe.js';
import { kindLabel, probeSettings, type ProbeKind, type ProbeOutcome } from './types.js';

export interface ProbeTarget {
  pod: KubeObject;
  container: Obj;
  containerId: string;
  /** status.podIP (the node's IP for hostNetwork pods); '' when unknown. */
  podIP: string;
  streaming?: StreamingRuntime;
}

/** The handlers, swappable in tests. */
export interface ProbeHandlers {
  exec: typeof runExecProbe;
  http: typeof runHttpProbe;
  tcp: typeof runTcpProbe;
  grpc: typeof runGrpcProbe;
}

export const realHandlers: ProbeHandlers = { exec: runExecProbe, http: runHttpProbe, tcp: runTcpProbe, grpc: runGrpcProbe };

const maxProbeRetries = 3;

/** prober.runProbe: one run of the probe's handler. */
export async function runProbeOnce(probe: Obj, t: ProbeTarget, handlers: ProbeHandlers = realHandlers): Promise<ProbeOutcome> {
  const timeout = probeSettings(probe).timeoutSeconds;
  const exec = rec(probe.exec);
  if (exec) return handlers.exec(t.streaming, t.containerId, execProbeCommand(exec, t.container), timeout);
  const httpGet = rec(probe.httpGet);
  if (httpGet) {
    const req = httpProbeRequest(httpGet, t.container, t.podIP);
    if (req instanceof Error) return { result: 'unknown', output: '', error: req.message };
    return handlers.http(req, timeout);
  }
  const tcp = rec(probe.tcpSocket);
  if (tcp) {
    const port = resolveContainerPort(tcp.port, t.container);
    if (port instanceof Error) return { result: 'unknown', output: '', error: port.message };
    return handlers.tcp(str(tcp.host) || t.podIP, port, timeout);
  }
  const grpc = rec(probe.grpc);
  if (grpc) return handlers.grpc(t.podIP, num(grpc.port) ?? 0, str(grpc.service) ?? '', timeout);
  return { result: 'unknown', output: '', error: `missing probe handler for ${podDescription(t.pod)}:${str(t.container.name) ?? ''}` };
}

/** What one probe run means: the result counted (undefined: thrown away) and the Event to record. */
export interface ProbeRun {
  result?: 'success' | 'failure';
  event?: { type: 'Warning'; reason: string; message: string };
}

/** prober.probe: runs with retries on error and interprets the outcome. */
export async function probeContainer(kind: ProbeKind, probe: Obj, t: ProbeTarget, handlers: ProbeHandlers = realHandlers): Promise<ProbeRun> {
  let out: ProbeOutcome = { result: 'unknown', output: '' };
  for (let i = 0; i < maxProbeRetries; i++) {
    out = await runProbeOnce(probe, t, handlers);
    if (out.error === undefined) break;
  }
  return interpret(kind, out);
}

export function interpret(kind: ProbeKind, out: ProbeOutcome): ProbeRun {
  const label = kindLabel[kind];
  if (out.error !== undefined) {
    return { event: { type: 'Warning', reason: 'Unhealthy', message: `${label} probe errored and resulted in ${out.result} state: ${out.error}` } };
  }
  switch (out.result) {
    case 'success':
      return { result: 'success' };
    case 'warning':
      return { result: 'success', event: { type: 'Warning', reason: 'ProbeWarning', message: `${label} probe warning: ${out.output}` } };
    case 'failure':
      return { result: 'failure', event: { type: 'Warning', reason: 'Unhealthy', message: `${label} probe failed: ${out.output}` } };
    default:
      return { result: 'failure' };
  }
}
