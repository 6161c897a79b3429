// The one Client every controller, the scheduler and the node agent use. It speaks in
// resources (GVR + namespace + name) and typed options, never in URLs or sockets, so the
// same code runs over HTTPS (httpTransport.ts) or in-process (the apiserver's loopback).
// Shapes follow client-go's dynamic client and metav1's Get/List/Create/Update/Patch/
// DeleteOptions. Failures are thrown as ApiError (src/machinery/errors.ts) carrying the
// server's Status; see errors.ts for isNotFound/isConflict/….
import type { GroupVersionResource, KubeList, KubeObject, Status } from '../machinery/types.js';

export type { GroupVersionResource } from '../machinery/types.js';

/** Options every request accepts. */
export interface RequestOptions {
  /** Aborts the request (for watch: stops the stream). */
  signal?: AbortSignal;
}

/** Namespace of the object addressed; omit for cluster-scoped resources (or all namespaces when listing). */
export interface NamespacedOptions extends RequestOptions {
  namespace?: string;
}

export interface GetOptions extends NamespacedOptions {
  /** e.g. 'status', 'scale'. */
  subresource?: string;
  resourceVersion?: string;
}

export interface ListOptions extends NamespacedOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions extends NamespacedOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Start after this version; unset or '0' first replays current objects as ADDED. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

/** Options shared by writes (create/update/patch). */
export interface WriteOptions extends NamespacedOptions {
  /** Run admission and validation but persist nothing (`?dryRun=All`). */
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

export interface CreateOptions extends WriteOptions {
  /** Create on a subresource of the object named in `obj.metadata.name` (e.g. pods/binding, pods/eviction). */
  subresource?: string;
}

export interface UpdateOptions extends WriteOptions {
  /** 'status', 'scale', …: PUT to `<name>/<subresource>`. */
  subresource?: string;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  subresource?: string;
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteOptions extends NamespacedOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  dryRun?: boolean;
}

export type DeleteCollectionOptions = DeleteOptions & Omit<ListOptions, keyof NamespacedOptions>;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One event of a watch; an ERROR event carries a Status (410 = resourceVersion too old). */
export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

/**
 * A running watch. Iterate it once; iteration ends when the server closes the stream
 * (timeout, shutdown) or `stop()` is called, and throws if the connection fails.
 * Breaking out of a `for await` stops it.
 */
export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
}

/** A successful delete returns the object (graceful deletion, finalizers pending) or a Success Status. */
export type DeleteResult<T extends KubeObject = KubeObject> = T | Status;

export interface Client {
  get<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, name: string, opts?: GetOptions): Promise<T>;
  list<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, opts?: ListOptions): Promise<KubeList<T>>;
  /** Resolves once the server accepted the watch (a refused watch rejects with its ApiError). */
  watch<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, opts?: WatchOptions): Promise<WatchStream<T>>;
  /** Namespace comes from `opts.namespace`, else `obj.metadata.namespace`. */
  create<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, obj: T, opts?: CreateOptions): Promise<T>;
  /** Optimistic concurrency: a stale `metadata.resourceVersion` fails with 409 Conflict. */
  update<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, obj: T, opts?: UpdateOptions): Promise<T>;
  /** `patch` is the body: an object for merge/strategic/apply, an operation array for json. */
  patch<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, name: string, patch: unknown, opts: PatchOptions): Promise<T>;
  delete<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, name: string, opts?: DeleteOptions): Promise<DeleteResult<T>>;
  deleteCollection(gvr: GroupVersionResource, opts?: DeleteCollectionOptions): Promise<void>;
}

/** `deployments.v1.apps` / `pods.v1`: the GVR as logs and error messages name it. */
export const gvrString = (gvr: GroupVersionResource): string => (gvr.group ? `${gvr.resource}.${gvr.version}.${gvr.group}` : `${gvr.resource}.${gvr.version}`);

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: { metadata: { namespace?: string; name?: string } }): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

/** Inverse of objectKey. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
