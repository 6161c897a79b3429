// The scheduler core's public surface, for the wiring (src/server) to import in one place.
export { Snapshot, podKeyOf } from './snapshot.js';
export { NodeInfo, hostnameLabel, zoneLabel, type Allocatable } from './nodeInfo.js';
export { PodInfo, podInfoOf, type Resource } from './podInfo.js';
export { CycleState, type CycleOptions, type VolumeHook } from './cycleState.js';
export { defaultFilters, runFilters, runFiltersWithNominatedPods, type FilterFn, type FilterPlugin } from './filters.js';
export { defaultScorePlugins, scoreNodes, type NodeScorer, type ScorePlugin } from './scores.js';
export { schedulePod, numFeasibleNodesToFind, selectHost, type ScheduleOptions, type ScheduleResult, type ScheduleSuccess } from './schedule.js';
export { FitError } from './fitError.js';
export { preempt, type PreemptionCandidate, type PreemptOptions } from './preemption.js';
export {
  SchedulingQueue,
  isPodUpdated,
  nodeSchedulingPropertiesChanged,
  responsibleForPod,
  type ClusterEvent,
  type QueuedPodInfo,
  type SchedulingQueueOptions,
} from './queue.js';
export { plugins, reasons, type FilterStatus } from './status.js';
