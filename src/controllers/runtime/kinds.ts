// Maps the apiVersion/kind an Action names to the resource the Client addresses.
import { parseApiVersion, type GroupVersionResource } from '../../machinery/types.js';
import { allStrategies } from '../../resources/index.js';

const byKind = new Map<string, GroupVersionResource>();
for (const s of allStrategies) byKind.set(`${s.group}/${s.version}/${s.kind}`, { group: s.group, version: s.version, resource: s.plural });

export function gvrOf(apiVersion: string, kind: string): GroupVersionResource {
  const { group, version } = parseApiVersion(apiVersion);
  const gvr = byKind.get(`${group}/${version}/${kind}`);
  if (!gvr) throw new Error(`no resource serves ${apiVersion} ${kind}`);
  return gvr;
}

export const gvr = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  events: { group: '', version: 'v1', resource: 'events' },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts' },
  pvcs: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  pvs: { group: '', version: 'v1', resource: 'persistentvolumes' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  controllerrevisions: { group: 'apps', version: 'v1', resource: 'controllerrevisions' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
  storageclasses: { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' },
} as const satisfies Record<string, GroupVersionResource>;
