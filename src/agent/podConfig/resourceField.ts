// resourceFieldRef values (pkg/api/v1/resource ExtractContainerResourceValue): a container's
// limits/requests of cpu, memory, ephemeral-storage (and hugepages-*) divided by the divisor
// and rounded up. Limits the container leaves unset read as the node's allocatable
// (MergeContainerResourceLimits, which the kubelet applies for the downward API).
import { record, records, str } from '../../machinery/jsonAccess.js';
import { parseQuantity, type Quantity } from '../../machinery/quantity.js';
import type { KubeObject } from '../../machinery/types.js';

const defaulted = ['cpu', 'memory', 'ephemeral-storage'];

function quantityOf(list: Record<string, unknown> | undefined, name: string): Quantity | undefined {
  const v = list?.[name];
  if (typeof v === 'string') return parseQuantity(v);
  if (typeof v === 'number') return parseQuantity(String(v));
  return undefined;
}

/** findContainerInPod: containers, then init containers. */
function findContainer(pod: KubeObject, name: string): Record<string, unknown> {
  const spec = record(pod.spec) ?? {};
  const found = [...records(spec.containers), ...records(spec.initContainers)].find((c) => c.name === name);
  if (!found) throw new Error(`container ${name} not found`);
  return found;
}

/**
 * The value of one resourceFieldRef. `container` is the referencing container (env), used
 * when the selector names none; `allocatable` is the node's Node.status.allocatable.
 */
export function resourceFieldValue(ref: Record<string, unknown>, pod: KubeObject, container: Record<string, unknown> | undefined, allocatable: Record<string, unknown>): string {
  const named = str(ref.containerName);
  const c = named ? findContainer(pod, named) : container;
  if (!c) throw new Error('container name is required for a resourceFieldRef in a volume');
  const resources = record(c.resources) ?? {};
  const limits: Record<string, unknown> = { ...(record(resources.limits) ?? {}) };
  for (const name of defaulted) {
    const q = quantityOf(limits, name);
    if ((!q || q.unscaled === 0n) && allocatable[name] !== undefined) limits[name] = allocatable[name];
  }
  const requests = record(resources.requests);
  let divisor = ref.divisor === undefined || ref.divisor === null ? undefined : quantityOf({ d: ref.divisor }, 'd');
  if (!divisor || divisor.unscaled === 0n) divisor = parseQuantity('1');
  const resource = str(ref.resource) ?? '';
  const dot = resource.indexOf('.');
  const kind = resource.slice(0, dot);
  const name = resource.slice(dot + 1);
  if (kind !== 'limits' && kind !== 'requests') throw new Error(`unsupported container resource : ${resource}`);
  const list = kind === 'limits' ? limits : requests;
  if (name === 'cpu') {
    const cpu = quantityOf(list, 'cpu');
    return String(Math.ceil((cpu?.milli ?? 0) / divisor.milli));
  }
  if (name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-')) {
    const q = quantityOf(list, name);
    return String(Math.ceil((q?.intValue ?? 0) / divisor.intValue));
  }
  throw new Error(`unsupported container resource : ${resource}`);
}
