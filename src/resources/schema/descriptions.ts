// Short descriptions, written for skiff, shown by `kubectl explain`: one line per served
// kind and for the fields people ask about most. Keyed by upstream definition name.
import type { FieldDescriptions } from './generate.js';

const core = 'io.k8s.api.core.v1';
const apps = 'io.k8s.api.apps.v1';
const batch = 'io.k8s.api.batch.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const objectFields = {
  apiVersion: 'The group/version of this object\'s schema (e.g. "apps/v1", or "v1" for the core group).',
  kind: 'The kind of this object, in CamelCase (e.g. "Deployment").',
  metadata: 'Name, namespace, labels, annotations and other metadata of this object.',
};
const listFields = {
  apiVersion: objectFields.apiVersion,
  kind: objectFields.kind,
  metadata: 'List metadata: the resourceVersion of the list and a continue token when paginated.',
  items: 'The objects in this list.',
};

function kind(description: string, fields: Record<string, string> = {}): FieldDescriptions {
  return { description, fields: { ...objectFields, ...fields } };
}
function list(of: string): FieldDescriptions {
  return { description: `A list of ${of} objects.`, fields: listFields };
}

export const schemaDescriptions: Record<string, FieldDescriptions> = {
  [`${core}.Namespace`]: kind('A Namespace scopes names: most objects live in exactly one namespace.', {
    spec: 'Finalizers that must finish before the namespace is removed.',
    status: 'The phase of the namespace (Active or Terminating) and its conditions.',
  }),
  [`${core}.Node`]: kind('A Node is a machine that runs pods; its agent registers it and reports its status.', {
    spec: 'How the node is configured: pod CIDRs, taints, whether it accepts new pods.',
    status: 'Capacity, conditions, addresses and other facts the node agent reports.',
  }),
  [`${core}.Pod`]: kind('A Pod is a group of containers scheduled together onto one node, sharing network and volumes.', {
    spec: 'The desired containers, volumes and scheduling constraints of the pod.',
    status: 'The most recently observed state of the pod: phase, conditions, IPs and container states.',
  }),
  [`${core}.Service`]: kind('A Service gives a stable virtual IP and DNS name to a set of pods chosen by a label selector.', {
    spec: 'Ports, selector and type of the service.',
    status: 'Load balancer ingress points and conditions of the service.',
  }),
  [`${core}.Endpoints`]: kind('Endpoints lists the addresses and ports behind a service (superseded by EndpointSlice).'),
  [`${core}.ConfigMap`]: kind('A ConfigMap holds non-secret configuration data as key/value pairs for pods to consume.', {
    data: 'UTF-8 string values by key.',
    binaryData: 'Binary values by key, base64-encoded in JSON.',
    immutable: 'When true, data and binaryData can no longer change.',
  }),
  [`${core}.Secret`]: kind('A Secret holds sensitive data (passwords, tokens, keys) for pods to consume.', {
    data: 'Secret values by key, base64-encoded.',
    stringData: 'Write-only convenience: plain string values merged into data on write.',
    type: 'How the data is used, e.g. Opaque or kubernetes.io/tls.',
    immutable: 'When true, data can no longer change.',
  }),
  [`${core}.PersistentVolume`]: kind('A PersistentVolume is a piece of cluster storage that a claim can bind to.'),
  [`${core}.PersistentVolumeClaim`]: kind('A PersistentVolumeClaim is a request for storage that binds to a PersistentVolume.'),
  [`${core}.ServiceAccount`]: kind('A ServiceAccount is an identity for processes that run in pods.'),
  [`${core}.Event`]: kind('An Event reports something that happened to an object (core/v1 form).'),
  [`${core}.Binding`]: kind('A Binding assigns a pod to a node; the scheduler creates it.', { target: 'The node to bind to.' }),
  'io.k8s.api.autoscaling.v1.Scale': kind('Scale is the replica count of a scalable resource, read and written through its scale subresource.', {
    spec: 'The desired number of replicas.',
    status: 'The current number of replicas and the label selector of the pods counted.',
  }),
  'io.k8s.api.policy.v1.Eviction': kind('An Eviction asks to delete a pod while honouring disruption budgets.'),
  [`${apps}.Deployment`]: kind('A Deployment keeps a number of identical pods running and rolls them over to new versions.', {
    spec: 'The desired pod template, replica count and rollout strategy.',
    status: 'Replica counts and conditions observed by the deployment controller.',
  }),
  [`${apps}.ReplicaSet`]: kind('A ReplicaSet keeps a fixed number of pods matching a selector running.', {
    spec: 'The desired replica count, selector and pod template.',
    status: 'Replica counts observed by the replica set controller.',
  }),
  [`${apps}.StatefulSet`]: kind('A StatefulSet runs pods with stable names and storage, created and updated in order.', {
    spec: 'The desired pods, their volume claim templates and update strategy.',
    status: 'Replica counts and revisions observed by the stateful set controller.',
  }),
  [`${apps}.DaemonSet`]: kind('A DaemonSet runs one copy of a pod on every eligible node.', {
    spec: 'The pod template, selector and update strategy.',
    status: 'Scheduling counts observed by the daemon set controller.',
  }),
  [`${apps}.ControllerRevision`]: kind('A ControllerRevision is an immutable snapshot of a controller\'s template, used for rollbacks.'),
  [`${batch}.Job`]: kind('A Job runs pods until a number of them complete successfully.', {
    spec: 'The pod template, completions, parallelism and retry limits.',
    status: 'Counts of active, succeeded and failed pods and the job\'s conditions.',
  }),
  [`${batch}.CronJob`]: kind('A CronJob creates Jobs on a cron schedule.', {
    spec: 'The schedule, job template and concurrency policy.',
    status: 'Currently running jobs and the last schedule and success times.',
  }),
  'io.k8s.api.networking.v1.Ingress': kind('An Ingress routes external HTTP(S) traffic to services by host and path.'),
  'io.k8s.api.networking.v1.IngressClass': kind('An IngressClass names the controller that implements a class of Ingresses.'),
  'io.k8s.api.storage.v1.StorageClass': kind('A StorageClass describes a kind of storage and the provisioner that creates volumes of it.'),
  'io.k8s.api.scheduling.v1.PriorityClass': kind('A PriorityClass maps a name to the priority that pods naming it receive; higher priorities schedule first and may preempt.', {
    value: 'The priority pods of this class receive (user classes at most 1000000000).',
    globalDefault: 'When true, pods without a priorityClassName get this class; only one class may be the default.',
    description: 'Free text saying when to use this class.',
    preemptionPolicy: 'PreemptLowerPriority (default) or Never: whether pods of this class may evict lower-priority pods.',
  }),
  'io.k8s.api.coordination.v1.Lease': kind('A Lease is a lightweight lock with a holder and renew time, used for heartbeats and leader election.'),
  'io.k8s.api.discovery.v1.EndpointSlice': kind('An EndpointSlice lists a subset of the network endpoints behind a service.'),
  'io.k8s.api.events.v1.Event': kind('An Event reports something that happened to an object (events.k8s.io form).'),
  'io.k8s.api.rbac.v1.Role': kind('A Role is a set of permissions within one namespace.'),
  'io.k8s.api.rbac.v1.ClusterRole': kind('A ClusterRole is a set of permissions, cluster-wide or for use in any namespace.'),
  'io.k8s.api.rbac.v1.RoleBinding': kind('A RoleBinding grants a Role or ClusterRole to subjects within one namespace.'),
  'io.k8s.api.rbac.v1.ClusterRoleBinding': kind('A ClusterRoleBinding grants a ClusterRole to subjects cluster-wide.'),
  'io.k8s.api.authentication.v1.TokenRequest': kind('A TokenRequest asks for a token of a service account (its token subresource).'),
  'io.k8s.api.authorization.v1.SubjectAccessReview': kind('A SubjectAccessReview asks whether a user or group may perform an action.'),
  'io.k8s.api.authorization.v1.SelfSubjectAccessReview': kind('A SelfSubjectAccessReview asks whether the caller may perform an action.'),
  [`${meta}.Status`]: { description: 'Status is the result of an operation that returns no object, most often an error.' },
  [`${meta}.DeleteOptions`]: { description: 'Options of a delete: grace period, preconditions and how dependents are handled.' },

  // Lists
  [`${core}.NamespaceList`]: list('Namespace'),
  [`${core}.NodeList`]: list('Node'),
  [`${core}.PodList`]: list('Pod'),
  [`${core}.ServiceList`]: list('Service'),
  [`${core}.ConfigMapList`]: list('ConfigMap'),
  [`${core}.SecretList`]: list('Secret'),
  [`${apps}.DeploymentList`]: list('Deployment'),
  [`${apps}.ReplicaSetList`]: list('ReplicaSet'),
  [`${apps}.StatefulSetList`]: list('StatefulSet'),
  [`${apps}.DaemonSetList`]: list('DaemonSet'),
  [`${batch}.JobList`]: list('Job'),
  [`${batch}.CronJobList`]: list('CronJob'),

  // The fields people explain most
  [`${meta}.ObjectMeta`]: {
    description: 'Metadata that every persisted object has.',
    fields: {
      name: 'Unique name within the namespace (or the cluster, for cluster-scoped kinds).',
      generateName: 'Prefix for a server-generated name, used when name is empty.',
      namespace: 'The namespace the object lives in; empty for cluster-scoped kinds.',
      labels: 'Key/value pairs used by selectors to organise and select objects.',
      annotations: 'Key/value pairs for tools and people; not used for selection.',
      ownerReferences: 'Objects this one depends on; it is garbage-collected when they are all gone.',
      finalizers: 'Names of cleanup steps that must finish before the object is removed.',
      resourceVersion: 'Opaque version for optimistic concurrency and watches, set by the server.',
      uid: 'Unique id for the lifetime of this object, set by the server.',
      creationTimestamp: 'When the object was created, set by the server.',
      deletionTimestamp: 'When the object will be (or started being) deleted, set by the server.',
      generation: 'Sequence number of spec changes, set by the server.',
      managedFields: 'Which field managers own which fields (server-side apply).',
    },
  },
  [`${core}.PodSpec`]: {
    description: 'The desired state of a pod.',
    fields: {
      containers: 'The containers of the pod; at least one.',
      initContainers: 'Containers run one after another, to completion, before the main containers start.',
      volumes: 'Volumes that containers of the pod can mount.',
      restartPolicy: 'When containers are restarted: Always (default), OnFailure or Never.',
      nodeName: 'The node the pod is bound to; set by the scheduler when empty.',
      nodeSelector: 'Labels a node must have for the pod to be scheduled onto it.',
      serviceAccountName: 'The service account the pod runs as.',
      affinity: 'Node and pod (anti-)affinity scheduling rules.',
      tolerations: 'Taints the pod tolerates.',
      terminationGracePeriodSeconds: 'Seconds the pod gets to stop after a delete before it is killed (default 30).',
      hostNetwork: 'Use the node\'s network namespace.',
      dnsPolicy: 'How DNS is configured for the pod: ClusterFirst (default), Default, None, ClusterFirstWithHostNet.',
      imagePullSecrets: 'Secrets used to pull the images of the pod.',
    },
  },
  [`${core}.Container`]: {
    description: 'A single container of a pod.',
    fields: {
      name: 'Name of the container, unique within the pod.',
      image: 'The container image reference.',
      command: 'Entrypoint, replacing the image\'s ENTRYPOINT.',
      args: 'Arguments to the entrypoint, replacing the image\'s CMD.',
      env: 'Environment variables to set.',
      ports: 'Ports the container listens on (informational, and used for named ports).',
      resources: 'CPU and memory requests and limits.',
      volumeMounts: 'Volumes of the pod to mount into the container.',
      imagePullPolicy: 'Always, IfNotPresent or Never.',
      livenessProbe: 'Check whose failure restarts the container.',
      readinessProbe: 'Check whose failure removes the pod from service endpoints.',
      workingDir: 'Working directory of the process.',
    },
  },
  [`${apps}.DeploymentSpec`]: {
    description: 'The desired state of a deployment.',
    fields: {
      replicas: 'Number of desired pods (default 1).',
      selector: 'Label selector of the pods this deployment manages; must match the template\'s labels.',
      template: 'The pod template new pods are created from.',
      strategy: 'How old pods are replaced by new ones: RollingUpdate (default) or Recreate.',
      minReadySeconds: 'Seconds a new pod must be ready before it counts as available (default 0).',
      revisionHistoryLimit: 'Number of old ReplicaSets kept for rollback (default 10).',
      paused: 'When true, template changes do not start a rollout.',
      progressDeadlineSeconds: 'Seconds a rollout may make no progress before it is reported as failed (default 600).',
    },
  },
  [`${apps}.DeploymentStrategy`]: {
    description: 'How a deployment replaces old pods with new ones.',
    fields: {
      type: 'Recreate (stop all old pods first) or RollingUpdate (the default).',
      rollingUpdate: 'Surge and unavailability bounds of a rolling update; only with type RollingUpdate.',
    },
  },
  [`${apps}.RollingUpdateDeployment`]: {
    description: 'Bounds of a rolling update.',
    fields: {
      maxSurge: 'Pods that may exist above the desired count during the update: a number or a percentage (default 25%).',
      maxUnavailable: 'Pods that may be unavailable during the update: a number or a percentage (default 25%).',
    },
  },
  [`${apps}.ReplicaSetSpec`]: {
    description: 'The desired state of a replica set.',
    fields: { replicas: 'Number of desired pods (default 1).', selector: 'Label selector of the pods counted.', template: 'The pod template.' },
  },
  [`${apps}.StatefulSetSpec`]: {
    description: 'The desired state of a stateful set.',
    fields: {
      replicas: 'Number of desired pods (default 1).',
      serviceName: 'The headless service that gives the pods their network identity.',
      volumeClaimTemplates: 'Claims created for each pod, named after the claim and the pod.',
      podManagementPolicy: 'OrderedReady (default) or Parallel.',
      updateStrategy: 'RollingUpdate (default) or OnDelete.',
    },
  },
  [`${apps}.DaemonSetSpec`]: {
    description: 'The desired state of a daemon set.',
    fields: { updateStrategy: 'RollingUpdate (default) or OnDelete.', template: 'The pod template run on each node.' },
  },
  [`${batch}.JobSpec`]: {
    description: 'The desired state of a job.',
    fields: {
      completions: 'Number of successful pods needed to finish the job.',
      parallelism: 'Maximum number of pods running at once.',
      backoffLimit: 'Retries before the job is marked failed (default 6).',
      activeDeadlineSeconds: 'Seconds the job may run before it is terminated.',
      ttlSecondsAfterFinished: 'Seconds after completion before the job is deleted.',
      template: 'The pod template.',
    },
  },
  [`${batch}.CronJobSpec`]: {
    description: 'The desired state of a cron job.',
    fields: {
      schedule: 'The cron schedule, e.g. "*/5 * * * *".',
      jobTemplate: 'The job created at each scheduled time.',
      concurrencyPolicy: 'Allow (default), Forbid or Replace overlapping runs.',
      suspend: 'When true, no new jobs are created.',
      successfulJobsHistoryLimit: 'Finished successful jobs kept (default 3).',
      failedJobsHistoryLimit: 'Finished failed jobs kept (default 1).',
    },
  },
  [`${core}.ServiceSpec`]: {
    description: 'The desired state of a service.',
    fields: {
      type: 'ClusterIP (default), NodePort, LoadBalancer or ExternalName.',
      selector: 'Labels of the pods that back the service.',
      ports: 'Ports the service exposes.',
      clusterIP: 'The virtual IP of the service; allocated when empty, "None" for a headless service.',
    },
  },
  [`${core}.ServicePort`]: {
    description: 'A port a service exposes.',
    fields: {
      port: 'The port the service listens on.',
      targetPort: 'The pod port (number or name) traffic goes to; defaults to port.',
      protocol: 'TCP (default), UDP or SCTP.',
      nodePort: 'The port opened on every node for NodePort and LoadBalancer services.',
    },
  },
};
