// One run of a container lifecycle handler, as the kubelet's lifecycle.handlerRunner.Run:
// exec (CRI ExecSync), httpGet (the probes' request builder and Go-like client) or sleep.
// A failure comes back as upstream's message — `Exec lifecycle hook ([cmd]) for Container
// "c" in Pod "p_ns(uid)" failed - error: …, message: "…"`, `HTTP lifecycle hook (/path) …
// failed - error: …`, `Sleep lifecycle hook (N) … failed - error: …` — which the kubelet
// logs and keeps as the container's waiting message (PostStartHookError), never in Events.
import { sleep, type Clock } from '../../client/clock.js';
import type { KubeObject } from '../../machinery/types.js';
import { arr, num, rec, recs, str, type Obj } from '../../resources/shared/access.js';
import { goDuration } from '../backoff.js';
import { podDescription } from '../podRecord.js';
import { httpProbeRequest, runHttpProbe, type HttpProbeRequest } from '../probes/httpProbe.js';
import { goQuote, joinHostPort, type ProbeOutcome } from '../probes/types.js';
import type { StreamingRuntime } from '../runtime.js';

/** NewRequestForHTTPGetAction(…, "lifecycle"): `kube-lifecycle/<major>.<minor>`. */
export const lifecycleUserAgent = 'kube-lifecycle/1.33';

/** Longest wait without a bound (setTimeout's limit is 2^31-1 ms): an unbounded hook. */
export const unboundedSeconds = 2_000_000;

export interface HookTarget {
  pod: KubeObject;
  /** The container's spec. */
  container: Obj;
  containerId: string;
  /** status.podIP (the node's IP for hostNetwork pods), where httpGet hooks without a host go. */
  podIP?: string;
  streaming?: StreamingRuntime;
  /** Pod Events (LifecycleHTTPFallback). */
  recordEvent?: (pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;
}

export interface HandlerOptions {
  clock: Clock;
  /** Exec and HTTP time limit; undefined: none (postStart, as upstream's timeout 0). */
  timeoutSeconds?: number;
  /** The sync was cancelled (the pod is going away): the hook ends with an error. */
  signal?: AbortSignal;
  /** The HTTP exchange, swappable in tests. */
  http?: (req: HttpProbeRequest, timeoutSeconds: number) => Promise<ProbeOutcome>;
}

const errText = (e: unknown): string => {
  // CriError carries the Go client's `rpc error: code = … desc = …`, which is what %v prints.
  if (typeof e === 'object' && e !== null && 'goText' in e && typeof (e as { goText: unknown }).goText === 'string') return (e as { goText: string }).goText;
  return e instanceof Error ? e.message : String(e);
};

class Cancelled extends Error {}

/** Resolves like `p`, or rejects with Cancelled once `signal` aborts (the work itself goes on). */
function unlessCancelled<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new Cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Go's %v of a []string: `[a b c]`. */
const goList = (xs: string[]): string => `[${xs.join(' ')}]`;

/** RunInContainer over ExecSync: an error (and the output) for a non-zero exit, a timeout or a runtime error. */
async function execHook(t: HookTarget, command: string[], o: HandlerOptions): Promise<{ error: string; output: string } | undefined> {
  if (!t.streaming) return { error: 'exec hooks need a runtime that can exec in containers', output: '' };
  const timeout = o.timeoutSeconds ?? 0;
  let res;
  try {
    res = await unlessCancelled(t.streaming.execSync(t.containerId, command, timeout), o.signal);
  } catch (e) {
    if (e instanceof Cancelled) return { error: 'rpc error: code = Canceled desc = context canceled', output: '' };
    return { error: errText(e), output: '' };
  }
  const line = command.join(' ');
  if (res.timedOut) return { error: `command timed out: ${goQuote(line)} timed out after ${goDuration(timeout * 1000)}`, output: '' };
  if (res.exitCode === 0) return undefined;
  // remote runtime ExecSync: utilexec.CodeExitError with the command's stderr; RunInContainer returns stdout+stderr.
  return { error: `command '${line}' exited with ${res.exitCode}: ${res.stderr.toString('utf8')}`, output: Buffer.concat([res.stdout, res.stderr]).toString('utf8') };
}

/**
 * runHTTPHandler: a GET to the hook's host (default: the pod IP) with the probes' client
 * (no TLS verification, same-host redirects only, as the kubelet's lifecycle client). Only a
 * failed exchange is an error: any status code counts as done, as Go's http.Client.Do.
 */
async function httpHook(httpGet: Obj, t: HookTarget, o: HandlerOptions): Promise<string | undefined> {
  const host = str(httpGet.host) ?? '';
  if (!host && !t.podIP) return 'failed to find networking container: the pod has no IP';
  const req = httpProbeRequest(httpGet, t.container, t.podIP ?? '');
  if (req instanceof Error) return req.message;
  const customAgent = recs(httpGet.httpHeaders).some((h) => (str(h.name) ?? '').toLowerCase() === 'user-agent');
  if (!customAgent) req.headers = req.headers.map(([k, v]): [string, string] => [k, k === 'User-Agent' ? lifecycleUserAgent : v]);
  const send = o.http ?? runHttpProbe;
  const timeout = o.timeoutSeconds ?? unboundedSeconds;
  const once = async (r: HttpProbeRequest): Promise<string | undefined> => {
    let out: ProbeOutcome;
    try {
      out = await unlessCancelled(send(r, timeout), o.signal);
    } catch (e) {
      if (e instanceof Cancelled) return `Get ${goQuote(`${r.scheme}://${joinHostPort(r.host, r.port)}${r.path}`)}: context canceled`;
      return errText(e);
    }
    if (out.error !== undefined) return out.error;
    if (out.result === 'failure' && !out.output.startsWith('HTTP probe failed with statuscode')) return out.output;
    return undefined;
  };
  const err = await once(req);
  // An HTTPS hook answered in plain HTTP is retried over HTTP, without credentials.
  if (err !== undefined && req.scheme === 'https' && /first record does not look like a TLS handshake|server gave HTTP response/.test(err)) {
    const plain: HttpProbeRequest = { ...req, scheme: 'http', headers: req.headers.filter(([k]) => k !== 'Authorization') };
    if ((await once(plain)) === undefined) {
      t.recordEvent?.(t.pod, 'Warning', 'LifecycleHTTPFallback', `request to HTTPS lifecycle hook ${joinHostPort(req.host, req.port)} got HTTP response, retry with HTTP succeeded`);
      return undefined;
    }
  }
  return err;
}

/** runSleepHandler: waits the seconds; a cancelled sync ends it early with an error. */
async function sleepHook(seconds: number, o: HandlerOptions): Promise<string | undefined> {
  await sleep(o.clock, Math.max(0, seconds) * 1000, o.signal);
  return o.signal?.aborted ? 'container terminated before sleep hook finished' : undefined;
}

/** Runs one handler; undefined when it succeeded, else upstream's failure message. */
export async function runLifecycleHandler(handler: Obj, t: HookTarget, o: HandlerOptions): Promise<string | undefined> {
  const name = str(t.container.name) ?? '';
  const where = `for Container ${goQuote(name)} in Pod ${goQuote(podDescription(t.pod))}`;
  const exec = rec(handler.exec);
  if (exec) {
    const command = arr(exec.command).map((c) => (typeof c === 'string' ? c : String(c)));
    const failed = await execHook(t, command, o);
    return failed && `Exec lifecycle hook (${goList(command)}) ${where} failed - error: ${failed.error}, message: ${goQuote(failed.output)}`;
  }
  const httpGet = rec(handler.httpGet);
  if (httpGet) {
    const err = await httpHook(httpGet, t, o);
    return err && `HTTP lifecycle hook (${str(httpGet.path) ?? ''}) ${where} failed - error: ${err}`;
  }
  const sleepAction = rec(handler.sleep);
  if (sleepAction) {
    const seconds = num(sleepAction.seconds) ?? 0;
    const err = await sleepHook(seconds, o);
    return err && `Sleep lifecycle hook (${seconds}) ${where} failed - error: ${err}`;
  }
  return `Cannot run handler: invalid handler: ${JSON.stringify(handler)}`;
}
