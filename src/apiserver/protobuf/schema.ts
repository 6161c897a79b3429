// Builds one protobufjs Root from our .proto subset and maps apiVersion+kind to the message type
// of that top-level object. Parsed once, lazily, from the string constants in ./proto/.
import protobuf from 'protobufjs';
import { META_PROTO, INTSTR_PROTO, RESOURCE_PROTO, META_V1_PROTO } from './proto/meta.js';
import { CORE_POD_PROTO } from './proto/corePod.js';
import { CORE_VOLUMES_PROTO } from './proto/coreVolumes.js';
import { CORE_OBJECTS_PROTO } from './proto/coreObjects.js';
import { APPS_V1_PROTO, BATCH_V1_PROTO } from './proto/workloads.js';
import { NETWORKING_V1_PROTO } from './proto/networking.js';
import { AUTOSCALING_V2_PROTO, POLICY_V1_PROTO, SCHEDULING_V1_PROTO } from './proto/scaling.js';
import { RBAC_V1_PROTO, AUTHENTICATION_V1_PROTO, AUTHORIZATION_V1_PROTO, CERTIFICATES_V1_PROTO } from './proto/access.js';

const SOURCES = [
  META_PROTO, INTSTR_PROTO, RESOURCE_PROTO, META_V1_PROTO,
  CORE_OBJECTS_PROTO, CORE_POD_PROTO, CORE_VOLUMES_PROTO,
  APPS_V1_PROTO, BATCH_V1_PROTO, NETWORKING_V1_PROTO,
  AUTOSCALING_V2_PROTO, POLICY_V1_PROTO, SCHEDULING_V1_PROTO,
  RBAC_V1_PROTO, AUTHENTICATION_V1_PROTO, AUTHORIZATION_V1_PROTO, CERTIFICATES_V1_PROTO,
];

/** Top-level kinds we decode, by apiVersion, each with its protobuf package. */
const KINDS: Record<string, { pkg: string; kinds: readonly string[] }> = {
  v1: {
    pkg: 'k8s.io.api.core.v1',
    kinds: ['ConfigMap', 'Secret', 'Namespace', 'Service', 'ServiceAccount', 'ResourceQuota', 'LimitRange',
      'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'Event', 'Binding'],
  },
  'apps/v1': { pkg: 'k8s.io.api.apps.v1', kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision'] },
  'batch/v1': { pkg: 'k8s.io.api.batch.v1', kinds: ['Job', 'CronJob'] },
  'networking.k8s.io/v1': { pkg: 'k8s.io.api.networking.v1', kinds: ['Ingress', 'IngressClass', 'NetworkPolicy'] },
  'rbac.authorization.k8s.io/v1': { pkg: 'k8s.io.api.rbac.v1', kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] },
  'scheduling.k8s.io/v1': { pkg: 'k8s.io.api.scheduling.v1', kinds: ['PriorityClass'] },
  'policy/v1': { pkg: 'k8s.io.api.policy.v1', kinds: ['PodDisruptionBudget', 'Eviction'] },
  'autoscaling/v2': { pkg: 'k8s.io.api.autoscaling.v2', kinds: ['HorizontalPodAutoscaler'] },
  'certificates.k8s.io/v1': { pkg: 'k8s.io.api.certificates.v1', kinds: ['CertificateSigningRequest'] },
  'authentication.k8s.io/v1': { pkg: 'k8s.io.api.authentication.v1', kinds: ['TokenRequest', 'TokenReview', 'SelfSubjectReview'] },
  'authorization.k8s.io/v1': {
    pkg: 'k8s.io.api.authorization.v1',
    kinds: ['SelfSubjectAccessReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'],
  },
};

let root: protobuf.Root | undefined;

/** The shared Root with every message of our subset, resolved. */
export function protoRoot(): protobuf.Root {
  if (!root) {
    const r = new protobuf.Root();
    for (const src of SOURCES) protobuf.parse(src, r, { keepCase: true });
    r.resolveAll();
    root = r;
  }
  return root;
}

/** The message type of a top-level object, or undefined when we do not decode that kind. */
export function objectType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const group = KINDS[apiVersion];
  if (!group || !group.kinds.includes(kind)) return undefined;
  return protoRoot().lookupType(`${group.pkg}.${kind}`);
}

/** The runtime.Unknown envelope message. */
export function unknownType(): protobuf.Type {
  return protoRoot().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
}

/** Every apiVersion/kind pair we decode (for docs and tests). */
export function decodableKinds(): { apiVersion: string; kind: string }[] {
  return Object.entries(KINDS).flatMap(([apiVersion, g]) => g.kinds.map((kind) => ({ apiVersion, kind })));
}
