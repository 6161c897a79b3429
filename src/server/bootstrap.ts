// Objects every cluster has from its first second: the four system namespaces, the
// `kubernetes` Service in default and the two system PriorityClasses (upstream's
// scheduling/bootstrap-system-priority-classes hook). Created only when missing, so restarts keep uids.
import { ApiError } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/types.js';
import type { ResourceRegistry } from '../apiserver/registry.js';
import type { ResourceStore } from '../apiserver/storage/resourceStore.js';
import { systemPriorityClassObjects } from '../resources/scheduling/priorityclass.js';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensure(objects: ResourceStore, registry: ResourceRegistry, plural: string, namespace: string | undefined, obj: KubeObject): Promise<void> {
  const apiVersion = obj.apiVersion ?? 'v1';
  const slash = apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  const info = registry.lookup(group, version, plural);
  if (!info) throw new Error(`bootstrap: resource ${plural} is not registered`);
  if (await objects.tryGet(info, namespace, obj.metadata.name!)) return;
  try {
    await objects.create(info, namespace, obj, { fieldManager: 'skiff' });
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
  }
}

export async function bootstrapObjects(objects: ResourceStore, registry: ResourceRegistry, opts: { serviceIP: string; apiPort: number }): Promise<void> {
  for (const name of systemNamespaces) {
    await ensure(objects, registry, 'namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  await ensure(objects, registry, 'services', 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: opts.serviceIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.apiPort }], sessionAffinity: 'None' },
  });
  for (const pc of systemPriorityClassObjects()) await ensure(objects, registry, 'priorityclasses', undefined, pc);
}
