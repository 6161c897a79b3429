// Reads of the objects a pod's config depends on, through the agent's Client, with the
// kubelet's wording: its configmap/secret managers report a missing object as
// `configmap "x" not found` / `secret "x" not found` (singular resource names).
import { isNotFound } from '../../client/errors.js';
import type { Client, GroupVersionResource } from '../../client/types.js';
import { record, records, str, stringMap } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';

const core = (resource: string): GroupVersionResource => ({ group: '', version: 'v1', resource });
export const GVR = {
  configMaps: core('configmaps'),
  secrets: core('secrets'),
  services: core('services'),
  nodes: core('nodes'),
  pods: core('pods'),
  serviceAccounts: core('serviceaccounts'),
  claims: core('persistentvolumeclaims'),
  volumes: core('persistentvolumes'),
} as const;

/** A ConfigMap's or Secret's contents as files/env see them. */
export interface ConfigData {
  /** String values (ConfigMap data; Secret data decoded as UTF-8, which env uses). */
  strings: Map<string, string>;
  /** Every key's bytes (ConfigMap data + binaryData; Secret data). */
  bytes: Map<string, Buffer>;
}

export const notFoundText = (kind: 'configmap' | 'secret', name: string): string => `${kind} "${name}" not found`;

export class Lookup {
  /**
   * With `memo`, each object is read once for this Lookup's life (one resync pass), so the
   * ConfigMaps and Secrets many volumes share (every pod's kube-root-ca.crt) cost one GET.
   */
  constructor(
    private readonly client: Client,
    private readonly memo?: Map<string, Promise<KubeObject>>,
  ) {}

  private get(gvr: GroupVersionResource, name: string, namespace?: string): Promise<KubeObject> {
    const fetch = (): Promise<KubeObject> => this.client.get(gvr, name, namespace ? { namespace } : {});
    if (!this.memo) return fetch();
    const key = `${gvr.group}/${gvr.resource}/${namespace ?? ''}/${name}`;
    let p = this.memo.get(key);
    if (!p) this.memo.set(key, (p = fetch()));
    return p;
  }

  /** undefined when the object does not exist; other failures throw. */
  async configMap(namespace: string, name: string): Promise<ConfigData | undefined> {
    const cm = await this.getOrUndefined(GVR.configMaps, name, namespace);
    if (!cm) return undefined;
    const strings = new Map(Object.entries(stringMap(cm.data)));
    const bytes = new Map<string, Buffer>();
    for (const [k, v] of strings) bytes.set(k, Buffer.from(v, 'utf8'));
    for (const [k, v] of Object.entries(stringMap(cm.binaryData))) bytes.set(k, Buffer.from(v, 'base64'));
    return { strings, bytes };
  }

  async secret(namespace: string, name: string): Promise<ConfigData | undefined> {
    const s = await this.getOrUndefined(GVR.secrets, name, namespace);
    if (!s) return undefined;
    const strings = new Map<string, string>();
    const bytes = new Map<string, Buffer>();
    for (const [k, v] of Object.entries(stringMap(s.data))) {
      const b = Buffer.from(v, 'base64');
      bytes.set(k, b);
      strings.set(k, b.toString('utf8'));
    }
    return { strings, bytes };
  }

  async services(namespace: string): Promise<KubeObject[]> {
    const [own, defaults] = await Promise.all([
      this.client.list(GVR.services, { namespace }),
      namespace === 'default' ? Promise.resolve(undefined) : this.getOrUndefined(GVR.services, 'kubernetes', 'default'),
    ]);
    return defaults ? [...own.items, defaults] : own.items;
  }

  async node(name: string): Promise<KubeObject> {
    return this.get(GVR.nodes, name);
  }

  async getOrUndefined(gvr: GroupVersionResource, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      return await this.get(gvr, name, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

/** GetNodeHostIPs: the node's InternalIP addresses, else its ExternalIP ones (one per family). */
export function nodeHostIPs(node: KubeObject): string[] {
  const addrs = records(record(node.status)?.addresses);
  const pick = (type: string): string[] => addrs.filter((a) => a.type === type).map((a) => str(a.address) ?? '').filter(Boolean);
  const all = [...pick('InternalIP'), ...pick('ExternalIP')];
  const out: string[] = [];
  for (const ip of all) if (!out.some((o) => o.includes(':') === ip.includes(':'))) out.push(ip);
  if (out.length === 0) throw new Error(`host IP unknown; known addresses: ${JSON.stringify(addrs)}`);
  return out;
}

export function nodeAllocatable(node: KubeObject): Record<string, unknown> {
  return record(record(node.status)?.allocatable) ?? {};
}
