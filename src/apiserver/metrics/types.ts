// What the metrics.k8s.io API is fed with: resource usage already turned into rates by a
// sampler on the node side (metrics-server's storage does the same before serving).

/** Usage over one sampling window: CPU as a rate, memory as the working set at the end. */
export interface ResourceUsage {
  /** CPU in nanocores (cumulative CPU nanoseconds per second of the window). */
  cpuNanoCores: number;
  /** Working-set bytes (what the kubelet and metrics-server report as memory). */
  memoryBytes: number;
}

export interface NodeMetricsSample {
  nodeName: string;
  /** When the newer of the two points was taken, in ms since the epoch. */
  timestampMs: number;
  /** Time between the two points the rate was computed from, in ms. */
  windowMs: number;
  usage: ResourceUsage;
}

export interface ContainerMetricsSample {
  name: string;
  usage: ResourceUsage;
}

export interface PodMetricsSample {
  namespace: string;
  name: string;
  /** When set, a stored pod with another uid (deleted and recreated) does not get these numbers. */
  uid?: string;
  timestampMs: number;
  windowMs: number;
  containers: ContainerMetricsSample[];
}

/**
 * The node side of the metrics API. Only pods and nodes with two points are returned, as
 * metrics-server returns nothing for an object until it has a rate for it.
 */
export interface MetricsProvider {
  nodeMetrics(): Promise<NodeMetricsSample[]>;
  podMetrics(): Promise<PodMetricsSample[]>;
}
