// API discovery: the legacy documents (/api, /apis, /api/v1, /apis/<g>/<v>) and the
// aggregated ones (apidiscovery.k8s.io v2 and v2beta1), all derived from the registry.
import { createHash } from 'node:crypto';
import { allVerbs } from '../resources/types.js';
import type { GroupVersionInfo, ResourceInfo, ResourceRegistry } from './registry.js';
import { metricsDiscovery } from './metrics/discovery.js';

/** A resource served outside the registry (no storage, no strategy). */
export interface StaticResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
}

/**
 * A group/version whose handlers live outside the generic resource path (metrics.k8s.io, which
 * upstream is an aggregated API). Listed after the registry's groups, as kube-aggregator
 * orders the low-priority APIService groups last.
 */
export interface StaticGroupVersion {
  group: string;
  version: string;
  resources: StaticResource[];
}

const staticGroupVersions: readonly StaticGroupVersion[] = [metricsDiscovery];

function staticGroupVersion(group: string, version?: string): StaticGroupVersion | undefined {
  return staticGroupVersions.find((g) => g.group === group && (version === undefined || g.version === version));
}

function staticApiGroup(g: StaticGroupVersion): { name: string; versions: unknown[]; preferredVersion: unknown } {
  const v = { groupVersion: `${g.group}/${g.version}`, version: g.version };
  return { name: g.group, versions: [v], preferredVersion: v };
}

interface Subresource {
  name: string;
  kind: { group: string; version: string; kind: string };
  verbs: string[];
}

function subresourcesOf(info: ResourceInfo): Subresource[] {
  const s = info.strategy;
  const self = { group: s.group, version: s.version, kind: s.kind };
  const out: Subresource[] = [];
  if (s.hasStatus) out.push({ name: 'status', kind: self, verbs: ['get', 'patch', 'update'] });
  if (s.scale) out.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  if (s.group === '' && s.plural === 'namespaces') out.push({ name: 'finalize', kind: self, verbs: ['update'] });
  for (const [name, sub] of Object.entries(s.postSubresources ?? {})) out.push({ name, kind: sub.kind, verbs: ['create'] });
  // The TokenRequest API (handlers/serviceAccountToken.ts), served outside the strategies.
  if (s.group === '' && s.plural === 'serviceaccounts') out.push({ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] });
  if (s.group === '' && s.plural === 'pods') {
    // The streaming subresources (handlers/podStreams.ts), listed as upstream lists them.
    const core = (kind: string): Subresource['kind'] => ({ group: '', version: 'v1', kind });
    out.push(
      { name: 'attach', kind: core('PodAttachOptions'), verbs: ['create', 'get'] },
      { name: 'exec', kind: core('PodExecOptions'), verbs: ['create', 'get'] },
      { name: 'log', kind: core('Pod'), verbs: ['get'] },
      { name: 'portforward', kind: core('PodPortForwardOptions'), verbs: ['create', 'get'] },
    );
    out.sort((a, b) => a.name.localeCompare(b.name));
  }
  return out;
}

function storageVersionHash(info: ResourceInfo): string {
  return createHash('sha256').update(`${info.strategy.group}/${info.strategy.version}/${info.strategy.kind}`).digest('base64').slice(0, 11);
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(gvs: GroupVersionInfo[]): unknown {
  const versions = gvs.map((g) => ({ groupVersion: `${g.group}/${g.version}`, version: g.version }));
  return { name: gvs[0].group, versions, preferredVersion: versions[0] };
}

function namedGroups(reg: ResourceRegistry): GroupVersionInfo[][] {
  const byGroup = new Map<string, GroupVersionInfo[]>();
  for (const gv of reg.groupVersions) {
    if (gv.group === '') continue;
    const list = byGroup.get(gv.group) ?? [];
    list.push(gv);
    byGroup.set(gv.group, list);
  }
  return [...byGroup.values()];
}

export function apiGroupList(reg: ResourceRegistry): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...namedGroups(reg).map(apiGroup), ...staticGroupVersions.map(staticApiGroup)] };
}

export function apiGroupDoc(reg: ResourceRegistry, group: string): unknown | undefined {
  const gvs = reg.groupVersions.filter((g) => g.group === group);
  const fixed = staticGroupVersion(group);
  if (gvs.length === 0 && fixed) return { kind: 'APIGroup', apiVersion: 'v1', ...staticApiGroup(fixed) };
  if (gvs.length === 0 || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(gvs) as object) };
}

export function apiResourceList(reg: ResourceRegistry, group: string, version: string): unknown | undefined {
  const gv = reg.groupVersions.find((g) => g.group === group && g.version === version);
  const fixed = gv ? undefined : staticGroupVersion(group, version);
  if (fixed) return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources: fixed.resources.map((r) => ({ ...r, verbs: [...r.verbs] })) };
  if (!gv) return undefined;
  const resources: unknown[] = [];
  for (const info of gv.resources) {
    const s = info.strategy;
    resources.push({
      name: s.plural,
      singularName: s.singular,
      namespaced: s.namespaced,
      kind: s.kind,
      verbs: [...(s.verbs ?? allVerbs)],
      ...(s.shortNames?.length ? { shortNames: s.shortNames } : {}),
      ...(s.categories?.length ? { categories: s.categories } : {}),
      storageVersionHash: storageVersionHash(info),
    });
    for (const sub of subresourcesOf(info)) {
      resources.push({
        name: `${s.plural}/${sub.name}`,
        singularName: '',
        namespaced: s.namespaced,
        ...(sub.kind.group !== s.group || sub.kind.version !== s.version ? { group: sub.kind.group, version: sub.kind.version } : {}),
        kind: sub.kind.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function discoveryResource(info: ResourceInfo): unknown {
  const s = info.strategy;
  return {
    resource: s.plural,
    responseKind: { group: s.group, version: s.version, kind: s.kind },
    scope: s.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: s.singular,
    verbs: [...(s.verbs ?? allVerbs)],
    ...(s.shortNames?.length ? { shortNames: s.shortNames } : {}),
    ...(s.categories?.length ? { categories: s.categories } : {}),
    ...(subresourcesOf(info).length
      ? { subresources: subresourcesOf(info).map((sub) => ({ subresource: sub.name, responseKind: sub.kind, verbs: sub.verbs })) }
      : {}),
  };
}

export type AggregatedVersion = 'v2' | 'v2beta1';

/** The media type answering an aggregated request, which is also the Content-Type clients parse by. */
export function aggregatedContentType(v: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

/** /api (core only) or /apis (every named group) as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(reg: ResourceRegistry, prefix: 'api' | 'apis', v: AggregatedVersion): unknown {
  const groups = prefix === 'api' ? [reg.groupVersions.filter((g) => g.group === '')] : namedGroups(reg);
  const items = groups
    .filter((gvs) => gvs.length > 0)
    .map((gvs) => ({
      metadata: { name: gvs[0].group, creationTimestamp: null },
      versions: gvs.map((gv) => ({ version: gv.version, resources: gv.resources.map(discoveryResource), freshness: 'Current' })),
    }));
  if (prefix === 'apis') items.push(...staticGroupVersions.map(staticDiscoveryGroup));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}

function staticDiscoveryGroup(g: StaticGroupVersion): { metadata: { name: string; creationTimestamp: null }; versions: { version: string; resources: unknown[]; freshness: string }[] } {
  const resources = g.resources.map((r) => ({
    resource: r.name,
    responseKind: { group: g.group, version: g.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singularName,
    verbs: [...r.verbs],
  }));
  return { metadata: { name: g.group, creationTimestamp: null }, versions: [{ version: g.version, resources, freshness: 'Current' }] };
}

/** Which aggregated version the Accept header asks for first, if any. */
export function requestedAggregated(accept: string | undefined): AggregatedVersion | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$|\s)/.test(part)) return 'v2';
  }
  return undefined;
}
