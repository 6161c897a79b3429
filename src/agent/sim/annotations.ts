// The annotations a test puts on a pod to steer its simulated containers. A flag's value
// is "true" (every regular container) or a comma-separated list of container names
// (init containers included).
import type { KubeObject } from '../../machinery/types.js';

export const SIM_FAIL = 'skiff.dev/sim-fail';
export const SIM_CRASHLOOP = 'skiff.dev/sim-crashloop';
export const SIM_UNREADY = 'skiff.dev/sim-unready';
export const SIM_EXIT_CODE = 'skiff.dev/sim-exit-code';
export const SIM_RUN_MS = 'skiff.dev/sim-run-ms';
/** How long a container takes to exit after SIGTERM (killed at the grace period's end). */
export const SIM_STOP_MS = 'skiff.dev/sim-stop-ms';

/** Whether a flag annotation applies to the named container. */
export function flagApplies(pod: KubeObject, annotation: string, containerName: string, isInit: boolean): boolean {
  const v = pod.metadata.annotations?.[annotation];
  if (v === undefined) return false;
  const t = v.trim();
  if (t === 'true') return !isInit;
  if (t === '' || t === 'false') return false;
  return t.split(',').map((s) => s.trim()).includes(containerName);
}

/** A non-negative integer annotation, or undefined when absent or malformed. */
export function intAnnotation(pod: KubeObject, annotation: string): number | undefined {
  const v = pod.metadata.annotations?.[annotation];
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}
