// Test fixture only: a hand-built SchemaRegistry shaped like the upstream Pod and Deployment
// definitions (patch strategies and merge keys copied from the Go struct tags), plus a few
// synthetic fields to exercise the paths real types rarely hit.
import type { SchemaNode, SchemaRegistry } from '../schema.js';
import type { SchemaLookup } from './smpSchema.js';

const str: SchemaNode = { type: 'string' };
const int: SchemaNode = { type: 'integer', format: 'int32' };
const intOrString: SchemaNode = { 'x-kubernetes-int-or-string': true };
const strMap: SchemaNode = { type: 'object', additionalProperties: { type: 'string' } };
const strList: SchemaNode = { type: 'array', items: { type: 'string' } };
const ref = (name: string): SchemaNode => ({ $ref: name });
const mergeList = (item: string, key: string, strategy = 'merge'): SchemaNode => ({
  type: 'array',
  items: ref(item),
  'x-kubernetes-patch-strategy': strategy,
  'x-kubernetes-patch-merge-key': key,
});

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const POD = 'io.k8s.api.core.v1.Pod';
export const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';

const definitions: Record<string, SchemaNode> = {
  [META]: {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      labels: strMap,
      annotations: strMap,
      finalizers: { ...strList, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
      ownerReferences: mergeList('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference', 'uid'),
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': {
    type: 'object',
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } },
  },
  [POD]: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref(META), spec: ref('io.k8s.api.core.v1.PodSpec'), status: { type: 'object' } },
  },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    properties: {
      containers: mergeList('io.k8s.api.core.v1.Container', 'name'),
      initContainers: mergeList('io.k8s.api.core.v1.Container', 'name'),
      volumes: mergeList('io.k8s.api.core.v1.Volume', 'name', 'merge,retainKeys'),
      imagePullSecrets: mergeList('io.k8s.api.core.v1.LocalObjectReference', 'name'),
      nodeSelector: strMap,
      restartPolicy: str,
      tolerations: { type: 'array', items: { type: 'object', properties: { key: str, operator: str, effect: str } }, 'x-kubernetes-list-type': 'atomic' },
      // Synthetic: a map-typed list without a patch strategy must still be replaced.
      mapListNoStrategy: {
        type: 'array',
        items: { type: 'object', properties: { name: str, value: str } },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      },
      // Synthetic: a struct field with patch strategy replace.
      replacedMap: { type: 'object', properties: { a: str, b: str }, 'x-kubernetes-patch-strategy': 'replace' },
      // Synthetic: a schemaless subtree.
      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
  'io.k8s.api.core.v1.LocalObjectReference': { type: 'object', properties: { name: str } },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    properties: {
      name: str,
      image: str,
      imagePullPolicy: str,
      command: strList,
      args: strList,
      ports: {
        ...mergeList('io.k8s.api.core.v1.ContainerPort', 'containerPort'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      },
      env: mergeList('io.k8s.api.core.v1.EnvVar', 'name'),
      volumeMounts: mergeList('io.k8s.api.core.v1.VolumeMount', 'mountPath'),
      resources: ref('io.k8s.api.core.v1.ResourceRequirements'),
    },
  },
  'io.k8s.api.core.v1.ContainerPort': { type: 'object', properties: { containerPort: int, protocol: str, name: str, hostPort: int } },
  'io.k8s.api.core.v1.EnvVar': { type: 'object', properties: { name: str, value: str, valueFrom: { type: 'object' } } },
  'io.k8s.api.core.v1.VolumeMount': { type: 'object', properties: { name: str, mountPath: str, readOnly: { type: 'boolean' } } },
  'io.k8s.api.core.v1.ResourceRequirements': { type: 'object', properties: { limits: strMap, requests: strMap } },
  'io.k8s.api.core.v1.Volume': {
    type: 'object',
    properties: {
      name: str,
      emptyDir: { type: 'object', properties: { medium: str, sizeLimit: str } },
      configMap: { type: 'object', properties: { name: str, defaultMode: int } },
      secret: { type: 'object', properties: { secretName: str } },
      hostPath: { type: 'object', properties: { path: str, type: str } },
    },
  },
  [DEPLOYMENT]: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref(META), spec: ref('io.k8s.api.apps.v1.DeploymentSpec'), status: { type: 'object' } },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    type: 'object',
    properties: {
      replicas: int,
      selector: { type: 'object', properties: { matchLabels: strMap } },
      template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
      strategy: { $ref: 'io.k8s.api.apps.v1.DeploymentStrategy', 'x-kubernetes-patch-strategy': 'retainKeys' },
      minReadySeconds: int,
    },
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': {
    type: 'object',
    properties: { type: str, rollingUpdate: ref('io.k8s.api.apps.v1.RollingUpdateDeployment') },
  },
  'io.k8s.api.apps.v1.RollingUpdateDeployment': { type: 'object', properties: { maxSurge: intOrString, maxUnavailable: intOrString } },
  'io.k8s.api.core.v1.PodTemplateSpec': { type: 'object', properties: { metadata: ref(META), spec: ref('io.k8s.api.core.v1.PodSpec') } },
};

export const registry: SchemaRegistry = { definitions };
export const podSchema: SchemaLookup = { registry, ref: POD };
export const deploymentSchema: SchemaLookup = { registry, ref: DEPLOYMENT };

/** Freezes a value deeply so a test fails if the code under test mutates its input. */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
