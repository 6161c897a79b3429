// Small helpers shared by the control-plane suites: read objects as JSON through kubectl,
// wait for a condition by polling, and build workload manifests.
import type { TestCluster } from './cluster.js';

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  deletionTimestamp?: string;
  finalizers?: string[];
  generation?: number;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Pod {
  metadata: Meta;
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status: { phase?: string; podIP?: string; conditions?: Condition[] };
}

export interface Workload {
  metadata: Meta;
  spec: Record<string, unknown> & { replicas?: number; template?: { metadata?: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } };
  status?: Record<string, unknown> & { conditions?: Condition[] };
}

export interface List<T> {
  items: T[];
}

export async function getJson<T>(c: TestCluster, args: readonly string[]): Promise<T> {
  return JSON.parse(await c.kubectlOk([...args, '-o', 'json'])) as T;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns something other than undefined. The limit only keeps a broken
 * run from hanging; it measures nothing.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 30_000): Promise<T> {
  const end = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(200);
  }
}

export const isReady = (p: Pod): boolean => !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

export function deploymentManifest(
  name: string,
  opts: { replicas?: number; labels?: Record<string, string>; annotations?: Record<string, string>; image?: string; port?: number } = {},
): Record<string, unknown> {
  const labels = { app: name, ...opts.labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
        spec: { containers: [{ name: 'main', image: opts.image ?? 'nginx:1.14.2', ports: [{ name: 'http', containerPort: opts.port ?? 80 }] }] },
      },
    },
  };
}

export async function applyObj(c: TestCluster, ns: string, obj: unknown): Promise<string> {
  return c.kubectlOk(['apply', '-n', ns, '-f', '-'], { input: JSON.stringify(obj) });
}

export async function podsOf(c: TestCluster, ns: string, selector: string): Promise<Pod[]> {
  return (await getJson<List<Pod>>(c, ['get', 'pods', '-n', ns, '-l', selector])).items;
}
