// The REST paths and operations of every resource, in a form neutral to OpenAPI v2/v3.
// Shapes follow upstream's published specs (api/openapi-spec): one path per collection,
// item, `-A` list, /status and /scale; common parameters on the path, the verb's own on the
// operation; `x-kubernetes-action` and an object-valued `x-kubernetes-group-version-kind`
// on each operation (kubectl matches PATCH operations by it to decide fieldValidation and
// strategic-merge support).
import type { GroupVersionKind } from '../../machinery/types.js';
import { allVerbs, type ResourceStrategy, type Verb } from '../../resources/types.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const STATUS_REF = `${META}.Status`;
export const DELETE_OPTIONS_REF = `${META}.DeleteOptions`;
export const PATCH_REF = `${META}.Patch`;
export const SCALE_REF = 'io.k8s.api.autoscaling.v1.Scale';

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

export interface Param {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'boolean' | 'integer';
  description: string;
  required?: boolean;
}

export interface Response {
  code: string;
  description: string;
  ref?: string;
}

export interface Operation {
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  tag: string;
  gvk: GroupVersionKind;
  params: Param[];
  /** Request body schema; `patch` bodies are listed under every patch content type. */
  body?: { ref: string; required: boolean };
  responses: Response[];
  /** The response is a list (adds the watch stream content types). */
  list?: boolean;
}

export interface PathItem {
  path: string;
  params: Param[];
  operations: Operation[];
}

export const patchContentTypes = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
export const responseContentTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
export const watchContentTypes = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];

const q = (name: string, type: Param['type'], description: string): Param => ({ name, in: 'query', type, description });

const P = {
  pretty: q('pretty', 'string', "If 'true', the output is pretty printed."),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK events in a watch.'),
  continue: q('continue', 'string', 'The continue token of the previous page of a paginated list.'),
  fieldSelector: q('fieldSelector', 'string', 'Restrict the returned objects by their fields (e.g. metadata.name=x).'),
  labelSelector: q('labelSelector', 'string', 'Restrict the returned objects by their labels.'),
  limit: q('limit', 'integer', 'Maximum number of objects to return; more are fetched with the continue token.'),
  resourceVersion: q('resourceVersion', 'string', 'Constrains which resource versions the request may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: NotOlderThan or Exact.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'Start a watch with synthetic ADDED events for the current objects.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Time limit of the list or watch call.'),
  watch: q('watch', 'boolean', 'Watch for changes instead of listing.'),
  dryRun: q('dryRun', 'string', 'When All, the request is checked but nothing is persisted.'),
  fieldManager: q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'How unknown or duplicate fields in the body are handled: Ignore (drop silently), Warn (drop with a Warning header, the default) or Strict (reject with BadRequest).',
  ),
  force: q('force', 'boolean', 'Take ownership of conflicting fields in an apply request.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 means now.'),
  ignoreStoreReadError: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Delete an object whose stored form cannot be read; may break the cluster.',
  ),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', 'Whether and how dependents are garbage-collected: Orphan, Background or Foreground.'),
};

const listParams = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const writeParams = [P.dryRun, P.fieldManager, P.fieldValidation];
const deleteParams = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
const deleteCollectionParams = [
  P.continue,
  P.dryRun,
  P.fieldSelector,
  P.gracePeriodSeconds,
  P.ignoreStoreReadError,
  P.labelSelector,
  P.limit,
  P.orphanDependents,
  P.propagationPolicy,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
];

const unauthorized: Response = { code: '401', description: 'Unauthorized' };
const ok = (ref: string): Response => ({ code: '200', description: 'OK', ref });
const created = (ref: string): Response => ({ code: '201', description: 'Created', ref });
const accepted = (ref: string): Response => ({ code: '202', description: 'Accepted', ref });

/** The path of a group version: `/api/v1`, `/apis/apps/v1`. */
export function groupVersionPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The key of a group version in the OpenAPI v3 index: `api/v1`, `apis/apps/v1`. */
export function groupVersionKey(group: string, version: string): string {
  return groupVersionPrefix(group, version).slice(1);
}

/** `core` → `Core`, `rbac.authorization.k8s.io` → `RbacAuthorization` (upstream operationId style). */
function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join('');
}

function tagOf(group: string, version: string): string {
  const w = groupWord(group);
  return `${w.charAt(0).toLowerCase()}${w.slice(1)}_${version}`;
}

export function listRef(s: ResourceStrategy): string {
  return `${s.schemaRef}List`;
}

/** Every path item of one resource, in a stable order. */
export function resourcePaths(s: ResourceStrategy): PathItem[] {
  const verbs = new Set<Verb>(s.verbs ?? allVerbs);
  const gvk: GroupVersionKind = { group: s.group, kind: s.kind, version: s.version };
  const gv = `${groupWord(s.group)}${s.version.charAt(0).toUpperCase()}${s.version.slice(1)}`;
  const tag = tagOf(s.group, s.version);
  const prefix = groupVersionPrefix(s.group, s.version);
  const ns = s.namespaced ? 'Namespaced' : '';
  const base = s.namespaced ? `${prefix}/namespaces/{namespace}/${s.plural}` : `${prefix}/${s.plural}`;
  const nsParam: Param[] = s.namespaced
    ? [{ name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' }]
    : [];
  const nameParam = (what: string): Param => ({ name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${what}` });
  const op = (o: Omit<Operation, 'tag' | 'gvk'> & { gvk?: GroupVersionKind }): Operation => ({ tag, gvk, ...o });
  const out: PathItem[] = [];

  const collection: Operation[] = [];
  if (verbs.has('list') || verbs.has('watch')) {
    collection.push(op({ method: 'get', action: 'list', operationId: `list${gv}${ns}${s.kind}`, description: `list or watch objects of kind ${s.kind}`, params: listParams, responses: [ok(listRef(s)), unauthorized], list: true }));
  }
  if (verbs.has('create')) {
    collection.push(op({
      method: 'post',
      action: 'post',
      operationId: `create${gv}${ns}${s.kind}`,
      description: `create ${article(s.kind)} ${s.kind}`,
      params: writeParams,
      body: { ref: s.schemaRef, required: true },
      responses: [ok(s.schemaRef), created(s.schemaRef), accepted(s.schemaRef), unauthorized],
    }));
  }
  if (verbs.has('deletecollection')) {
    collection.push(op({
      method: 'delete',
      action: 'deletecollection',
      operationId: `delete${gv}Collection${ns}${s.kind}`,
      description: `delete collection of ${s.kind}`,
      params: deleteCollectionParams,
      body: { ref: DELETE_OPTIONS_REF, required: false },
      responses: [ok(STATUS_REF), unauthorized],
    }));
  }
  if (collection.length) out.push({ path: base, params: [...nsParam, P.pretty], operations: collection });

  const item: Operation[] = [];
  if (verbs.has('get')) {
    item.push(op({ method: 'get', action: 'get', operationId: `read${gv}${ns}${s.kind}`, description: `read the specified ${s.kind}`, params: [], responses: [ok(s.schemaRef), unauthorized] }));
  }
  if (verbs.has('update')) item.push(replaceOp(op, `replace${gv}${ns}${s.kind}`, `replace the specified ${s.kind}`, s.schemaRef));
  if (verbs.has('patch')) item.push(patchOp(op, `patch${gv}${ns}${s.kind}`, `partially update the specified ${s.kind}`, s.schemaRef));
  if (verbs.has('delete')) {
    item.push(op({
      method: 'delete',
      action: 'delete',
      operationId: `delete${gv}${ns}${s.kind}`,
      description: `delete ${article(s.kind)} ${s.kind}`,
      params: deleteParams,
      body: { ref: DELETE_OPTIONS_REF, required: false },
      responses: [ok(STATUS_REF), accepted(STATUS_REF), unauthorized],
    }));
  }
  const itemParams = [nameParam(s.kind), ...nsParam, P.pretty];
  if (item.length) out.push({ path: `${base}/{name}`, params: itemParams, operations: item });

  if (s.namespaced && (verbs.has('list') || verbs.has('watch'))) {
    out.push({
      path: `${prefix}/${s.plural}`,
      params: [...listParams, P.pretty],
      operations: [op({ method: 'get', action: 'list', operationId: `list${gv}${s.kind}ForAllNamespaces`, description: `list or watch objects of kind ${s.kind}`, params: [], responses: [ok(listRef(s)), unauthorized], list: true })],
    });
  }

  if (s.hasStatus) {
    out.push({ path: `${base}/{name}/status`, params: itemParams, operations: subresourceOps(op, verbs, `${gv}${ns}${s.kind}Status`, `status of the specified ${s.kind}`, s.schemaRef) });
  }
  if (s.scale) {
    const scaleOp = (o: Omit<Operation, 'tag' | 'gvk'>): Operation => op({ ...o, gvk: { group: 'autoscaling', kind: 'Scale', version: 'v1' } });
    out.push({
      path: `${base}/{name}/scale`,
      params: [{ ...nameParam('Scale') }, ...nsParam, P.pretty],
      operations: subresourceOps(scaleOp, verbs, `${gv}${ns}${s.kind}Scale`, `scale of the specified ${s.kind}`, SCALE_REF),
    });
  }
  return out.filter((p) => p.operations.length > 0);
}

type OpMaker = (o: Omit<Operation, 'tag' | 'gvk'>) => Operation;

function replaceOp(op: OpMaker, id: string, description: string, ref: string): Operation {
  return op({ method: 'put', action: 'put', operationId: id, description, params: writeParams, body: { ref, required: true }, responses: [ok(ref), created(ref), unauthorized] });
}

function patchOp(op: OpMaker, id: string, description: string, ref: string): Operation {
  return op({
    method: 'patch',
    action: 'patch',
    operationId: id,
    description,
    params: [...writeParams, P.force],
    body: { ref: PATCH_REF, required: true },
    responses: [ok(ref), created(ref), unauthorized],
  });
}

function subresourceOps(op: OpMaker, verbs: Set<Verb>, idSuffix: string, what: string, ref: string): Operation[] {
  const ops: Operation[] = [];
  if (verbs.has('get')) ops.push(op({ method: 'get', action: 'get', operationId: `read${idSuffix}`, description: `read ${what}`, params: [], responses: [ok(ref), unauthorized] }));
  if (verbs.has('update')) ops.push(replaceOp(op, `replace${idSuffix}`, `replace ${what}`, ref));
  if (verbs.has('patch')) ops.push(patchOp(op, `patch${idSuffix}`, `partially update ${what}`, ref));
  return ops;
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}
