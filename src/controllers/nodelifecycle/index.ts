// The node lifecycle controller as the lead wires it (see README.md).
export { decideNodeLifecycle, NODE, type NodeLifecycleObserved } from './decide.js';
export {
  defaults as nodeLifecycleDefaults, evaluateHealth, NOT_READY_TAINT, readyStatus, summarizeZones, UNREACHABLE_TAINT, zoneKey, zoneState,
  type NodeHealth, type NodeLifecycleOptions, type ZoneState, type ZoneSummary,
} from './health.js';
export { evictPod, matchingTolerations, minTolerationMs, planEvictions, toleratesTaint, type Taint, type Toleration } from './eviction.js';
export { planTaints, UNSCHEDULABLE_TAINT, zoneQPS } from './taints.js';
import { decideNodeLifecycle } from './decide.js';
import { summarizeZones } from './health.js';

export const nodeLifecycleController = {
  name: 'node-lifecycle',
  primary: { group: '', version: 'v1', resource: 'nodes' },
  secondary: [
    { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease', keys: 'the node named like the Lease' },
    { group: '', version: 'v1', resource: 'pods', keys: 'spec.nodeName (add, a tolerations change, a move to another node); index pods by spec.nodeName' },
  ],
  /**
   * Per node key: zones = summarizeZones(all nodes, leases by node name, now, opts) (once per
   * pass or per sync; it is O(nodes)), then decideNodeLifecycle({ node, lease, pods on the
   * node, zone: zones.get(name) }, now, opts). Upstream's defaults: grace 40 s, startup grace
   * 60 s, eviction 0.1 node/s per zone.
   */
  decide: decideNodeLifecycle,
  summarizeZones,
} as const;
