// The kinds whose structural schemas skiff serves, with the upstream definition name and
// the @kubernetes/client-node model class the build derives the field list from
// (scripts/generateSchemas.mjs). Order matters: a nested type is named after the group of
// the first kind that reaches it (core first), as upstream's types mostly live there.

export interface SchemaKind {
  group: string;
  version: string;
  kind: string;
  /** Upstream definition name, e.g. `io.k8s.api.apps.v1.Deployment`. */
  definition: string;
  /** client-node model class, e.g. `V1Deployment`. */
  model: string;
  /** The `<Kind>List` definition is generated too (for list responses). */
  list?: boolean;
  /** Carries one group-version-kind per served group version (DeleteOptions, as upstream). */
  everyGroupVersion?: boolean;
}

const core = (kind: string, model = `V1${kind}`, list = true): SchemaKind => ({
  group: '',
  version: 'v1',
  kind,
  definition: `io.k8s.api.core.v1.${kind}`,
  model,
  list,
});

function grouped(group: string, kind: string, opts: { model?: string; list?: boolean; version?: string } = {}): SchemaKind {
  const version = opts.version ?? 'v1';
  return {
    group,
    version,
    kind,
    definition: `${definitionPackage(group, version)}.${kind}`,
    model: opts.model ?? `V1${kind}`,
    list: opts.list ?? true,
  };
}

/** `apps` → `io.k8s.api.apps.v1`; `networking.k8s.io` → `io.k8s.api.networking.v1`; '' → core. */
export function definitionPackage(group: string, version: string): string {
  if (group === 'meta') return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
  const pkg = group === '' ? 'core' : group.split('.')[0];
  return `io.k8s.api.${pkg}.${version}`;
}

export const metaPackage = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const schemaKinds: readonly SchemaKind[] = [
  core('Namespace'),
  core('Node'),
  core('Pod'),
  core('Service'),
  core('Endpoints'),
  core('ConfigMap'),
  core('Secret'),
  core('PersistentVolume'),
  core('PersistentVolumeClaim'),
  core('ServiceAccount'),
  core('Event', 'CoreV1Event'),
  core('Binding', 'V1Binding', false),
  grouped('autoscaling', 'Scale', { list: false }),
  grouped('policy', 'Eviction', { list: false }),
  grouped('apps', 'Deployment'),
  grouped('apps', 'ReplicaSet'),
  grouped('apps', 'StatefulSet'),
  grouped('apps', 'DaemonSet'),
  grouped('apps', 'ControllerRevision'),
  grouped('batch', 'Job'),
  grouped('batch', 'CronJob'),
  grouped('networking.k8s.io', 'Ingress'),
  grouped('networking.k8s.io', 'IngressClass'),
  grouped('storage.k8s.io', 'StorageClass'),
  grouped('scheduling.k8s.io', 'PriorityClass'),
  grouped('coordination.k8s.io', 'Lease'),
  grouped('discovery.k8s.io', 'EndpointSlice'),
  grouped('events.k8s.io', 'Event', { model: 'EventsV1Event' }),
  grouped('rbac.authorization.k8s.io', 'Role'),
  grouped('rbac.authorization.k8s.io', 'ClusterRole'),
  grouped('rbac.authorization.k8s.io', 'RoleBinding'),
  grouped('rbac.authorization.k8s.io', 'ClusterRoleBinding'),
  grouped('authentication.k8s.io', 'TokenRequest', { model: 'AuthenticationV1TokenRequest', list: false }),
  grouped('authorization.k8s.io', 'SubjectAccessReview', { list: false }),
  grouped('authorization.k8s.io', 'SelfSubjectAccessReview', { list: false }),
  { group: '', version: 'v1', kind: 'Status', definition: `${metaPackage}.Status`, model: 'V1Status' },
  { group: '', version: 'v1', kind: 'DeleteOptions', definition: `${metaPackage}.DeleteOptions`, model: 'V1DeleteOptions', everyGroupVersion: true },
];
