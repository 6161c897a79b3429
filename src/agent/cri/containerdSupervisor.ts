// Keeps skiff's containerd running, as k3s supervises its own: one that dies (OOM-killed,
// crashed, kill -9) is started again on the same config and state, re-attaches to the shims,
// and the containers under them never notice. The pid is polled rather than the child's
// 'exit' awaited, because an adopted containerd (left by an earlier skiff) is not our child.
import { alive, startContainerd, type ContainerdOptions, type RunningContainerd } from './containerd.js';

export interface SupervisorTiming {
  /** How often the pid is checked (default 1 s). */
  checkMs?: number;
  /** Wait after a failed restart, doubling up to maxBackoffMs (default 1 s → 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface SupervisedContainerd extends RunningContainerd {
  /** How many times it was started again after dying. */
  readonly restarts: number;
}

/** startContainerd, then restarts it whenever it dies until stop(); `warn` hears about each restart. */
export async function superviseContainerd(opts: ContainerdOptions, warn: (msg: string) => void, timing: SupervisorTiming = {}): Promise<SupervisedContainerd> {
  const checkMs = timing.checkMs ?? 1000;
  const initialBackoff = timing.backoffMs ?? 1000;
  const maxBackoff = timing.maxBackoffMs ?? 30_000;
  let current = await startContainerd(opts);
  let stopped = false;
  let restarts = 0;
  let backoff = initialBackoff;
  let notBefore = 0;
  let restarting: Promise<void> | undefined;

  const restart = async (): Promise<void> => {
    warn(`containerd (pid ${current.pid}) exited unexpectedly: starting it again (running containers keep running)`);
    try {
      current = await startContainerd(opts);
      restarts++;
      backoff = initialBackoff;
      warn(`containerd is back (pid ${current.pid})`);
    } catch (e) {
      notBefore = Date.now() + backoff;
      warn(`restarting containerd failed (next try in ${backoff / 1000} s): ${e instanceof Error ? e.message : String(e)}`);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  };
  const timer = setInterval(() => {
    if (stopped || restarting || Date.now() < notBefore || alive(current.pid)) return;
    restarting = restart().finally(() => (restarting = undefined));
  }, checkMs);
  timer.unref();

  return {
    socket: current.socket,
    get pid() {
      return current.pid;
    },
    get adopted() {
      return current.adopted;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await restarting;
      await current.stop();
    },
  };
}
