// The prober that runs real probes (the kubelet's prober manager): per running container
// instance, one ProbeWorker per probe it declares. `check()` stays synchronous and answers
// from the latest published results, as UpdatePodStatus does:
//   started = no startup probe, or it passed;
//   ready   = started, and no readiness probe or it passed;
//   probeFailed = the liveness (else startup) probe failed: the pod worker kills the instance.
// Readiness and liveness wait until the startup probe passed; a passing startup probe
// triggers the readiness probe at once. When a pod starts terminating, its liveness and
// startup probes stop (StopLivenessAndStartup) and the instance counts as started, while
// readiness keeps running until the container exits. Every change of a published result
// asks the pod workers to sync the pod (ProberHooks.resync); probe Events go to the node's
// recorder. Workers are created on the first check() of an instance and stopped by
// forget() (the pod workers call it once the instance is no longer running).
//
// Not done (differences from upstream): no random initial delay for containers found
// running after an agent restart (they are probed at once).
import { realClock, type Clock } from '../../client/clock.js';
import type { KubeObject } from '../../machinery/types.js';
import type { Obj } from '../../resources/shared/access.js';
import type { ProbeInput, Prober, ProberHooks, ProbeVerdict } from '../prober.js';
import type { Runtime } from '../runtime.js';
import { ProbeWorker } from './probeWorker.js';
import { probeContainer, realHandlers, type ProbeHandlers } from './runProbe.js';
import { probeOf, probeSettings, type ProbeKind } from './types.js';

export interface RealProberOptions {
  /** Exec probes run through `runtime.streaming.execSync`. */
  runtime: Pick<Runtime, 'streaming'>;
  clock?: Clock;
  /** The probe handlers (tests swap in fakes). */
  handlers?: ProbeHandlers;
}

interface Instance {
  podUid: string;
  pod: KubeObject;
  container: Obj;
  containerId: string;
  podIP: string;
  workers: Map<ProbeKind, ProbeWorker>;
  /** Liveness and startup probes stopped for the pod's termination. */
  terminating: boolean;
}

const kinds: readonly ProbeKind[] = ['startup', 'readiness', 'liveness'];

export class RealProber implements Prober {
  private readonly runtime: Pick<Runtime, 'streaming'>;
  private readonly clock: Clock;
  private readonly handlers: ProbeHandlers;
  private readonly instances = new Map<string, Instance>();
  private hooks: ProberHooks | undefined;

  constructor(opts: RealProberOptions) {
    this.runtime = opts.runtime;
    this.clock = opts.clock ?? realClock;
    this.handlers = opts.handlers ?? realHandlers;
  }

  attach(hooks: ProberHooks): void {
    this.hooks = hooks;
  }

  check(input: ProbeInput): ProbeVerdict {
    let inst = this.instances.get(input.containerId);
    if (!inst) {
      if (!kinds.some((k) => probeOf(input.container, k))) return { started: true, ready: true };
      inst = this.add(input);
    }
    inst.pod = input.pod;
    inst.podIP = input.podIP ?? '';
    if (input.pod.metadata.deletionTimestamp && !inst.terminating) {
      inst.terminating = true;
      for (const k of ['liveness', 'startup'] as const) {
        inst.workers.get(k)?.stop();
        inst.workers.delete(k);
      }
    }
    const startup = inst.workers.get('startup');
    const readiness = inst.workers.get('readiness');
    const liveness = inst.workers.get('liveness');
    const started = !startup || startup.result === 'success';
    const ready = started && (!readiness || readiness.result === 'success');
    const verdict: ProbeVerdict = { started, ready };
    if (liveness?.result === 'failure') verdict.probeFailed = 'liveness';
    else if (startup?.result === 'failure') verdict.probeFailed = 'startup';
    return verdict;
  }

  forget(containerId: string): void {
    const inst = this.instances.get(containerId);
    if (!inst) return;
    for (const w of inst.workers.values()) w.stop();
    this.instances.delete(containerId);
  }

  /** Stops every worker (the node is going away). */
  close(): void {
    for (const id of [...this.instances.keys()]) this.forget(id);
  }

  /** Instances with running workers (for tests). */
  get size(): number {
    return this.instances.size;
  }

  /** The worker of one probe of an instance (for tests). */
  worker(containerId: string, kind: ProbeKind): ProbeWorker | undefined {
    return this.instances.get(containerId)?.workers.get(kind);
  }

  private add(input: ProbeInput): Instance {
    const inst: Instance = {
      podUid: input.pod.metadata.uid ?? '',
      pod: input.pod,
      container: input.container,
      containerId: input.containerId,
      podIP: input.podIP ?? '',
      workers: new Map(),
      terminating: !!input.pod.metadata.deletionTimestamp,
    };
    this.instances.set(input.containerId, inst);
    for (const kind of kinds) {
      const probe = probeOf(input.container, kind);
      // A pod already terminating gets no liveness or startup probes.
      if (!probe || (inst.terminating && kind !== 'readiness')) continue;
      const settings = probeSettings(probe);
      const w = new ProbeWorker({
        kind,
        settings,
        clock: this.clock,
        firstRunAt: input.startedAt + settings.initialDelayMs,
        mayProbe: () => {
          const s = inst.workers.get('startup');
          return kind === 'startup' || !s || s.result === 'success';
        },
        probe: () => this.run(inst, kind, probe),
        onChange: (result) => {
          // The startup probe passing lets readiness run now rather than at its next tick.
          if (kind === 'startup' && result === 'success') inst.workers.get('readiness')?.trigger();
          if (this.instances.get(inst.containerId) === inst) this.hooks?.resync(inst.podUid);
        },
      });
      inst.workers.set(kind, w);
    }
    for (const w of inst.workers.values()) w.start();
    return inst;
  }

  private async run(inst: Instance, kind: ProbeKind, probe: Obj): Promise<'success' | 'failure' | undefined> {
    const out = await probeContainer(kind, probe, { pod: inst.pod, container: inst.container, containerId: inst.containerId, podIP: inst.podIP, ...(this.runtime.streaming ? { streaming: this.runtime.streaming } : {}) }, this.handlers);
    // A result that arrives after the instance was forgotten (stopped, removed) is not news.
    if (this.instances.get(inst.containerId) !== inst) return undefined;
    if (out.event) this.hooks?.recordEvent(inst.pod, out.event.type, out.event.reason, out.event.message);
    return out.result;
  }
}
