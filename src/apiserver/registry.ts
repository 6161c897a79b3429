// The served resources, indexed every way a request or another component looks them up.
import { apiVersionOf } from '../machinery/types.js';
import type { GroupResource } from '../machinery/errors.js';
import type { ResourceStrategy } from '../resources/types.js';

export interface ResourceInfo {
  readonly strategy: ResourceStrategy;
  readonly gr: GroupResource;
  readonly apiVersion: string;
  readonly listKind: string;
  /** Store prefix of every object of this resource, ending in '/'. */
  readonly prefix: string;
}

export interface GroupVersionInfo {
  group: string;
  version: string;
  resources: ResourceInfo[];
}

/** Storage groups are path segments: the core group is stored as "core". */
function storagePrefix(group: string, resource: string): string {
  return `/registry/${group || 'core'}/${resource}/`;
}

export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceInfo>();
  private readonly byKind = new Map<string, ResourceInfo>();
  readonly groupVersions: GroupVersionInfo[] = [];
  readonly all: ResourceInfo[] = [];

  constructor(strategies: readonly ResourceStrategy[]) {
    for (const s of strategies) {
      const target = s.storage ?? { group: s.group, resource: s.plural };
      const info: ResourceInfo = {
        strategy: s,
        gr: { group: s.group, resource: s.plural },
        apiVersion: apiVersionOf(s.group, s.version),
        listKind: `${s.kind}List`,
        prefix: storagePrefix(target.group, target.resource),
      };
      this.all.push(info);
      this.byPath.set(`${s.group}/${s.version}/${s.plural}`, info);
      this.byKind.set(`${s.group}/${s.version}/${s.kind}`, info);
      let gv = this.groupVersions.find((g) => g.group === s.group && g.version === s.version);
      if (!gv) this.groupVersions.push((gv = { group: s.group, version: s.version, resources: [] }));
      gv.resources.push(info);
    }
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  byGroupVersionKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groupVersions.some((g) => g.group === group && g.version === version);
  }

  /** Store key of one object. */
  key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return info.strategy.namespaced ? `${info.prefix}${namespace}/${name}` : `${info.prefix}${name}`;
  }

  /** Store prefix for a list: one namespace, or all of them. */
  listPrefix(info: ResourceInfo, namespace: string | undefined): string {
    return info.strategy.namespaced && namespace ? `${info.prefix}${namespace}/` : info.prefix;
  }
}
