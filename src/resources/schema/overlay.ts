// Our facts on top of the generated field lists: patch strategies and merge keys (strategic
// merge patch), list/map types (server-side apply), Quantity-typed fields (client-node types
// them as plain strings), and upstream names the generator cannot infer. Each tag mirrors the
// `patchStrategy`/`patchMergeKey` struct tags and `+listType`/`+listMapKey`/`+mapType`/
// `+structType` markers of kubernetes/api's types.go. Descriptions live in descriptions.ts.
import type { SchemaNode } from '../../machinery/schema.js';
import {
  FIELDS_V1,
  INT_OR_STRING,
  MICRO_TIME,
  QUANTITY,
  RAW_EXTENSION,
  TIME,
  type DefinitionPatch,
  type NodePatch,
  type SchemaOverlay,
} from './generate.js';
import { metaPackage } from './kinds.js';

const core = 'io.k8s.api.core.v1';
const apps = 'io.k8s.api.apps.v1';
const batch = 'io.k8s.api.batch.v1';
const discovery = 'io.k8s.api.discovery.v1';
const networking = 'io.k8s.api.networking.v1';
const storage = 'io.k8s.api.storage.v1';
const rbac = 'io.k8s.api.rbac.v1';

/** `+listType=atomic`: the list is replaced whole. */
const atomic: NodePatch = { 'x-kubernetes-list-type': 'atomic' };
/** `+listType=set` (scalar items, unique). */
const set: NodePatch = { 'x-kubernetes-list-type': 'set' };
/** `+listType=map` with the given keys, no strategic-merge tag. */
const mapList = (...keys: string[]): NodePatch => ({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys });
/** `patchStrategy:"<strategy>" patchMergeKey:"<key>"` + `+listType=map` keyed by `keys` (default: the merge key). */
const mergeMap = (key: string, keys: string[] = [key], strategy = 'merge'): NodePatch => ({
  'x-kubernetes-patch-strategy': strategy,
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
});
/** A merge-keyed list that server-side apply still treats as atomic (duplicate keys allowed upstream). */
const mergeAtomic = (key: string): NodePatch => ({
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-list-type': 'atomic',
});
const conditions = mergeMap('type');
/** client-node types resource lists as string maps; upstream they map to Quantity. */
const quantityMap: NodePatch = { additionalProperties: { $ref: QUANTITY } };
const quantity: NodePatch = { $ref: QUANTITY, type: undefined, format: undefined };
/** `+structType=atomic` / `+mapType=atomic`. */
const atomicStruct: DefinitionPatch = { node: { 'x-kubernetes-map-type': 'atomic' } };
const atomicMap: NodePatch = { 'x-kubernetes-map-type': 'atomic' };

const containerFields: Record<string, NodePatch> = {
  command: atomic,
  args: atomic,
  ports: mergeMap('containerPort', ['containerPort', 'protocol']),
  envFrom: atomic,
  env: mergeMap('name'),
  resizePolicy: atomic,
  restartPolicyRules: atomic,
  volumeMounts: mergeMap('mountPath'),
  volumeDevices: mergeMap('devicePath'),
};

const definitions: Record<string, DefinitionPatch> = {
  // meta/v1
  [`${metaPackage}.ObjectMeta`]: {
    fields: {
      finalizers: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
      ownerReferences: mergeMap('uid'),
      managedFields: atomic,
    },
  },
  [`${metaPackage}.ManagedFieldsEntry`]: { fields: { fieldsV1: { $ref: FIELDS_V1 } } },
  [`${metaPackage}.LabelSelector`]: { node: { 'x-kubernetes-map-type': 'atomic' }, fields: { matchExpressions: atomic } },
  [`${metaPackage}.LabelSelectorRequirement`]: { fields: { values: atomic } },
  [`${metaPackage}.DeleteOptions`]: { fields: { dryRun: atomic } },
  [`${metaPackage}.StatusDetails`]: { fields: { causes: atomic } },

  // core/v1: pods and their templates
  [`${core}.PodSpec`]: {
    fields: {
      volumes: mergeMap('name', ['name'], 'merge,retainKeys'),
      initContainers: mergeMap('name'),
      containers: mergeMap('name'),
      ephemeralContainers: mergeMap('name'),
      imagePullSecrets: mergeMap('name'),
      hostAliases: mergeMap('ip'),
      tolerations: atomic,
      readinessGates: atomic,
      topologySpreadConstraints: mergeMap('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
      resourceClaims: mergeMap('name', ['name'], 'merge,retainKeys'),
      schedulingGates: mergeMap('name'),
      nodeSelector: atomicMap,
      overhead: quantityMap,
    },
  },
  [`${core}.Container`]: { fields: containerFields },
  // `+default="TCP"`: server-side apply keys ports by (containerPort, protocol) and fills an
  // omitted protocol from this default (structured-merge-diff), so `ports: [{containerPort: 80}]`
  // names the same item as the defaulted live `{containerPort: 80, protocol: TCP}`.
  [`${core}.ContainerPort`]: { fields: { protocol: { default: 'TCP' } } },
  [`${core}.EphemeralContainer`]: { fields: containerFields },
  [`${core}.PodStatus`]: {
    fields: {
      conditions,
      hostIPs: mergeAtomic('ip'),
      podIPs: mergeMap('ip'),
      initContainerStatuses: atomic,
      containerStatuses: atomic,
      ephemeralContainerStatuses: atomic,
      resourceClaimStatuses: mergeMap('name', ['name'], 'merge,retainKeys'),
      allocatedResources: quantityMap,
    },
  },
  [`${core}.ContainerStatus`]: {
    fields: { volumeMounts: mergeMap('mountPath'), allocatedResourcesStatus: mergeMap('name'), allocatedResources: quantityMap },
  },
  [`${core}.ResourceStatus`]: { fields: { resources: mapList('resourceID') } },
  [`${core}.ResourceRequirements`]: { fields: { limits: quantityMap, requests: quantityMap, claims: mapList('name') } },
  [`${core}.VolumeResourceRequirements`]: { fields: { limits: quantityMap, requests: quantityMap } },
  [`${core}.EmptyDirVolumeSource`]: { fields: { sizeLimit: quantity } },
  [`${core}.ResourceFieldSelector`]: { node: { 'x-kubernetes-map-type': 'atomic' }, fields: { divisor: quantity } },
  [`${core}.PodSecurityContext`]: { fields: { supplementalGroups: atomic, sysctls: atomic } },
  [`${core}.LinuxContainerUser`]: { fields: { supplementalGroups: atomic } },
  [`${core}.Capabilities`]: { fields: { add: atomic, drop: atomic } },
  [`${core}.ExecAction`]: { fields: { command: atomic } },
  [`${core}.HTTPGetAction`]: { fields: { httpHeaders: atomic } },
  [`${core}.HostAlias`]: { fields: { hostnames: atomic } },
  [`${core}.PodDNSConfig`]: { fields: { nameservers: atomic, searches: atomic, options: atomic } },
  [`${core}.PodAffinity`]: { fields: { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic } },
  [`${core}.PodAntiAffinity`]: { fields: { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic } },
  [`${core}.PodAffinityTerm`]: { fields: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic } },
  [`${core}.NodeAffinity`]: { fields: { preferredDuringSchedulingIgnoredDuringExecution: atomic } },
  [`${core}.NodeSelector`]: { node: { 'x-kubernetes-map-type': 'atomic' }, fields: { nodeSelectorTerms: atomic } },
  [`${core}.NodeSelectorTerm`]: { node: { 'x-kubernetes-map-type': 'atomic' }, fields: { matchExpressions: atomic, matchFields: atomic } },
  [`${core}.NodeSelectorRequirement`]: { fields: { values: atomic } },
  [`${core}.TopologySpreadConstraint`]: { fields: { matchLabelKeys: atomic } },
  [`${core}.ContainerRestartRuleOnExitCodes`]: { fields: { values: set } },
  [`${core}.PodExtendedResourceClaimStatus`]: { fields: { requestMappings: atomic } },
  [`${core}.ConfigMapVolumeSource`]: { fields: { items: atomic } },
  [`${core}.SecretVolumeSource`]: { fields: { items: atomic } },
  [`${core}.ConfigMapProjection`]: { fields: { items: atomic } },
  [`${core}.SecretProjection`]: { fields: { items: atomic } },
  [`${core}.DownwardAPIVolumeSource`]: { fields: { items: atomic } },
  [`${core}.DownwardAPIProjection`]: { fields: { items: atomic } },
  [`${core}.ProjectedVolumeSource`]: { fields: { sources: atomic } },
  [`${core}.CephFSVolumeSource`]: { fields: { monitors: atomic } },
  [`${core}.CephFSPersistentVolumeSource`]: { fields: { monitors: atomic } },
  [`${core}.RBDVolumeSource`]: { fields: { monitors: atomic } },
  [`${core}.RBDPersistentVolumeSource`]: { fields: { monitors: atomic } },
  [`${core}.ISCSIVolumeSource`]: { fields: { portals: atomic } },
  [`${core}.ISCSIPersistentVolumeSource`]: { fields: { portals: atomic } },
  [`${core}.FCVolumeSource`]: { fields: { targetWWNs: atomic, wwids: atomic } },
  [`${core}.LocalObjectReference`]: atomicStruct,
  [`${core}.ObjectReference`]: atomicStruct,
  [`${core}.TypedLocalObjectReference`]: atomicStruct,
  [`${core}.ConfigMapKeySelector`]: atomicStruct,
  [`${core}.SecretKeySelector`]: atomicStruct,
  [`${core}.ObjectFieldSelector`]: atomicStruct,
  [`${core}.SecretReference`]: atomicStruct,
  [`${core}.TopologySelectorTerm`]: { node: { 'x-kubernetes-map-type': 'atomic' }, fields: { matchLabelExpressions: atomic } },
  [`${core}.TopologySelectorLabelRequirement`]: { fields: { values: atomic } },

  // core/v1: other kinds
  [`${core}.NamespaceSpec`]: { fields: { finalizers: atomic } },
  [`${core}.NamespaceStatus`]: { fields: { conditions } },
  [`${core}.NodeSpec`]: { fields: { podCIDRs: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' }, taints: atomic } },
  [`${core}.NodeStatus`]: {
    fields: {
      capacity: quantityMap,
      allocatable: quantityMap,
      conditions,
      addresses: mergeAtomic('type'),
      images: atomic,
      volumesInUse: atomic,
      volumesAttached: atomic,
      runtimeHandlers: atomic,
      declaredFeatures: atomic,
    },
  },
  [`${core}.NodeAllocatableResourceClaimStatus`]: { fields: { resources: quantityMap } },
  [`${core}.ContainerImage`]: { fields: { names: atomic } },
  [`${core}.ServiceSpec`]: {
    fields: {
      ports: mergeMap('port', ['port', 'protocol']),
      selector: atomicMap,
      clusterIPs: atomic,
      externalIPs: atomic,
      ipFamilies: atomic,
      loadBalancerSourceRanges: atomic,
    },
  },
  [`${core}.ServicePort`]: { fields: { protocol: { default: 'TCP' } } },
  [`${core}.ServiceStatus`]: { fields: { conditions } },
  [`${core}.LoadBalancerStatus`]: { fields: { ingress: atomic } },
  [`${core}.LoadBalancerIngress`]: { fields: { ports: atomic } },
  [`${core}.Endpoints`]: { fields: { subsets: atomic } },
  [`${core}.EndpointSubset`]: { fields: { addresses: atomic, notReadyAddresses: atomic, ports: atomic } },
  [`${core}.PersistentVolumeSpec`]: { fields: { capacity: quantityMap, accessModes: atomic, mountOptions: atomic } },
  [`${core}.PersistentVolumeClaimSpec`]: { fields: { accessModes: atomic } },
  [`${core}.PersistentVolumeClaimStatus`]: {
    fields: { accessModes: atomic, conditions, capacity: quantityMap, allocatedResources: quantityMap },
  },
  [`${core}.ServiceAccount`]: { fields: { secrets: mergeMap('name'), imagePullSecrets: atomic } },

  // apps/v1
  [`${apps}.DeploymentSpec`]: { fields: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } } },
  [`${apps}.DeploymentStatus`]: { fields: { conditions } },
  [`${apps}.ReplicaSetStatus`]: { fields: { conditions } },
  [`${apps}.StatefulSetSpec`]: { fields: { volumeClaimTemplates: atomic } },
  [`${apps}.StatefulSetStatus`]: { fields: { conditions } },
  [`${apps}.DaemonSetStatus`]: { fields: { conditions } },

  // batch/v1
  [`${batch}.JobStatus`]: { fields: { conditions: mergeAtomic('type') } },
  [`${batch}.CronJobStatus`]: { fields: { active: atomic } },
  [`${batch}.PodFailurePolicy`]: { fields: { rules: atomic } },
  [`${batch}.PodFailurePolicyRule`]: { fields: { onPodConditions: atomic } },
  [`${batch}.PodFailurePolicyOnExitCodesRequirement`]: { fields: { values: set } },
  [`${batch}.SuccessPolicy`]: { fields: { rules: atomic } },
  [`${batch}.UncountedTerminatedPods`]: { fields: { succeeded: set, failed: set } },

  // discovery, networking, storage, rbac
  [`${discovery}.EndpointSlice`]: { fields: { endpoints: atomic, ports: atomic } },
  [`${discovery}.Endpoint`]: { fields: { addresses: set } },
  [`${discovery}.EndpointHints`]: { fields: { forZones: atomic, forNodes: atomic } },
  [`${networking}.IngressSpec`]: { fields: { rules: atomic, tls: atomic } },
  [`${networking}.IngressTLS`]: { fields: { hosts: atomic } },
  [`${networking}.HTTPIngressRuleValue`]: { fields: { paths: atomic } },
  [`${networking}.IngressLoadBalancerStatus`]: { fields: { ingress: atomic } },
  [`${networking}.IngressLoadBalancerIngress`]: { fields: { ports: atomic } },
  [`${storage}.StorageClass`]: { fields: { mountOptions: atomic, allowedTopologies: atomic } },
  // `value int32 json:"value"` has no omitempty (client-node types it optional).
  'io.k8s.api.scheduling.v1.PriorityClass': { node: { required: ['value'] } },
  [`${rbac}.Role`]: { fields: { rules: atomic } },
  [`${rbac}.ClusterRole`]: { fields: { rules: atomic } },
  [`${rbac}.AggregationRule`]: { fields: { clusterRoleSelectors: atomic } },
  [`${rbac}.RoleBinding`]: { fields: { subjects: atomic } },
  [`${rbac}.ClusterRoleBinding`]: { fields: { subjects: atomic } },
  [`${rbac}.PolicyRule`]: { fields: { verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic, nonResourceURLs: atomic } },
  [`${rbac}.RoleRef`]: atomicStruct,
};

/** Value-like types with their own JSON forms; prune and the OpenAPI writers key on these names. */
const builtinDefinitions: Record<string, SchemaNode> = {
  [TIME]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, to the second (e.g. 2024-01-02T15:04:05Z).' },
  [MICRO_TIME]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form with microseconds.' },
  [QUANTITY]: {
    type: 'string',
    format: 'quantity',
    description: 'A fixed-point number with an optional unit suffix: 100m, 0.5, 1Gi, 2k, 1e3.',
  },
  [INT_OR_STRING]: {
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    description: 'Either an integer or a string (a port number or name, a count or a percentage).',
  },
  [RAW_EXTENSION]: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'An embedded JSON value, kept as given.' },
  [FIELDS_V1]: {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description: 'The set of fields a manager owns, as a trie of f:/k:/v:/i: keys (server-side apply).',
  },
  [`${metaPackage}.Patch`]: { type: 'object', description: 'A patch body; its form depends on the request Content-Type.' },
};

export const schemaOverlay: SchemaOverlay = {
  metaModels: [
    'V1ObjectMeta',
    'V1ListMeta',
    'V1LabelSelector',
    'V1LabelSelectorRequirement',
    'V1OwnerReference',
    'V1ManagedFieldsEntry',
    'V1Condition',
    'V1Status',
    'V1StatusDetails',
    'V1StatusCause',
    'V1DeleteOptions',
    'V1Preconditions',
    'V1WatchEvent',
  ],
  // Reached first from a non-core kind, but defined in core/v1 upstream.
  definitionNames: {
    V1PodTemplateSpec: `${core}.PodTemplateSpec`,
    V1TopologySelectorTerm: `${core}.TopologySelectorTerm`,
    V1TopologySelectorLabelRequirement: `${core}.TopologySelectorLabelRequirement`,
  },
  builtinDefinitions,
  definitions,
};
