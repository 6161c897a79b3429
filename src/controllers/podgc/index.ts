// The pod garbage collector as the lead wires it (see README.md).
export {
  DEFAULT_TERMINATED_POD_GC_THRESHOLD, GC_CHECK_PERIOD_MS, OUT_OF_SERVICE_TAINT, type PodGCObserved, type PodGCOptions, QUARANTINE_MS,
  decidePodGC, trackMissingNodes,
} from './decide.js';
import { decidePodGC } from './decide.js';

export const podGCController = {
  name: 'pod-garbage-collector',
  /**
   * Not keyed by object: one periodic pass (a single key, e.g. "podgc") every 20 s over the
   * Pod and Node caches. The wiring keeps `missingNodesSince = trackMissingNodes(prev, pods,
   * nodes, now)` between passes for the 40 s orphan quarantine.
   */
  periodic: true,
  primary: { group: '', version: 'v1', resource: 'pods' },
  secondary: [{ group: '', version: 'v1', resource: 'nodes' }],
  /** decidePodGC({ pods, nodes, missingNodesSince }, now, { terminatedPodThreshold }). */
  decide: decidePodGC,
} as const;
