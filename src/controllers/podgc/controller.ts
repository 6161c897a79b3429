// The pod garbage collector as the manager runs it: one periodic pass over all pods and nodes.
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decidePodGC, trackMissingNodes, type PodGCObserved } from './decide.js';

const passKey = 'podgc';
const gcCheckPeriodMs = 20_000;

export function podGCController(opts: { terminatedPodThreshold?: number } = {}): ControllerDefinition<PodGCObserved> {
  let missing = new Map<string, number>();
  return {
    name: 'pod-garbage-collector',
    // A periodic pass every gcCheckPeriod, as upstream: each pass reads every pod, so pod
    // and node churn must not trigger extra passes.
    primary: gvr.pods,
    secondary: [gvr.nodes],
    periodicKey: passKey,
    observe(_key, cache) {
      const pods = cache.informer(gvr.pods).list();
      const nodes = cache.informer(gvr.nodes).list();
      missing = trackMissingNodes(missing, pods, nodes, Date.now());
      return { pods, nodes, missingNodesSince: missing };
    },
    decide: (o, now) => [...decidePodGC(o, now, { terminatedPodThreshold: opts.terminatedPodThreshold }), { kind: 'requeueAfter', ms: gcCheckPeriodMs }],
    workers: 1,
  };
}
