// The real prober (exec, httpGet, tcpSocket and grpc probes) for nodes with a real runtime.
export { RealProber, type RealProberOptions } from './realProber.js';
export { ProbeWorker, type ProbeWorkerOptions, type PublishedResult } from './probeWorker.js';
export { probeContainer, runProbeOnce, realHandlers, type ProbeHandlers, type ProbeRun, type ProbeTarget } from './runProbe.js';
export type { ProbeKind, ProbeOutcome, ProbeResult, ProbeSettings } from './types.js';
