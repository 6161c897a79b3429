// NodeMetrics / PodMetrics objects and their Table form, shaped as k8s.io/metrics
// pkg/apis/metrics/v1beta1 serialises them and as metrics-server (pkg/api) fills them in.
import type { KubeObject } from '../../machinery/types.js';
import { addQuantities, newQuantity, parseQuantity, type Quantity } from '../../machinery/quantity.js';
import { rfc3339 } from '../../machinery/time.js';
import { formatGoDuration } from '../protobuf/goDuration.js';
import { partialObjectMetadata, type IncludeObject } from '../table.js';
import type { NodeMetricsSample, PodMetricsSample, ResourceUsage } from './types.js';

export const metricsGroup = 'metrics.k8s.io';
export const metricsVersion = 'v1beta1';
export const metricsApiVersion = `${metricsGroup}/${metricsVersion}`;

/** usage as a v1.ResourceList: keys in Go's sorted map order. */
interface UsageList {
  cpu: Quantity;
  memory: Quantity;
}

/**
 * metrics-server builds CPU with resource.NewScaledQuantity(nanocores, -9) (DecimalSI) and
 * memory as BinarySI bytes, so the wire strings are "123456n", "120m", "1500Ki", "12Mi".
 */
function usageList(u: ResourceUsage): UsageList {
  const nano = Math.max(0, Math.trunc(u.cpuNanoCores));
  return { cpu: parseQuantity(`${nano}n`), memory: newQuantity(Math.max(0, Math.trunc(u.memoryBytes)), 'BinarySI') };
}

function usageJson(u: UsageList): { cpu: string; memory: string } {
  return { cpu: u.cpu.toString(), memory: u.memory.toString() };
}

/** metav1.Duration marshals as Go's time.Duration.String(): "10s", "10.004s", "1m0s". */
export function windowString(windowMs: number): string {
  return formatGoDuration(BigInt(Math.round(windowMs * 1e6)));
}

function metadata(name: string, namespace: string | undefined, labels: Record<string, string> | undefined, now: number): KubeObject['metadata'] {
  // metrics objects are computed per request: creationTimestamp is "now", as metrics-server sets it.
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    creationTimestamp: rfc3339(now),
    ...(labels && Object.keys(labels).length ? { labels } : {}),
  };
}

export function nodeMetricsObject(node: KubeObject, sample: NodeMetricsSample, now: number): KubeObject {
  return {
    kind: 'NodeMetrics',
    apiVersion: metricsApiVersion,
    metadata: metadata(node.metadata.name ?? '', undefined, node.metadata.labels, now),
    timestamp: rfc3339(sample.timestampMs),
    window: windowString(sample.windowMs),
    usage: usageJson(usageList(sample.usage)),
  };
}

export function podMetricsObject(pod: KubeObject, sample: PodMetricsSample, now: number): KubeObject {
  return {
    kind: 'PodMetrics',
    apiVersion: metricsApiVersion,
    metadata: metadata(pod.metadata.name ?? '', pod.metadata.namespace ?? '', pod.metadata.labels, now),
    timestamp: rfc3339(sample.timestampMs),
    window: windowString(sample.windowMs),
    containers: sample.containers.map((c) => ({ name: c.name, usage: usageJson(usageList(c.usage)) })),
  };
}

/** Items of a served list carry no kind/apiVersion, as the versioned list encodes them. */
export function listItem(obj: KubeObject): Record<string, unknown> {
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}

interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const nameColumn: TableColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 };
const quantityColumn = (name: string): TableColumnDefinition => ({ name, type: 'string', format: 'quantity', description: '', priority: 0 });
const windowColumn: TableColumnDefinition = { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 };

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  return include === 'Object' ? obj : partialObjectMetadata(obj);
}

/** A pod's usage summed over its containers (Quantity.Add keeps each resource's format). */
function podUsage(obj: KubeObject): UsageList | undefined {
  let sum: UsageList | undefined;
  for (const c of (obj.containers as { usage: { cpu: string; memory: string } }[]) ?? []) {
    const u = { cpu: parseQuantity(c.usage.cpu), memory: parseQuantity(c.usage.memory) };
    sum = sum ? { cpu: addQuantities(sum.cpu, u.cpu), memory: addQuantities(sum.memory, u.memory) } : u;
  }
  return sum;
}

/**
 * metrics-server's ConvertToTable (pkg/api/table.go): Name, one quantity column per usage key
 * (sorted: cpu, memory), Window. With no rows the columns are left null, as there.
 */
export function metricsTable(objects: readonly KubeObject[], include: IncludeObject): Record<string, unknown> {
  const rows = objects.map((o) => {
    const u = o.kind === 'PodMetrics' ? podUsage(o) : (o.usage as { cpu: string; memory: string });
    const cells = [o.metadata.name ?? '', u ? String(u.cpu) : '0', u ? String(u.memory) : '0', String(o.window)];
    const object = rowObject(o, include);
    return object === undefined ? { cells } : { cells, object };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: rows.length ? [nameColumn, quantityColumn('cpu'), quantityColumn('memory'), windowColumn] : null,
    rows: rows.length ? rows : null,
  };
}
