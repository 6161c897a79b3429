// Builders for node and pod objects used by the scheduler's tests (plain JSON, as informers
// deliver them).
import type { KubeObject } from '../machinery/types.js';

export interface NodeFixture {
  cpu?: string;
  memory?: string;
  pods?: string;
  ephemeralStorage?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
}

export function makeNode(name: string, f: NodeFixture = {}): KubeObject {
  const allocatable: Record<string, string> = { cpu: f.cpu ?? '4', memory: f.memory ?? '8Gi', pods: f.pods ?? '110', ...(f.extra ?? {}) };
  if (f.ephemeralStorage) allocatable['ephemeral-storage'] = f.ephemeralStorage;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(f.labels ?? {}) } },
    spec: { ...(f.taints ? { taints: f.taints } : {}), ...(f.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable, capacity: allocatable },
  };
}

export interface PodFixture {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  priority?: number;
  nodeName?: string;
  owner?: string;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

export function makePod(name: string, f: PodFixture = {}): KubeObject {
  const requests: Record<string, string> = {};
  if (f.cpu) requests.cpu = f.cpu;
  if (f.memory) requests.memory = f.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: f.namespace ?? 'default',
      uid: `uid-${name}`,
      labels: f.labels ?? {},
      ...(f.creationTimestamp ? { creationTimestamp: f.creationTimestamp } : {}),
      ...(f.deletionTimestamp ? { deletionTimestamp: f.deletionTimestamp } : {}),
      ...(f.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: f.owner, uid: `uid-${f.owner}`, controller: true }] } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: Object.keys(requests).length ? { requests } : {} }],
      ...(f.priority !== undefined ? { priority: f.priority } : {}),
      ...(f.nodeName ? { nodeName: f.nodeName } : {}),
      ...(f.spec ?? {}),
    },
    status: { phase: f.nodeName ? 'Running' : 'Pending', ...(f.status ?? {}) },
  };
}
