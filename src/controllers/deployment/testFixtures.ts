// Test support only: Deployment / ReplicaSet objects shaped like upstream's test helpers
// (newDeployment, rs), and a DeploymentSync to call the step functions directly.
import type { KubeObject } from '../../machinery/types.js';
import { DeploymentSync } from './context.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './util.js';

export const T0 = Date.parse('2016-05-20T00:00:00Z');
export const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
export const hoursAfter = (h: number): string => iso(T0 + h * 3_600_000);

export interface DeploymentOpts {
  name?: string;
  replicas: number;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  strategy?: 'RollingUpdate' | 'Recreate';
  image?: string;
  generation?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
  paused?: boolean;
  annotations?: Record<string, string>;
  status?: Record<string, unknown>;
}

export function template(image = 'nginx:1.14.2'): Record<string, unknown> {
  return { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image }] } };
}

/** Like upstream's newDeployment: maxSurge and maxUnavailable default to 0 (the test default). */
export function deployment(o: DeploymentOpts): KubeObject {
  const strategy = o.strategy === 'Recreate'
    ? { type: 'Recreate' }
    : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? 0, maxUnavailable: o.maxUnavailable ?? 0 } };
  const spec: Record<string, unknown> = {
    replicas: o.replicas,
    selector: { matchLabels: { app: 'nginx' } },
    template: template(o.image),
    strategy,
    revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
    progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
  };
  if (o.minReadySeconds) spec.minReadySeconds = o.minReadySeconds;
  if (o.paused) spec.paused = true;
  return {
    metadata: {
      name: o.name ?? 'foo',
      namespace: 'default',
      uid: 'deploy-uid',
      generation: o.generation ?? 1,
      resourceVersion: '1',
      creationTimestamp: iso(T0),
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec,
    status: o.status ?? {},
  };
}

export interface ReplicaSetOpts {
  created?: string;
  image?: string;
  hash?: string;
  available?: number;
  status?: Record<string, unknown>;
  annotations?: Record<string, string>;
  revision?: number;
  /** desired / max-replicas annotations, as the deployment set them at that size. */
  sizedFor?: { desired: number; max: number };
  owned?: boolean;
}

/** Like upstream's rs(): an owned ReplicaSet with `replicas`, fully available unless told. */
export function replicaSet(name: string, replicas: number, o: ReplicaSetOpts = {}): KubeObject {
  const hash = o.hash ?? name.split('-').at(-1) ?? 'h';
  const t = template(o.image);
  (t.metadata as { labels: Record<string, string> }).labels = { app: 'nginx', 'pod-template-hash': hash };
  const annotations: Record<string, string> = { ...o.annotations };
  if (o.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(o.revision);
  if (o.sizedFor) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(o.sizedFor.desired);
    annotations[MAX_REPLICAS_ANNOTATION] = String(o.sizedFor.max);
  }
  const available = o.available ?? replicas;
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      generation: 1,
      resourceVersion: '5',
      creationTimestamp: o.created ?? iso(T0),
      labels: { app: 'nginx', 'pod-template-hash': hash },
      annotations,
      ...(o.owned === false ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'foo', uid: 'deploy-uid', controller: true, blockOwnerDeletion: true }] }),
    },
    spec: { replicas, selector: { matchLabels: { app: 'nginx', 'pod-template-hash': hash } }, template: t },
    status: o.status ?? { replicas, readyReplicas: available, availableReplicas: available, fullyLabeledReplicas: replicas, observedGeneration: 1 },
  };
}

export function syncFor(d: KubeObject, rss: KubeObject[], now = T0 + 86_400_000): DeploymentSync {
  return new DeploymentSync(d, rss, rss, new Map(), now, []);
}
