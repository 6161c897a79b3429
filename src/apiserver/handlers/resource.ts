// Verbs on resources: get, list, watch, create, update, patch, delete, deletecollection,
// and the status / scale / finalize subresources. One generic path for every kind.
import * as errors from '../../machinery/errors.js';
import { serverSideApply } from '../../machinery/apply/index.js';
import { applyPatch } from '../../machinery/patch/index.js';
import { isPlainObject, type KubeObject } from '../../machinery/types.js';
import { allVerbs, type Verb } from '../../resources/types.js';
import { decodeObjectBody, mediaType, parseJson, parseYamlBody, readBody } from '../http/body.js';
import { representationOf, sendJson, sendJsonText, wantsYaml } from '../http/respond.js';
import { decodeStored, withResourceVersion } from '../storage/objectCodec.js';
import { parseSelection } from '../storage/selection.js';
import type { DeleteOptions } from '../storage/resourceStore.js';
import { parseIncludeObject, partialObjectMetadata, toTable } from '../table.js';
import { serveWatch } from '../watch.js';
import { fieldManagerOf, fieldValidationOf, intParam, isDryRun, validateWriteOptions, type RequestContext } from './context.js';
import { checkFields, checkKind } from './objectInput.js';
import { scaleOf, withScale } from './scale.js';
import { rfc3339 } from '../../machinery/time.js';

const applyPatchType = 'application/apply-patch+yaml';

function requireVerb(ctx: RequestContext, verb: Verb): void {
  if (!(ctx.info.strategy.verbs ?? allVerbs).includes(verb)) throw errors.methodNotSupported(ctx.info.gr, verb);
}

function respondObject(ctx: RequestContext, code: number, obj: KubeObject): void {
  const rep = representationOf(ctx.req.headers.accept);
  // Every object answered here was decoded or built for this request alone.
  if (rep === 'object' && ctx.res.endObject && !wantsYaml(ctx.req.headers.accept)) return ctx.res.endObject(code, obj);
  let body: unknown = obj;
  if (rep === 'table') body = toTable(ctx.info, [obj], { resourceVersion: obj.metadata.resourceVersion }, parseIncludeObject(ctx.url.searchParams.get('includeObject')));
  else if (rep === 'partial') body = partialObjectMetadata(obj);
  sendJson(ctx.res, code, body, ctx.req, ctx.warnings);
}

function checkSubresource(ctx: RequestContext, allowed: readonly string[]): void {
  const sub = ctx.target.subresource;
  if (sub === undefined) return;
  const s = ctx.info.strategy;
  const exists = (sub === 'status' && s.hasStatus) || (sub === 'scale' && s.scale) || (sub === 'finalize' && s.plural === 'namespaces' && s.group === '');
  if (!exists) throw errors.notFound(ctx.info.gr, `${ctx.target.name}/${sub}`);
  if (!allowed.includes(sub)) throw errors.methodNotSupported({ group: ctx.info.gr.group, resource: `${ctx.info.gr.resource}/${sub}` }, ctx.req.method?.toLowerCase() ?? '');
}

export async function handleResource(ctx: RequestContext): Promise<void> {
  const { req, target, url } = ctx;
  const method = req.method ?? 'GET';
  if (ctx.info.strategy.namespaced === false && target.namespace) throw errors.notFound(ctx.info.gr, target.name ?? '');
  const watch = target.watchPath || url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  if (method === 'GET' && target.name === undefined) return watch ? watchCollection(ctx) : list(ctx);
  if (method === 'GET' && watch) return watchCollection(ctx, target.name);
  if (method === 'GET') return get(ctx);
  if (method === 'POST' && target.name === undefined) return create(ctx);
  if (method === 'POST' && target.subresource !== undefined) return postSubresource(ctx);
  if (method === 'PUT' && target.name !== undefined) return update(ctx);
  if (method === 'PATCH' && target.name !== undefined) return patch(ctx);
  if (method === 'DELETE' && target.name !== undefined) return remove(ctx);
  if (method === 'DELETE') return removeCollection(ctx);
  throw errors.methodNotSupported(ctx.info.gr, method.toLowerCase());
}

async function get(ctx: RequestContext): Promise<void> {
  requireVerb(ctx, 'get');
  checkSubresource(ctx, ['status', 'scale']);
  const obj = await ctx.deps.objects.get(ctx.info, ctx.target.namespace, ctx.target.name!);
  if (ctx.target.subresource === 'scale') return sendJson(ctx.res, 200, scaleOf(ctx.info, obj), ctx.req);
  respondObject(ctx, 200, obj);
}

async function list(ctx: RequestContext): Promise<void> {
  requireVerb(ctx, 'list');
  const q = ctx.url.searchParams;
  const selection = parseSelection(ctx.info, q.get('labelSelector'), q.get('fieldSelector'));
  const limit = intParam(ctx.url, 'limit') ?? 0;
  const page = await ctx.deps.objects.listEntries(ctx.info, ctx.target.namespace, {
    selection,
    limit: limit > 0 ? limit : undefined,
    continue: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
  });
  const rep = representationOf(ctx.req.headers.accept);
  if (rep === 'object' && !wantsYaml(ctx.req.headers.accept)) {
    // Plain JSON lists are spliced from the stored text: no parse, no re-serialisation.
    const parts = page.entries.map((e) => withResourceVersion(ctx.info, e.kv) ?? JSON.stringify(e.obj ?? decodeStored(ctx.info, e.kv)));
    const head = JSON.stringify({ kind: ctx.info.listKind, apiVersion: ctx.info.apiVersion, metadata: page.metadata }).slice(0, -1);
    return sendJsonText(ctx.res, 200, `${head},"items":[${parts.join(',')}]}`);
  }
  const items = page.entries.map((e) => e.obj ?? decodeStored(ctx.info, e.kv));
  if (rep === 'table') return sendJson(ctx.res, 200, toTable(ctx.info, items, page.metadata, parseIncludeObject(q.get('includeObject'))), ctx.req);
  if (rep === 'partial') {
    return sendJson(ctx.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: page.metadata, items: items.map(partialObjectMetadata) }, ctx.req);
  }
  sendJson(ctx.res, 200, { kind: ctx.info.listKind, apiVersion: ctx.info.apiVersion, metadata: page.metadata, items }, ctx.req);
}

async function watchCollection(ctx: RequestContext, name?: string): Promise<void> {
  requireVerb(ctx, 'watch');
  const q = ctx.url.searchParams;
  let fieldSelector = q.get('fieldSelector');
  if (name !== undefined) fieldSelector = [fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',');
  const timeout = intParam(ctx.url, 'timeoutSeconds');
  await serveWatch(ctx.deps, ctx.req, ctx.res, {
    info: ctx.info,
    namespace: ctx.target.namespace,
    selection: parseSelection(ctx.info, q.get('labelSelector'), fieldSelector),
    resourceVersion: q.get('resourceVersion') ?? undefined,
    allowBookmarks: q.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: q.get('sendInitialEvents') === 'true',
    timeoutSeconds: timeout,
    representation: representationOf(ctx.req.headers.accept),
    includeObject: parseIncludeObject(q.get('includeObject')),
  });
}

async function readObject(ctx: RequestContext): Promise<KubeObject> {
  const body = await readBody(ctx.req);
  const obj = checkKind(ctx, decodeObjectBody(body, mediaType(ctx.req)));
  checkFields(ctx, obj, fieldValidationOf(ctx.url));
  return obj;
}

async function create(ctx: RequestContext): Promise<void> {
  requireVerb(ctx, 'create');
  validateWriteOptions(ctx.url, 'CreateOptions');
  const obj = await readObject(ctx);
  if (ctx.info.strategy.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ctx.target.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (ctx.info.strategy.namespaced && !ctx.target.namespace) throw errors.notFound(ctx.info.gr, '');
  const created = await ctx.deps.objects.create(ctx.info, ctx.target.namespace, obj, { dryRun: isDryRun(ctx.url), fieldManager: fieldManagerOf(ctx) });
  ctx.warnings.push(...(ctx.info.strategy.warnings?.(created) ?? []));
  respondObject(ctx, 201, created);
}

async function postSubresource(ctx: RequestContext): Promise<void> {
  const sub = ctx.info.strategy.postSubresources?.[ctx.target.subresource!];
  if (!sub) throw errors.notFound(ctx.info.gr, `${ctx.target.name}/${ctx.target.subresource}`);
  validateWriteOptions(ctx.url, 'CreateOptions');
  const body = decodeObjectBody(await readBody(ctx.req), mediaType(ctx.req));
  if (body.kind !== undefined && body.kind !== sub.kind.kind) throw errors.badRequest(`expected a ${sub.kind.kind}, got ${String(body.kind)}`);
  const posted: KubeObject = { ...body, metadata: isPlainObject(body.metadata) ? body.metadata : {} };
  const name = ctx.target.name!;
  const dryRun = isDryRun(ctx.url);
  const now = rfc3339();
  let deletion: { gracePeriodSeconds?: number; uid?: string } | undefined;
  await ctx.deps.objects.update(ctx.info, ctx.target.namespace, name, (cur) => {
    const out = sub.apply(cur!, posted, now);
    if ('update' in out) return out.update;
    deletion = out.delete;
    return cur!;
    // What was posted is a Binding or an Eviction, not the pod: upstream writes the pod from its
    // storage layer, so the pod's managedFields stay as they were (no scheduler entry).
  }, { dryRun, fieldManager: fieldManagerOf(ctx), subresource: ctx.target.subresource, managedFieldsDone: true });
  if (deletion) {
    await ctx.deps.objects.delete(ctx.info, ctx.target.namespace, name, { dryRun, gracePeriodSeconds: deletion.gracePeriodSeconds, preconditions: deletion.uid ? { uid: deletion.uid } : undefined });
  }
  sendJson(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, ctx.req);
}

async function update(ctx: RequestContext): Promise<void> {
  requireVerb(ctx, 'update');
  checkSubresource(ctx, ['status', 'scale', 'finalize']);
  validateWriteOptions(ctx.url, 'UpdateOptions');
  const name = ctx.target.name!;
  const sub = ctx.target.subresource;
  const opts = { dryRun: isDryRun(ctx.url), fieldManager: fieldManagerOf(ctx), subresource: sub };
  if (sub === 'scale') {
    const body = parseJson(await readBody(ctx.req));
    if (!isPlainObject(body)) throw errors.badRequest('expected a Scale object');
    const { object } = await ctx.deps.objects.update(ctx.info, ctx.target.namespace, name, (cur) => withScale(ctx.info, cur!, body), opts);
    return sendJson(ctx.res, 200, scaleOf(ctx.info, object), ctx.req);
  }
  const obj = await readObject(ctx);
  const { object, created } = await ctx.deps.objects.update(ctx.info, ctx.target.namespace, name, (cur) => {
    // A PUT body's uid is a precondition (rest.DefaultUpdatedObjectInfo.Preconditions): a
    // stale copy of a deleted-and-recreated object must not overwrite the new one.
    const uid = obj.metadata?.uid;
    if (uid && cur && uid !== cur.metadata.uid) {
      throw errors.conflict(ctx.info.gr, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
    }
    return obj;
  }, opts);
  respondObject(ctx, created ? 201 : 200, object);
}

async function patch(ctx: RequestContext): Promise<void> {
  requireVerb(ctx, 'patch');
  checkSubresource(ctx, ['status', 'scale']);
  validateWriteOptions(ctx.url, 'PatchOptions');
  const name = ctx.target.name!;
  const sub = ctx.target.subresource;
  const type = mediaType(ctx.req);
  const raw = await readBody(ctx.req);
  const body = type === applyPatchType ? parseYamlBody(raw) : parseJson(raw);
  const dryRun = isDryRun(ctx.url);
  const manager = fieldManagerOf(ctx);
  const schema = ctx.deps.schemaFor(ctx.info);
  const mode = fieldValidationOf(ctx.url);
  if (sub === 'scale') {
    const { object } = await ctx.deps.objects.update(ctx.info, ctx.target.namespace, name, (cur) => {
      const patched = applyPatch(type, scaleOf(ctx.info, cur!), body, undefined);
      if (!isPlainObject(patched)) throw errors.badRequest('patch did not produce an object');
      return withScale(ctx.info, cur!, patched);
    }, { dryRun, fieldManager: manager, subresource: 'scale' });
    return sendJson(ctx.res, 200, scaleOf(ctx.info, object), ctx.req);
  }
  if (type === applyPatchType) {
    if (!isPlainObject(body)) throw errors.badRequest('apply patch must be an object');
    if (!ctx.url.searchParams.get('fieldManager')) throw errors.badRequest('PATCH, application/apply-patch+yaml requires fieldManager parameter');
    const applied = checkKind(ctx, body);
    checkFields(ctx, applied, mode, 'patch');
    if (!schema) throw errors.badRequest(`server-side apply is not supported for ${ctx.info.gr.resource}`);
    const force = ctx.url.searchParams.get('force') === 'true';
    const { object, created } = await ctx.deps.objects.update(ctx.info, ctx.target.namespace, name, (cur) => {
      const out = serverSideApply({
        live: cur,
        applied: { ...applied, metadata: { ...applied.metadata, name } },
        manager,
        force,
        schema,
        apiVersion: ctx.info.apiVersion,
        now: rfc3339(),
        subresource: sub,
        ignorePaths: ctx.info.strategy.hasStatus ? [sub === 'status' ? ['spec'] : ['status']] : undefined,
      }).object;
      // The result carries the live resourceVersion; compare-and-swap happens in the store.
      if (cur) out.metadata.resourceVersion = undefined;
      return out;
    }, { dryRun, fieldManager: manager, subresource: sub, allowCreate: sub === undefined, managedFieldsDone: true });
    return respondObject(ctx, created ? 201 : 200, object);
  }
  const { object } = await ctx.deps.objects.update(ctx.info, ctx.target.namespace, name, (cur) => {
    const patched = applyPatch(type, cur!, body, schema);
    if (!isPlainObject(patched)) throw errors.badRequest('patch did not produce an object');
    const obj = checkKind(ctx, patched);
    checkFields(ctx, obj, mode, 'patch');
    // A patch may carry metadata.resourceVersion as a precondition; otherwise it applies to the latest.
    const patchMeta = isPlainObject(body) && isPlainObject(body.metadata) ? body.metadata : undefined;
    if (!patchMeta || typeof patchMeta.resourceVersion !== 'string') obj.metadata.resourceVersion = undefined;
    return obj;
  }, { dryRun, fieldManager: manager, subresource: sub });
  respondObject(ctx, 200, object);
}

async function deleteOptionsOf(ctx: RequestContext): Promise<DeleteOptions> {
  const q = ctx.url.searchParams;
  const opts: DeleteOptions = { dryRun: isDryRun(ctx.url), fieldManager: fieldManagerOf(ctx) };
  const raw = await readBody(ctx.req);
  let bodyDryRun: unknown[] | undefined;
  if (raw.length > 0) {
    const body = parseJson(raw);
    if (!isPlainObject(body)) throw errors.badRequest(`json: cannot unmarshal ${jsonKind(body)} into Go value of type v1.DeleteOptions`);
    // A DeleteOptions that does not decode is refused whole (400), never half-applied: a
    // mistyped field must not turn a graceful or dry-run delete into a real, immediate one.
    expectType(body, 'gracePeriodSeconds', 'number', 'int64');
    expectType(body, 'propagationPolicy', 'string', 'v1.DeletionPropagation');
    expectType(body, 'orphanDependents', 'boolean', 'bool');
    expectType(body, 'preconditions', 'object', 'v1.Preconditions');
    expectType(body, 'dryRun', 'array', '[]string');
    if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
    if (typeof body.propagationPolicy === 'string') opts.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (body.orphanDependents === true) opts.propagationPolicy ??= 'Orphan';
    if (isPlainObject(body.preconditions)) opts.preconditions = body.preconditions as DeleteOptions['preconditions'];
    if (Array.isArray(body.dryRun)) {
      bodyDryRun = body.dryRun;
      if (body.dryRun.includes('All')) opts.dryRun = true;
    }
  }
  validateWriteOptions(ctx.url, 'DeleteOptions', bodyDryRun);
  const grace = intParam(ctx.url, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const pp = q.get('propagationPolicy');
  if (pp) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw errors.invalid('meta.k8s.io', 'DeleteOptions', '', [{ type: 'NotSupported', field: 'propagationPolicy', value: opts.propagationPolicy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' }]);
  }
  return opts;
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** encoding/json's type error, as upstream's decoder reports a mistyped DeleteOptions field. */
function expectType(body: Record<string, unknown>, key: string, want: 'number' | 'string' | 'boolean' | 'object' | 'array', goType: string): void {
  const v = body[key];
  if (v === undefined || v === null) return;
  const got = jsonKind(v);
  const ok = want === 'number' ? typeof v === 'number' && Number.isInteger(v) : want === 'object' ? isPlainObject(v) : got === want;
  if (!ok) throw errors.badRequest(`json: cannot unmarshal ${got === 'boolean' ? 'bool' : got} into Go struct field DeleteOptions.${key} of type ${goType}`);
}

async function remove(ctx: RequestContext): Promise<void> {
  requireVerb(ctx, 'delete');
  if (ctx.target.subresource) throw errors.methodNotSupported(ctx.info.gr, 'delete');
  const opts = await deleteOptionsOf(ctx);
  const { object } = await ctx.deps.objects.delete(ctx.info, ctx.target.namespace, ctx.target.name!, opts);
  respondObject(ctx, 200, object);
}

async function removeCollection(ctx: RequestContext): Promise<void> {
  requireVerb(ctx, 'deletecollection');
  const q = ctx.url.searchParams;
  const opts = await deleteOptionsOf(ctx);
  const selection = parseSelection(ctx.info, q.get('labelSelector'), q.get('fieldSelector'));
  const found = await ctx.deps.objects.list(ctx.info, ctx.target.namespace, { selection });
  const items: KubeObject[] = [];
  for (const o of found.items) {
    try {
      items.push((await ctx.deps.objects.delete(ctx.info, o.metadata.namespace, o.metadata.name!, opts)).object);
    } catch (e) {
      if (!(e instanceof errors.ApiError && e.code === 404)) throw e;
    }
  }
  sendJson(ctx.res, 200, { apiVersion: ctx.info.apiVersion, kind: ctx.info.listKind, metadata: { resourceVersion: found.metadata.resourceVersion }, items }, ctx.req);
}
