// One probe (startup, readiness or liveness) of one container instance, run on its period
// (the kubelet's prober worker, pkg/kubelet/prober/worker.go). Guarantees:
//   - runs never overlap: a tick or trigger during a run is folded into one run right after;
//   - the published result starts as upstream's initial value (readiness failure, liveness
//     success, startup unknown) and changes only after `failureThreshold` failures or
//     `successThreshold` successes in a row; errored runs (undefined) count for neither;
//   - `onChange` is called exactly when the published result changes;
//   - a liveness or startup probe that fails stops probing (the instance will be killed;
//     a restart is a new instance with a new worker), and a startup probe that passes stops
//     too (upstream skips it from then on);
//   - all timing runs on the injected clock; after `stop()` nothing more happens.
import type { Clock, TimerHandle } from '../../client/clock.js';
import type { ProbeKind, ProbeSettings } from './types.js';

export type PublishedResult = 'success' | 'failure' | 'unknown';

const initialResult: Record<ProbeKind, PublishedResult> = { readiness: 'failure', liveness: 'success', startup: 'unknown' };

export interface ProbeWorkerOptions {
  kind: ProbeKind;
  settings: ProbeSettings;
  clock: Clock;
  /** When the first run is due (ms since the epoch): the instance's start + initialDelaySeconds. */
  firstRunAt: number;
  /** False while this probe has to wait (readiness and liveness wait for the startup probe). */
  mayProbe(): boolean;
  /** One probe run: the result to count, or undefined when it errored (thrown away). */
  probe(): Promise<'success' | 'failure' | undefined>;
  /** The published result changed. */
  onChange(result: PublishedResult): void;
}

export class ProbeWorker {
  readonly kind: ProbeKind;
  private readonly opts: ProbeWorkerOptions;
  private published: PublishedResult;
  private lastResult: 'success' | 'failure' | undefined;
  private resultRun = 0;
  private timer: TimerHandle | undefined;
  private inFlight = false;
  private again = false;
  private done = false;
  /** Probe runs started (for tests and metrics). */
  runs = 0;

  constructor(opts: ProbeWorkerOptions) {
    this.opts = opts;
    this.kind = opts.kind;
    this.published = initialResult[opts.kind];
  }

  get result(): PublishedResult {
    return this.published;
  }

  get stopped(): boolean {
    return this.done;
  }

  start(): void {
    this.schedule(Math.max(0, this.opts.firstRunAt - this.opts.clock.now()));
  }

  /** Runs the probe as soon as possible (not before its initial delay). */
  trigger(): void {
    if (this.done) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.opts.clock.now() < this.opts.firstRunAt) return;
    this.schedule(0);
  }

  stop(): void {
    this.done = true;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.done) return;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.done) return;
    const clock = this.opts.clock;
    const began = clock.now();
    if (this.opts.mayProbe()) {
      this.inFlight = true;
      this.runs++;
      let r: 'success' | 'failure' | undefined;
      try {
        r = await this.opts.probe();
      } catch {
        r = undefined;
      } finally {
        this.inFlight = false;
      }
      if (this.done) return;
      if (r) this.count(r);
      if (this.done) return;
    }
    const next = this.again ? 0 : Math.max(0, began + this.opts.settings.periodMs - clock.now());
    this.again = false;
    this.schedule(next);
  }

  private count(r: 'success' | 'failure'): void {
    if (r === this.lastResult) this.resultRun++;
    else {
      this.lastResult = r;
      this.resultRun = 1;
    }
    const { failureThreshold, successThreshold } = this.opts.settings;
    // Below its threshold a result leaves the published state unchanged.
    if ((r === 'failure' && this.resultRun < failureThreshold) || (r === 'success' && this.resultRun < successThreshold)) return;
    const changed = this.published !== r;
    this.published = r;
    const killer = this.kind === 'liveness' || this.kind === 'startup';
    if ((killer && r === 'failure') || (this.kind === 'startup' && r === 'success')) this.stop();
    if (changed) this.opts.onChange(r);
  }
}
