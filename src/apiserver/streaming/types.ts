// The seam between the API server's pod streaming subresources (log, exec, attach,
// portforward) and the node that runs the pod. The lead wires one PodStreamBackend per node
// (`ApiDeps.podStreams`); for a containerd node it hands out the CRI streaming server's URLs.
import type { KubeObject } from '../../machinery/types.js';

/** PodLogOptions after parsing and validation (upstream's ValidatePodLogOptions). */
export interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  /** RFC 3339, as the client sent it. */
  sinceTime?: string;
}

export interface StreamRequest {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface ExecRequest extends StreamRequest {
  cmd: string[];
}

export interface PodStreamBackend {
  /**
   * The container's log as kubectl shows it. Throw an ApiError (e.g. 400 `container "c" in pod
   * "p" is waiting to start: ContainerCreating`) before returning for errors the client should
   * see as an HTTP status; once the iterable is returned the response is 200 and streaming.
   * `signal` aborts when the client goes away.
   */
  logs(pod: KubeObject, opts: LogOptions, signal: AbortSignal): Promise<AsyncIterable<Buffer>>;
  /** One-time URL on the CRI streaming server (SPDY/3.1 remotecommand, `http://127.0.0.1:<port>/exec/<token>`). */
  execUrl(pod: KubeObject, container: string, req: { cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string>;
  attachUrl(pod: KubeObject, container: string, req: { tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<string>;
  portForwardUrl(pod: KubeObject, ports: number[]): Promise<string>;
}
