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
    // A periodic pass, as upstream's gcCheckPeriod: node events start it, then it requeues
    // itself; pod churn does not trigger passes (each reads every pod).
    primary: gvr.nodes,
    primaryKey: () => passKey,
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
