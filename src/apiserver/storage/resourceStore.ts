// The one generic store algorithm every kind goes through (upstream's registry Store):
// create / guaranteed update / delete / get / list over the datastore, with each kind's
// strategy injected for defaults, validation, status split and graceful deletion.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import * as errors from '../../machinery/errors.js';
import type { FieldError } from '../../machinery/fieldErrors.js';
import { generateNameSuffix } from '../../machinery/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../machinery/objectMeta.js';
import type { KubeList, KubeObject, ListMeta } from '../../machinery/types.js';
import type { AdmissionContext } from '../../resources/types.js';
import { StoreError, type KeyValue, type Store } from '../../store/types.js';
import type { ResourceInfo, ResourceRegistry } from '../registry.js';
import { clone, decodeStored, encodeStored, sameStored, specPart } from './objectCodec.js';
import { matches, selectionEmpty, type Selection } from './selection.js';
import { rfc3339 } from '../../machinery/time.js';

export interface WriteOptions {
  dryRun?: boolean;
  /** Who makes the change, for managedFields. */
  fieldManager?: string;
  subresource?: string;
  /** managedFields were already computed (server-side apply): don't record an Update. */
  managedFieldsDone?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListEntry {
  kv: KeyValue;
  /** Present when the entry had to be decoded (selectors). */
  obj?: KubeObject;
}

export interface ListOptions {
  selection?: Selection;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** Records who changed which fields; the apiserver plugs the server-side-apply machinery in here. */
export type ManagedFieldsTracker = (info: ResourceInfo, live: KubeObject | undefined, updated: KubeObject, manager: string, subresource: string | undefined) => KubeObject;

/** Returns the desired object given the current one (undefined if absent). */
export type TryUpdate = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

const maxRetries = 8;

/** The object just written, as a read would return it (no need to decode what we encoded). */
function withRevision(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}


interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (t.v === 'meta.k8s.io/v1' && typeof t.rv === 'number' && typeof t.start === 'string') return { rv: t.rv, start: t.start };
  } catch {
    // fall through to the upstream message
  }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export class ResourceStore {
  /** Serialises allocation-bearing writes (Service IPs and ports) so two creates can't pick the same value. */
  private admitChain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
    private readonly admission: AdmissionContext,
    private readonly trackManagedFields: ManagedFieldsTracker,
  ) {}

  // ---- reads ----

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.store.get(this.registry.key(info, namespace, name));
    if (!kv) throw errors.notFound(info.gr, name);
    return decodeStored(info, kv);
  }

  async tryGet(info: ResourceInfo, namespace: string | undefined, name: string): Promise<{ obj: KubeObject; kv: KeyValue } | undefined> {
    const kv = await this.store.get(this.registry.key(info, namespace, name));
    return kv ? { obj: decodeStored(info, kv), kv } : undefined;
  }

  async list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeList> {
    const page = await this.listEntries(info, namespace, opts);
    return { apiVersion: info.apiVersion, kind: info.listKind, metadata: page.metadata, items: page.entries.map((e) => e.obj ?? decodeStored(info, e.kv)) };
  }

  /**
   * One page of stored entries. Objects are decoded only when a selector needs them, so
   * callers that serve the stored JSON as-is (plain lists) never parse it.
   */
  async listEntries(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Promise<{ metadata: ListMeta; entries: ListEntry[] }> {
    const prefix = this.registry.listPrefix(info, namespace);
    const sel = opts.selection ?? {};
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let revision: number | undefined;
    let after: string | undefined;
    if (opts.continue) {
      const t = decodeContinue(opts.continue);
      revision = t.rv;
      after = prefix + t.start;
    } else if (opts.resourceVersion && opts.resourceVersionMatch === 'Exact') {
      revision = Number(opts.resourceVersion);
    }
    const items: ListEntry[] = [];
    let more = false;
    let remaining: number | undefined;
    let lastKey: string | undefined;
    let readAt: number | undefined = revision;
    try {
      // With a selector a page may need several reads to fill `limit` matches, as upstream does.
      for (;;) {
        const res = await this.store.list(prefix, { limit, after, revision: readAt });
        readAt = res.revision;
        let i = 0;
        while (i < res.items.length && !(limit && items.length >= limit)) {
          const kv = res.items[i++];
          lastKey = kv.key;
          if (selectionEmpty(sel)) {
            items.push({ kv });
          } else {
            const obj = decodeStored(info, kv);
            if (matches(info, sel, obj)) items.push({ kv, obj });
          }
        }
        const leftInPage = res.items.length - i;
        if (!limit || (!res.more && leftInPage === 0)) break;
        if (items.length >= limit) {
          more = leftInPage > 0 || res.more;
          if (more && selectionEmpty(sel)) remaining = leftInPage + (res.remaining ?? 0);
          break;
        }
        after = lastKey;
      }
    } catch (e) {
      if (e instanceof StoreError && e.code === 'Compacted') {
        throw errors.resourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw e;
    }
    const metadata: ListMeta = { resourceVersion: String(readAt) };
    if (more && lastKey) {
      metadata.continue = encodeContinue({ rv: readAt ?? 0, start: lastKey.slice(prefix.length) });
      if (remaining !== undefined && remaining > 0) metadata.remainingItemCount = remaining;
    }
    return { metadata, entries: items };
  }

  // ---- writes ----

  private async admitAndValidate(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): Promise<void> {
    const s = info.strategy;
    // On update upstream re-checks metadata through ValidateObjectMetaUpdate only (it
    // covers labels, annotations, owners); running both would report errors twice.
    const metaErrs = old
      ? validateObjectMetaUpdate({ ...obj.metadata, resourceVersion: old.metadata.resourceVersion }, old.metadata)
      : [
          ...validateObjectMeta(obj.metadata, { namespaced: s.namespaced, nameRule: s.nameRule ?? 'subdomain' }),
          ...(s.validateName && obj.metadata.name ? s.validateName(obj.metadata.name) : []),
        ];
    const seen = new Set<string>();
    const errs: FieldError[] = [...metaErrs, ...s.validate(obj), ...(old && s.validateUpdate ? s.validateUpdate(obj, old) : [])].filter((e) => {
      const k = `${e.type}|${e.field}|${e.detail ?? ''}|${JSON.stringify(e.value)}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (errs.length === 0 && s.admit) {
      const run = this.admitChain.then(() => s.admit!(obj, old, this.admission));
      this.admitChain = run.catch(() => undefined);
      errs.push(...(await run));
    }
    if (errs.length) throw errors.invalid(s.group, s.kind, obj.metadata.name ?? '', errs);
  }

  /**
   * NamespaceLifecycle admission: 404 for a missing namespace; 403 in a Terminating one,
   * naming the object as admission.NewForbidden does (its name, else its generateName).
   */
  private async checkNamespace(info: ResourceInfo, namespace: string | undefined, objectName: string): Promise<void> {
    if (!info.strategy.namespaced || !namespace) return;
    const nsInfo = this.registry.lookup('', 'v1', 'namespaces');
    if (!nsInfo) return;
    const kv = await this.store.get(this.registry.key(nsInfo, undefined, namespace));
    if (!kv) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
    const ns = decodeStored(nsInfo, kv);
    if (ns.metadata.deletionTimestamp) {
      throw new errors.ApiError(403, 'Forbidden', `${errors.qualified(info.gr)} "${objectName}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        name: objectName,
        ...(info.gr.group ? { group: info.gr.group } : {}),
        kind: info.gr.resource,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  async create(info: ResourceInfo, namespace: string | undefined, input: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const s = info.strategy;
    const obj = clone(input);
    obj.apiVersion = info.apiVersion;
    obj.kind = s.kind;
    const meta = (obj.metadata ??= {});
    if (s.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    const requestedName = meta.name || meta.generateName || 'Unknown';
    if (!meta.name && meta.generateName) meta.name = meta.generateName + generateNameSuffix();
    if (meta.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (s.hasStatus) meta.generation = 1;
    else delete meta.generation;
    s.prepareForCreate?.(obj);
    s.defaults?.(obj);
    await this.admitAndValidate(info, obj, undefined);
    await this.checkNamespace(info, namespace, requestedName);
    const tracked = opts.managedFieldsDone ? obj : this.trackManagedFields(info, undefined, obj, opts.fieldManager ?? 'unknown', opts.subresource);
    if (opts.dryRun) {
      if (await this.store.get(this.registry.key(info, namespace, meta.name ?? ''))) throw errors.alreadyExists(info.gr, meta.name ?? '');
      return tracked;
    }
    try {
      const kv = await this.store.create(this.registry.key(info, namespace, meta.name ?? ''), encodeStored(info, tracked));
      return withRevision(tracked, kv.modRevision);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'KeyExists') throw errors.alreadyExists(info.gr, meta.name ?? '');
      throw e;
    }
  }

  /**
   * Read-modify-write with compare-and-swap (upstream's GuaranteedUpdate). Retries on a
   * concurrent write unless the desired object names the resourceVersion it was based on.
   * With allowCreate, an absent object is created from tryUpdate(undefined) (apply, PUT-create).
   */
  async update(info: ResourceInfo, namespace: string | undefined, name: string, tryUpdate: TryUpdate, opts: WriteOptions & { allowCreate?: boolean } = {}): Promise<{ object: KubeObject; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.tryGet(info, namespace, name);
      if (!cur) {
        if (!opts.allowCreate) throw errors.notFound(info.gr, name);
        const desired = await tryUpdate(undefined);
        desired.metadata = { ...desired.metadata, name };
        try {
          return { object: await this.create(info, namespace, desired, opts), created: true };
        } catch (e) {
          if (e instanceof errors.ApiError && e.reason === 'AlreadyExists' && attempt < maxRetries) continue;
          throw e;
        }
      }
      const desired = clone(await tryUpdate(clone(cur.obj)));
      const precondition = desired.metadata?.resourceVersion;
      if (precondition && precondition !== cur.obj.metadata.resourceVersion) throw errors.staleObject(info.gr, name);
      try {
        return { object: await this.writeUpdate(info, namespace, name, cur, desired, opts), created: false };
      } catch (e) {
        if (e instanceof StoreError && e.code === 'Conflict') {
          if (precondition || attempt >= maxRetries) throw errors.staleObject(info.gr, name);
          continue;
        }
        if (e instanceof StoreError && e.code === 'NotFound') throw errors.notFound(info.gr, name);
        throw e;
      }
    }
  }

  private async writeUpdate(info: ResourceInfo, namespace: string | undefined, name: string, cur: { obj: KubeObject; kv: KeyValue }, desired: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const s = info.strategy;
    const old = cur.obj;
    if (desired.metadata?.name && desired.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (s.namespaced && desired.metadata?.namespace && desired.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    let obj: KubeObject = { ...desired, apiVersion: info.apiVersion, kind: s.kind, metadata: { ...desired.metadata, name } };
    if (s.namespaced) obj.metadata.namespace = namespace;
    // Server-owned metadata is never taken from the client.
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
      if (old.metadata[k] === undefined) delete obj.metadata[k];
      else (obj.metadata as Record<string, unknown>)[k] = old.metadata[k];
    }
    delete obj.metadata.selfLink;
    // Subresources a kind implements itself (pods/binding) write the object they built from
    // the current one directly, as upstream's binding REST does: no strategy update rules.
    const direct = opts.subresource !== undefined && !['status', 'scale', 'finalize'].includes(opts.subresource);
    if (opts.subresource === 'status') {
      if (s.prepareForStatusUpdate) s.prepareForStatusUpdate(obj, old);
      else obj = { ...clone(old), status: obj.status };
    } else if (opts.subresource !== 'finalize' && !direct) {
      if (s.prepareForUpdate) s.prepareForUpdate(obj, old);
      else if (s.hasStatus) obj.status = clone(old.status);
    }
    s.defaults?.(obj);
    if (s.hasStatus && !isDeepStrictEqual(specPart(obj), specPart(old))) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    await this.admitAndValidate(info, obj, direct ? undefined : old);
    if (!opts.managedFieldsDone) obj = this.trackManagedFields(info, old, obj, opts.fieldManager ?? 'unknown', opts.subresource);
    const key = this.registry.key(info, namespace, name);
    if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length && !s.pendingFinalizers?.(obj)) {
      // The last finalizer is gone: the object can now really be deleted.
      if (opts.dryRun) return obj;
      const kv = await this.store.delete(key, cur.kv.modRevision);
      return decodeStored(info, kv);
    }
    obj.metadata.resourceVersion = undefined;
    const value = encodeStored(info, obj);
    if (sameStored(value, cur.kv.value)) return old; // nothing changed: no new revision, as upstream
    if (opts.dryRun) return { ...obj, metadata: { ...obj.metadata, resourceVersion: old.metadata.resourceVersion } };
    const kv = await this.store.update(key, value, cur.kv.modRevision);
    return withRevision(obj, kv.modRevision);
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ object: KubeObject; deleted: boolean }> {
    const s = info.strategy;
    for (let attempt = 0; ; attempt++) {
      const cur = await this.tryGet(info, namespace, name);
      if (!cur) throw errors.notFound(info.gr, name);
      const old = cur.obj;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== old.metadata.uid) {
        throw errors.conflict(info.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
        throw errors.conflict(info.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
      }
      const key = this.registry.key(info, namespace, name);
      let obj = clone(old);
      const finalizers = new Set(obj.metadata.finalizers ?? []);
      if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
      if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
      if (!obj.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = rfc3339();
      let pending: KubeObject | undefined;
      if (s.gracefulDelete) pending = s.gracefulDelete(obj, opts.gracePeriodSeconds);
      if (!pending && finalizers.size > 0) {
        obj.metadata.finalizers = [...finalizers];
        obj.metadata.deletionGracePeriodSeconds ??= 0;
        pending = obj;
      }
      try {
        if (pending) {
          // Deletion goes on elsewhere (finalizers, the kubelet, the namespace controller).
          if (old.metadata.deletionTimestamp && isDeepStrictEqual(pending, old)) return { object: old, deleted: false };
          pending = this.trackManagedFields(info, old, pending, opts.fieldManager ?? 'unknown', undefined);
          if (opts.dryRun) return { object: pending, deleted: false };
          const kv = await this.store.update(key, encodeStored(info, pending), cur.kv.modRevision);
          return { object: decodeStored(info, kv), deleted: false };
        }
        if (opts.dryRun) return { object: old, deleted: true };
        const kv = await this.store.delete(key, cur.kv.modRevision);
        return { object: decodeStored(info, kv), deleted: true };
      } catch (e) {
        if (e instanceof StoreError && (e.code === 'Conflict' || e.code === 'NotFound') && attempt < maxRetries) continue;
        throw e;
      }
    }
  }
}
