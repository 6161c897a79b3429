// The API server's pod streams for a node running real containers: logs are read from the CRI
// log files the runtime writes, exec/attach/port-forward are one-time URLs on the runtime's
// streaming server that the API server proxies to (as the kubelet's streaming redirect does).
// Containers are found from the pod's status (containerID, restartCount), which is what the
// kubelet reported for them.
import type { PodStreamBackend } from '../apiserver/streaming/types.js';
import type { Runtime, StreamingRuntime } from '../agent/runtime.js';
import { readContainerLog } from '../agent/logs/index.js';
import * as errors from '../machinery/errors.js';
import type { KubeObject } from '../machinery/types.js';
import { num, rec, recs, str } from '../resources/shared/access.js';

type Streamable = Pick<Runtime, 'containerStatus' | 'listPodSandboxes'> & { streaming: StreamingRuntime };

/** Polls the instance's state so a followed log ends when its container exits, as the kubelet's does. */
function runningWatch(runtime: Streamable, containerId: string | undefined, signal: AbortSignal): () => boolean {
  if (!containerId) return () => false;
  let running = true;
  const timer = setInterval(() => {
    runtime.containerStatus(containerId).then(
      (st) => {
        running = st?.state === 'running' || st?.state === 'created';
        if (!running) clearInterval(timer);
      },
      () => undefined,
    );
  }, 1000);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  return () => running && !signal.aborted;
}

function statusOf(pod: KubeObject, container: string): Record<string, unknown> | undefined {
  const status = rec(pod.status) ?? {};
  for (const list of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    const found = recs(status[list]).find((c) => str(c.name) === container);
    if (found) return found;
  }
  return undefined;
}

/** The runtime's id from a status's `containerID` (`containerd://<id>`, as the kubelet reports it). */
function instanceId(st: Record<string, unknown> | undefined): string | undefined {
  return str(st?.containerID)?.replace(/^[a-z]+:\/\//, '');
}

function podName(pod: KubeObject): string {
  return pod.metadata.name ?? '';
}

/** The running instance's id, or the upstream 400 when there is none. */
function runningContainerId(pod: KubeObject, container: string): string {
  const st = statusOf(pod, container);
  const id = instanceId(st);
  if (!st || !id || !rec(rec(st.state)?.running)) {
    throw errors.badRequest(`container ${container} is not running in pod ${podName(pod)}`);
  }
  return id;
}

export function criPodStreams(runtime: Streamable): PodStreamBackend {
  const s = runtime.streaming;
  return {
    async logs(pod, opts, signal) {
      const st = statusOf(pod, opts.container);
      const restarts = num(st?.restartCount) ?? 0;
      if (!st || (!str(st.containerID) && !opts.previous)) {
        const reason = str(rec(rec(st?.state)?.waiting)?.reason) ?? 'ContainerCreating';
        throw errors.badRequest(`container "${opts.container}" in pod "${podName(pod)}" is waiting to start: ${reason}`);
      }
      if (opts.previous && restarts === 0) {
        throw errors.badRequest(`previous terminated container "${opts.container}" in pod "${podName(pod)}" not found`);
      }
      const attempt = opts.previous ? restarts - 1 : restarts;
      const running = !opts.previous && !!rec(rec(st.state)?.running);
      const sinceTime = opts.sinceTime ? new Date(opts.sinceTime) : opts.sinceSeconds !== undefined ? new Date(Date.now() - opts.sinceSeconds * 1000) : undefined;
      const path = s.containerLogPath(pod, opts.container, attempt);
      return readContainerLog(path, {
        follow: opts.follow && running,
        timestamps: opts.timestamps,
        ...(opts.tailLines !== undefined ? { tailLines: opts.tailLines } : {}),
        ...(opts.limitBytes !== undefined ? { limitBytes: opts.limitBytes } : {}),
        ...(sinceTime ? { sinceTime } : {}),
        signal,
        stillRunning: running ? runningWatch(runtime, instanceId(st), signal) : () => false,
      });
    },
    async execUrl(pod, container, req) {
      return s.execUrl(runningContainerId(pod, container), req);
    },
    async attachUrl(pod, container, req) {
      return s.attachUrl(runningContainerId(pod, container), req);
    },
    async portForwardUrl(pod, ports) {
      const st = rec(pod.status);
      if (str(st?.phase) !== 'Running') throw errors.badRequest(`unable to upgrade connection: pod ${podName(pod)} is not running (phase ${str(st?.phase) ?? 'Unknown'})`);
      const sandboxId = await sandboxOf(pod, runtime);
      return s.portForwardUrl(sandboxId, ports);
    },
  };
}

async function sandboxOf(pod: KubeObject, runtime: Streamable): Promise<string> {
  const sandboxes = await runtime.listPodSandboxes();
  const sb = sandboxes.find((x) => x.podUid === pod.metadata.uid && x.state === 'ready');
  if (!sb) throw errors.badRequest(`pod ${podName(pod)} has no running sandbox on its node`);
  return sb.id;
}
