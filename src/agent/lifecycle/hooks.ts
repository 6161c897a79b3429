// postStart and preStop as the kubelet's runtime manager runs them around a container:
//   - postStart (startContainer step 4): right after StartContainer, with no time limit, the
//     pod's sync waiting for it — so the container is not reported running until it returns.
//     The sync being cancelled (the pod deleted meanwhile) ends it with an error, as the
//     cancelled context does upstream.
//   - preStop (executePreStopHook): before StopContainer, waited for at most the grace period;
//     the whole seconds it took come off the grace StopContainer gets. A failure is only an
//     Event ("PreStopHook failed": the message may hold secrets, so it stays in the log).
import { realClock, sleep, type Clock } from '../../client/clock.js';
import { rec, type Obj } from '../../resources/shared/access.js';
import { runLifecycleHandler, type HandlerOptions, type HookTarget } from './handlers.js';

/** How hooks run on a node: the clock they wait on (tests use a fake one), the HTTP exchange, a log. */
export interface HookEnv {
  clock: Clock;
  http?: HandlerOptions['http'];
  /** How often a running postStart hook checks whether its pod is going away (default 250 ms). */
  cancelCheckMs?: number;
  /** Hook failure details (upstream's klog lines). */
  log?: (msg: string) => void;
}

export const defaultHookEnv: HookEnv = { clock: realClock };

export type HookKind = 'postStart' | 'preStop';

/** The container's handler for `kind`, if it declares one. */
export function lifecycleHandler(container: Obj | undefined, kind: HookKind): Obj | undefined {
  return rec(rec(container?.lifecycle)?.[kind]);
}

/**
 * Runs the postStart hook to completion; undefined when it succeeded (or there is none),
 * else upstream's failure message. `cancelled` is polled while it runs.
 */
export async function runPostStartHook(t: HookTarget, env: HookEnv, cancelled: () => boolean): Promise<string | undefined> {
  const handler = lifecycleHandler(t.container, 'postStart');
  if (!handler) return undefined;
  const ac = new AbortController();
  const every = env.cancelCheckMs ?? 250;
  let timer: unknown;
  const poll = (): void => {
    if (cancelled()) ac.abort();
    else timer = env.clock.setTimeout(poll, every);
  };
  timer = env.clock.setTimeout(poll, every);
  try {
    const opts: HandlerOptions = { clock: env.clock, signal: ac.signal };
    if (env.http) opts.http = env.http;
    const failure = await runLifecycleHandler(handler, t, opts);
    if (failure) env.log?.(`Failed to execute PostStartHook: ${failure}`);
    return failure;
  } finally {
    env.clock.clearTimeout(timer);
  }
}

/**
 * executePreStopHook: runs the preStop hook (exec time-limited to the grace period) and waits
 * for it at most `graceSeconds`; returns the whole seconds spent (0 without a hook). A hook
 * still running when the grace period ends is abandoned without an Event.
 */
export async function runPreStopHook(t: HookTarget, graceSeconds: number, env: HookEnv): Promise<number> {
  const handler = lifecycleHandler(t.container, 'preStop');
  if (!handler || graceSeconds <= 0) return 0;
  const start = env.clock.now();
  const abandon = new AbortController();
  const opts: HandlerOptions = { clock: env.clock, timeoutSeconds: graceSeconds, signal: abandon.signal };
  if (env.http) opts.http = env.http;
  const hook = runLifecycleHandler(handler, t, opts).then(
    (failure) => {
      if (failure === undefined || abandon.signal.aborted) return;
      env.log?.(`PreStop hook failed: ${failure}`);
      t.recordEvent?.(t.pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
    },
    (e: unknown) => env.log?.(`PreStop hook failed: ${e instanceof Error ? e.message : String(e)}`),
  );
  const graceOver = new AbortController();
  await Promise.race([hook, sleep(env.clock, graceSeconds * 1000, graceOver.signal)]);
  graceOver.abort();
  abandon.abort();
  return Math.floor((env.clock.now() - start) / 1000);
}
