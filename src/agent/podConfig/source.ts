// PodConfigSource: what the kubelet's volume manager and GenerateRunContainerOptions do for
// one node. preparePod sets up every volume of a pod; containerConfig resolves one
// container's env, command/args and mounts; a background resync re-projects configMap,
// secret, downwardAPI and projected volumes of prepared pods from the current objects
// (the AtomicWriter writes only when something changed); cleanupPod unmounts and removes
// the pod's directory.
// Guarantees: work on one pod (prepare, refresh, cleanup) is serialised, so the
// AtomicWriter never sees concurrent writes to a directory; after cleanupPod resolves no
// refresh recreates the pod's files (until preparePod is called again); close() stops the
// resync timer and lets a running resync finish on its own.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';
import type { Client } from '../../client/types.js';
import { record, records, str, strings } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';
import { makeMounts } from './containerMounts.js';
import { makeEnvironmentVariables } from './env.js';
import { ContainerConfigError, errorText, VolumeSetupError } from './errors.js';
import { expandCommandAndArgs } from './expansion.js';
import { GVR, Lookup, nodeAllocatable, nodeHostIPs } from './lookup.js';
import { TokenCache, type PayloadContext } from './payloads.js';
import { mountPointsUnder, unmount } from './tmpfs.js';
import type { ContainerRuntimeConfig, PodConfigSource, PodConfigSourceOptions } from './types.js';
import { fileModeFor, fsGroupOf, setUpVolume, type PreparedVolume, type VolumeHost } from './volumes.js';

interface PodState {
  pod: KubeObject;
  volumes: Map<string, PreparedVolume>;
}

const DEFAULT_RESYNC_MS = 10_000;

export class PodConfigSourceImpl implements PodConfigSource {
  private readonly client: Client;
  private readonly lookup: Lookup;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private readonly tmpfs: boolean;
  private readonly resyncMs: number;
  private readonly tokens = new TokenCache();
  private readonly pods = new Map<string, PodState>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly opts: PodConfigSourceOptions) {
    this.client = opts.client;
    this.lookup = new Lookup(opts.client);
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? (() => {});
    this.tmpfs = opts.tmpfs ?? process.getuid?.() === 0;
    this.resyncMs = opts.resyncMs ?? DEFAULT_RESYNC_MS;
    this.schedule();
  }

  podDir(podUid: string): string {
    if (!podUid || podUid.includes('/') || podUid === '.' || podUid === '..') throw new Error(`invalid pod uid ${JSON.stringify(podUid)}`);
    return path.join(this.opts.root, 'pods', podUid);
  }

  preparePod(pod: KubeObject): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    return this.serial(uid, () => this.prepare(pod));
  }

  async containerConfig(pod: KubeObject, container: Record<string, unknown>, podIP: string | undefined): Promise<ContainerRuntimeConfig> {
    const uid = pod.metadata.uid ?? '';
    try {
      let state = this.pods.get(uid);
      if (!state) {
        // Not prepared by this process (e.g. adopted after an agent restart): set up now.
        await this.preparePod(pod);
        state = this.pods.get(uid);
      }
      if (!state) throw new ContainerConfigError(`volumes of pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} are not set up`);
      const podIPs = podIP ? [podIP] : records(record(pod.status)?.podIPs).map((p) => str(p.ip) ?? '').filter(Boolean);
      let node: Promise<KubeObject> | undefined;
      const getNode = (): Promise<KubeObject> => (node ??= this.lookup.node(this.opts.nodeName));
      const env = await makeEnvironmentVariables(pod, container, {
        lookup: this.lookup,
        podIPs,
        hostIPs: async () => nodeHostIPs(await getNode()),
        allocatable: async () => nodeAllocatable(await getNode()),
        warn: (reason, message) => this.event(pod, 'Warning', reason, message),
      });
      const { command, args } = expandCommandAndArgs(strings(container.command), strings(container.args), env);
      const mounts = await makeMounts(pod, container, env, state.volumes, {
        podDir: this.podDir(uid),
        podIPs,
        clusterDomain: this.opts.clusterDomain,
        nodeHostsFile: this.opts.nodeHostsFile ?? '/etc/hosts',
      });
      return { env, command, args, mounts };
    } catch (err) {
      if (err instanceof ContainerConfigError || err instanceof VolumeSetupError) throw err;
      throw new ContainerConfigError(errorText(err));
    }
  }

  async cleanupPod(podUid: string): Promise<void> {
    const dir = this.podDir(podUid);
    return this.serial(podUid, async () => {
      this.pods.delete(podUid);
      this.tokens.forgetPod(podUid);
      for (const mp of await mountPointsUnder(dir)) await unmount(mp);
      const left = await mountPointsUnder(dir);
      // rm would descend into whatever is still mounted there: refuse rather than risk it.
      if (left.length > 0) throw new Error(`cannot remove ${dir}: still mounted: ${left.join(', ')}`);
      await fs.rm(dir, { recursive: true, force: true });
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One refresh pass over every prepared pod (the periodic resync; exposed for tests and tools). */
  async resyncNow(): Promise<void> {
    // One GET per object for the whole pass, however many pods and volumes project it.
    const lookup = new Lookup(this.client, new Map());
    await Promise.all([...this.pods.keys()].map((uid) => this.serial(uid, () => this.refreshPod(uid, lookup))));
  }

  // --- internals ---

  private async prepare(pod: KubeObject): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const dir = this.podDir(uid);
    await fs.mkdir(path.join(dir, 'volumes'), { recursive: true, mode: 0o750 });
    const host: VolumeHost = { podDir: dir, tmpfs: this.tmpfs, log: this.log, now: () => this.clock.now() };
    const ctx = this.payloadContext(pod);
    const volumes = new Map<string, PreparedVolume>();
    let first: unknown;
    // Every volume is attempted, so one bad volume does not hold the others back.
    for (const vol of records(record(pod.spec)?.volumes)) {
      try {
        const prepared = await setUpVolume(vol, host, ctx);
        volumes.set(prepared.name, prepared);
      } catch (err) {
        this.log(`pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}: ${errorText(err)}`);
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
    this.pods.set(uid, { pod, volumes });
  }

  private async refreshPod(uid: string, lookup: Lookup): Promise<void> {
    const state = this.pods.get(uid);
    if (!state) return;
    const { namespace, name } = state.pod.metadata;
    const fresh = await lookup.getOrUndefined(GVR.pods, name ?? '', namespace).catch(() => undefined);
    // Labels and annotations (downwardAPI files) come from the current pod.
    if (fresh && fresh.metadata.uid === uid) state.pod = fresh;
    const ctx = this.payloadContext(state.pod, lookup);
    for (const vol of state.volumes.values()) {
      if (!vol.refresh) continue;
      try {
        if (await vol.refresh(ctx)) this.log(`pod ${namespace ?? ''}/${name ?? ''}: volume ${vol.name} updated`);
      } catch (err) {
        this.log(`pod ${namespace ?? ''}/${name ?? ''}: refreshing volume ${vol.name}: ${errorText(err)}`);
      }
    }
  }

  private payloadContext(pod: KubeObject, lookup = this.lookup): PayloadContext {
    let node: Promise<KubeObject> | undefined;
    return {
      pod,
      client: this.client,
      lookup,
      allocatable: async () => nodeAllocatable(await (node ??= lookup.node(this.opts.nodeName))),
      tokens: this.tokens,
      fileMode: fileModeFor(pod),
      hasFsGroup: fsGroupOf(pod) !== undefined,
      now: () => this.clock.now(),
    };
  }

  private event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.opts.recordEvent) this.opts.recordEvent(pod, type, reason, message);
    else this.log(`pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}: ${type} ${reason}: ${message}`);
  }

  /** Runs `fn` after every earlier task of the same pod has settled. */
  private serial<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(uid, tail);
    void tail.then(() => {
      if (this.chains.get(uid) === tail) this.chains.delete(uid);
    });
    return next;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.resyncNow()
        .catch((err: unknown) => this.log(`volume resync: ${errorText(err)}`))
        .finally(() => this.schedule());
    }, this.resyncMs);
    // A pending resync must not keep the process alive.
    (this.timer as { unref?: () => void } | undefined)?.unref?.();
  }
}
