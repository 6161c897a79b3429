// The read-only metrics.k8s.io/v1beta1 API (nodes, pods), answering as metrics-server does:
// objects come from the store (labels, existence), numbers from the node-side MetricsProvider,
// and a node or pod without a rate yet is left out of lists and is NotFound on get.
import * as errors from '../../machinery/errors.js';
import { parseFieldSelector } from '../../machinery/fieldSelector.js';
import { parseSelector } from '../../machinery/labels.js';
import type { KubeObject } from '../../machinery/types.js';
import type { ApiDeps } from '../handlers/context.js';
import type { ApiRequest, ApiResponse } from '../http/exchange.js';
import { representationOf, sendJson } from '../http/respond.js';
import type { ResourceInfo } from '../registry.js';
import type { ResourceRequest } from '../requestInfo.js';
import type { Selection } from '../storage/selection.js';
import { parseIncludeObject, partialObjectMetadata } from '../table.js';
import { listItem, metricsApiVersion, metricsGroup, metricsTable, metricsVersion, nodeMetricsObject, podMetricsObject } from './objects.js';
import type { NodeMetricsSample, PodMetricsSample } from './types.js';

const nodeMetricsGR = { group: metricsGroup, resource: 'nodemetrics' };
const podMetricsGR = { group: metricsGroup, resource: 'podmetrics' };
// metrics-server reads nodes through a typed lister (NotFound on `node`) and pods through a
// metadata lister (NotFound on `pods`), so a missing object is reported under those names.
const nodeListerGR = { group: '', resource: 'node' };
const podListerGR = { group: '', resource: 'pods' };

export interface MetricsRequest {
  deps: ApiDeps;
  req: ApiRequest;
  res: ApiResponse;
  url: URL;
  target: ResourceRequest;
}

export function isMetricsRequest(target: ResourceRequest): boolean {
  return target.group === metricsGroup;
}

/** go-restful's answer for a path that has routes but none for this method (serviceErrorHandler). */
function methodNotAllowed(): errors.ApiError {
  return new errors.ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', { causes: [{ message: '405: Method Not Allowed' }] });
}

function notFoundPath(): errors.ApiError {
  return new errors.ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/**
 * Only the routes metrics-server installs exist: list/get of cluster-scoped nodes, list/get of
 * namespaced pods, and the all-namespaces pod list. Anything else under the group is 404, and
 * a method other than GET on an existing route is 405.
 */
export async function handleMetrics(m: MetricsRequest): Promise<void> {
  const { target } = m;
  const routed =
    target.version === metricsVersion &&
    !target.watchPath &&
    target.subresource === undefined &&
    ((target.resource === 'nodes' && target.namespace === undefined) || (target.resource === 'pods' && (target.namespace !== undefined || target.name === undefined)));
  if (!routed) throw notFoundPath();
  const method = m.req.method ?? 'GET';
  if (method !== 'GET') throw methodNotAllowed();
  const gr = { group: metricsGroup, resource: target.resource };
  if (target.name === undefined) {
    const watch = m.url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') throw errors.methodNotSupported(gr, 'watch');
  }
  if (target.resource === 'nodes') return target.name === undefined ? listNodes(m) : getNode(m, target.name);
  return target.name === undefined ? listPods(m) : getPod(m, target.namespace!, target.name);
}

function coreInfo(m: MetricsRequest, resource: 'nodes' | 'pods'): ResourceInfo {
  const info = m.deps.registry.lookup('', 'v1', resource);
  if (!info) throw errors.internalError(new Error(`${resource} are not served`));
  return info;
}

/**
 * labelSelector and fieldSelector as the generic apiserver parses them for a kind without
 * field-label conversions (DefaultMetaV1FieldSelectorConversion): only metadata.name and
 * metadata.namespace are known fields.
 */
function selectionOf(url: URL): Selection {
  const sel: Selection = {};
  const ls = url.searchParams.get('labelSelector');
  if (ls) {
    const s = parseSelector(ls);
    if (!s.empty) sel.labels = s;
  }
  const fs = url.searchParams.get('fieldSelector');
  if (fs) {
    const f = parseFieldSelector(fs);
    for (const r of f.requirements) {
      if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace') {
        throw errors.badRequest(`"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      }
    }
    if (!f.empty) sel.fields = f;
  }
  return sel;
}

async function readSamples<T>(what: 'nodes' | 'pods', read: () => Promise<T[]> | undefined): Promise<T[]> {
  try {
    return (await read()) ?? [];
  } catch (e) {
    throw errors.internalError(new Error(`failed reading ${what} metrics: ${e instanceof Error ? e.message : String(e)}`));
  }
}

async function nodeSamples(m: MetricsRequest): Promise<Map<string, NodeMetricsSample>> {
  const samples = await readSamples('nodes', () => m.deps.metrics?.nodeMetrics());
  return new Map(samples.map((s) => [s.nodeName, s]));
}

async function podSamples(m: MetricsRequest): Promise<Map<string, PodMetricsSample>> {
  const samples = await readSamples('pods', () => m.deps.metrics?.podMetrics());
  return new Map(samples.map((s) => [`${s.namespace}/${s.name}`, s]));
}

function podSampleFor(samples: Map<string, PodMetricsSample>, pod: KubeObject): PodMetricsSample | undefined {
  const s = samples.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
  // A pod deleted and recreated under the same name is a different pod: its numbers are not ours.
  if (s && s.uid !== undefined && pod.metadata.uid !== undefined && s.uid !== pod.metadata.uid) return undefined;
  return s;
}

function respondObject(m: MetricsRequest, obj: KubeObject): void {
  const rep = representationOf(m.req.headers.accept);
  if (rep === 'table') return sendJson(m.res, 200, metricsTable([obj], parseIncludeObject(m.url.searchParams.get('includeObject'))), m.req);
  if (rep === 'partial') return sendJson(m.res, 200, partialObjectMetadata(obj), m.req);
  sendJson(m.res, 200, obj, m.req);
}

function respondList(m: MetricsRequest, listKind: string, objs: KubeObject[]): void {
  const rep = representationOf(m.req.headers.accept);
  if (rep === 'table') return sendJson(m.res, 200, metricsTable(objs, parseIncludeObject(m.url.searchParams.get('includeObject'))), m.req);
  if (rep === 'partial') {
    return sendJson(m.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {}, items: objs.map(partialObjectMetadata) }, m.req);
  }
  sendJson(m.res, 200, { kind: listKind, apiVersion: metricsApiVersion, metadata: {}, items: objs.map(listItem) }, m.req);
}

const byName = (a: KubeObject, b: KubeObject): number => cmp(a.metadata.name ?? '', b.metadata.name ?? '');
const byNamespaceName = (a: KubeObject, b: KubeObject): number => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || byName(a, b);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function listNodes(m: MetricsRequest): Promise<void> {
  const selection = selectionOf(m.url);
  const [nodes, samples] = await Promise.all([m.deps.objects.list(coreInfo(m, 'nodes'), undefined, { selection }), nodeSamples(m)]);
  const now = Date.now();
  const out: KubeObject[] = [];
  for (const node of nodes.items) {
    const s = samples.get(node.metadata.name ?? '');
    if (s) out.push(nodeMetricsObject(node, s, now));
  }
  respondList(m, 'NodeMetricsList', out.sort(byName));
}

async function getNode(m: MetricsRequest, name: string): Promise<void> {
  const found = await m.deps.objects.tryGet(coreInfo(m, 'nodes'), undefined, name);
  if (!found) throw errors.notFound(nodeListerGR, name);
  const s = (await nodeSamples(m)).get(name);
  if (!s) throw errors.notFound(nodeMetricsGR, name);
  respondObject(m, nodeMetricsObject(found.obj, s, Date.now()));
}

async function listPods(m: MetricsRequest): Promise<void> {
  const selection = selectionOf(m.url);
  const [pods, samples] = await Promise.all([m.deps.objects.list(coreInfo(m, 'pods'), m.target.namespace, { selection }), podSamples(m)]);
  const now = Date.now();
  const out: KubeObject[] = [];
  for (const pod of pods.items) {
    const s = podSampleFor(samples, pod);
    if (s) out.push(podMetricsObject(pod, s, now));
  }
  respondList(m, 'PodMetricsList', out.sort(byNamespaceName));
}

async function getPod(m: MetricsRequest, namespace: string, name: string): Promise<void> {
  const found = await m.deps.objects.tryGet(coreInfo(m, 'pods'), namespace, name);
  if (!found) throw errors.notFound(podListerGR, name);
  const s = podSampleFor(await podSamples(m), found.obj);
  // metrics-server names the missing metrics "<namespace>/<name>" (pkg/api/pod.go Get).
  if (!s) throw errors.notFound(podMetricsGR, `${namespace}/${name}`);
  respondObject(m, podMetricsObject(found.obj, s, Date.now()));
}
