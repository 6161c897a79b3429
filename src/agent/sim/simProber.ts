// Probe results on a simulated node: probes pass at their first run (assumedProber) unless
// the pod carries skiff.dev/sim-unready for the container, which keeps it running but
// never ready (the Ready condition stays False, as a failing readiness probe leaves it).
import { assumedProber, type ProbeInput, type ProbeVerdict, type Prober } from '../prober.js';
import { flagApplies, SIM_UNREADY } from './annotations.js';

export const simProber: Prober = {
  check(input: ProbeInput): ProbeVerdict {
    const v = assumedProber.check(input);
    const name = typeof input.container.name === 'string' ? input.container.name : '';
    if (flagApplies(input.pod, SIM_UNREADY, name, input.sidecar === true)) return { started: v.started, ready: false, ...(v.recheckInMs !== undefined ? { recheckInMs: v.recheckInMs } : {}) };
    return v;
  },
};
