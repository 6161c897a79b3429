// Test support: the API server's graceful pod deletion on top of the FakeClient, which
// deletes at once. A delete of a bound, non-terminal pod with a grace period > 0 leaves the
// pod in place with deletionTimestamp (now + grace) and deletionGracePeriodSeconds, as
// pkg/registry/core/pod's CheckGracefulDelete does; a later delete with gracePeriodSeconds
// 0 (the kubelet's final delete) removes it. The marks live in this wrapper and are laid
// over every pod it returns (get, list, watch events); the stored pod gets an annotation
// change so watchers see the deletion as a MODIFIED event.
import type { Clock } from '../../client/clock.js';
import type { FakeClient } from '../../client/testing/fakeClient.js';
import type {
  Client, CreateOptions, DeleteCollectionOptions, DeleteOptions, DeleteResult, GetOptions, ListOptions, PatchOptions, UpdateOptions, WatchEvent,
  WatchOptions, WatchStream,
} from '../../client/types.js';
import type { GroupVersionResource, KubeList, KubeObject } from '../../machinery/types.js';
import { isPlainObject } from '../../machinery/types.js';

interface Mark {
  deletionTimestamp: string;
  deletionGracePeriodSeconds: number;
}

const isPods = (gvr: GroupVersionResource): boolean => gvr.group === '' && gvr.resource === 'pods';
const time = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const deletionRequestedAnnotation = 'test.skiff.dev/deletion-requested';

export class GracefulDeletionClient implements Client {
  private readonly marks = new Map<string, Mark>();

  constructor(
    readonly inner: FakeClient,
    private readonly clock: Clock,
  ) {}

  private overlay<T extends KubeObject>(gvr: GroupVersionResource, obj: T): T {
    if (!isPods(gvr)) return obj;
    const m = this.marks.get(obj.metadata?.uid ?? '');
    if (!m) return obj;
    return { ...obj, metadata: { ...obj.metadata, ...m } };
  }

  async get<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, name: string, opts?: GetOptions): Promise<T> {
    return this.overlay(gvr, await this.inner.get<T>(gvr, name, opts));
  }

  async list<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, opts?: ListOptions): Promise<KubeList<T>> {
    const l = await this.inner.list<T>(gvr, opts);
    return { ...l, items: l.items.map((o) => this.overlay(gvr, o)) };
  }

  async watch<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, opts?: WatchOptions): Promise<WatchStream<T>> {
    const inner = await this.inner.watch<T>(gvr, opts);
    const overlay = (ev: WatchEvent<T>): WatchEvent<T> => (ev.type === 'ERROR' || ev.type === 'BOOKMARK' ? ev : { type: ev.type, object: this.overlay(gvr, ev.object) });
    return {
      stop: () => inner.stop(),
      async *[Symbol.asyncIterator]() {
        for await (const ev of inner) yield overlay(ev);
      },
    };
  }

  async create<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, obj: T, opts?: CreateOptions): Promise<T> {
    return this.overlay(gvr, await this.inner.create(gvr, obj, opts));
  }

  async update<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, obj: T, opts?: UpdateOptions): Promise<T> {
    return this.overlay(gvr, await this.inner.update(gvr, obj, opts));
  }

  async patch<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, name: string, patch: unknown, opts: PatchOptions): Promise<T> {
    return this.overlay(gvr, await this.inner.patch<T>(gvr, name, patch, opts));
  }

  async delete<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, name: string, opts: DeleteOptions = {}): Promise<DeleteResult<T>> {
    if (!isPods(gvr)) return this.inner.delete<T>(gvr, name, opts);
    const pod = await this.inner.get<T>(gvr, name, { namespace: opts.namespace });
    const uid = pod.metadata.uid ?? '';
    const spec = isPlainObject(pod.spec) ? pod.spec : {};
    const status = isPlainObject(pod.status) ? pod.status : {};
    const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
    const specGrace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
    const grace = opts.gracePeriodSeconds ?? specGrace;
    const existing = this.marks.get(uid);
    if (grace <= 0 || terminal || !spec.nodeName) {
      const res = await this.inner.delete<T>(gvr, name, opts);
      this.marks.delete(uid);
      return res;
    }
    if (existing && existing.deletionGracePeriodSeconds <= grace) return this.overlay(gvr, pod);
    this.marks.set(uid, { deletionTimestamp: time(this.clock.now() + grace * 1000), deletionGracePeriodSeconds: grace });
    const touched = await this.inner.patch<T>(gvr, name, { metadata: { annotations: { [deletionRequestedAnnotation]: String(grace) } } }, { type: 'merge', namespace: opts.namespace });
    return this.overlay(gvr, touched);
  }

  async deleteCollection(gvr: GroupVersionResource, opts?: DeleteCollectionOptions): Promise<void> {
    return this.inner.deleteCollection(gvr, opts);
  }
}
