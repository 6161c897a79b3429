// The scheduler's loop around the pure core: informers feed the snapshot and the queue;
// each popped pod is placed (filters, scores), assumed, and bound through pods/binding.
// A pod that fits nowhere gets PodScheduled=False and a FailedScheduling Event with
// upstream's message, may preempt lower-priority pods, and waits in the queue.
import { setMaxListeners } from 'node:events';
import { EventRecorder } from '../client/eventRecorder.js';
import { isConflict, isNotFound } from '../client/errors.js';
import { SharedInformerFactory, type SharedInformers } from '../client/informerFactory.js';
import type { Client } from '../client/types.js';
import type { KubeObject } from '../machinery/types.js';
import { preempt } from './preemption.js';
import { nodeSchedulingPropertiesChanged, responsibleForPod, SchedulingQueue, type QueuedPodInfo } from './queue.js';
import { schedulePod } from './schedule.js';
import { podKeyOf, Snapshot } from './snapshot.js';
import { volumeBindingHook } from './volumeBinding.js';
import { rfc3339 } from '../machinery/time.js';

const podsGVR = { group: '', version: 'v1', resource: 'pods' };
const nodesGVR = { group: '', version: 'v1', resource: 'nodes' };
const namespacesGVR = { group: '', version: 'v1', resource: 'namespaces' };
const pvcsGVR = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
const pvsGVR = { group: '', version: 'v1', resource: 'persistentvolumes' };
const storageClassesGVR = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' };

export interface SchedulerOptions {
  client: Client;
  signal: AbortSignal;
  log?: (msg: string) => void;
  /** Informers shared with other components of this process (default: its own). */
  informers?: SharedInformers;
  /** Concurrent binds in flight (binding is I/O; placement stays sequential). */
  bindConcurrency?: number;
}

const isBound = (p: KubeObject): boolean => typeof (p.spec as { nodeName?: unknown } | undefined)?.nodeName === 'string' && (p.spec as { nodeName: string }).nodeName !== '';

export async function runScheduler(opts: SchedulerOptions): Promise<void> {
  const { client, signal } = opts;
  setMaxListeners(0, signal); // informers and the queue all listen for the stop signal
  const log = opts.log ?? (() => undefined);
  const factory = opts.informers?.factory ?? new SharedInformerFactory(client);
  const snapshot = new Snapshot();
  const queue = new SchedulingQueue();
  const recorder = new EventRecorder(client, 'default-scheduler');
  const pods = factory.informerFor(podsGVR);
  const nodes = factory.informerFor(nodesGVR);
  const namespaces = factory.informerFor(namespacesGVR);
  const claims = factory.informerFor(pvcsGVR);
  const volumes = factory.informerFor(pvsGVR);
  const classes = factory.informerFor(storageClassesGVR);
  const volume = volumeBindingHook({
    claim: (ns, name) => claims.get(`${ns}/${name}`),
    volume: (name) => volumes.get(name),
    storageClass: (name) => classes.get(name),
  });
  // A claim bound, a PV created or a class added may cure a VolumeBinding rejection.
  for (const inf of [claims, volumes, classes]) {
    inf.addEventHandler({ onAdd: () => queue.moveAllToActiveOrBackoff('VolumeChange'), onUpdate: () => queue.moveAllToActiveOrBackoff('VolumeChange') });
  }

  pods.addEventHandler({
    onAdd(p) {
      if (isBound(p)) {
        snapshot.setPod(p);
        queue.moveAllToActiveOrBackoff('AssignedPodAdd');
      } else if (responsibleForPod(p)) queue.add(p);
    },
    onUpdate(old, p) {
      if (isBound(p)) {
        queue.delete(p);
        snapshot.setPod(p);
        if (!isBound(old)) return;
        queue.moveAllToActiveOrBackoff('AssignedPodUpdate');
      } else if (responsibleForPod(p)) queue.update(old, p);
      else queue.delete(p);
    },
    onDelete(p) {
      queue.delete(p);
      if (isBound(p) || snapshot.isAssumed(p)) {
        snapshot.removePod(p);
        queue.moveAllToActiveOrBackoff('AssignedPodDelete');
      }
    },
  });
  nodes.addEventHandler({
    onAdd(n) {
      snapshot.setNode(n);
      queue.moveAllToActiveOrBackoff('NodeAdd');
    },
    onUpdate(old, n) {
      snapshot.setNode(n);
      if (nodeSchedulingPropertiesChanged(old, n)) queue.moveAllToActiveOrBackoff('NodeUpdate');
    },
    onDelete(n) {
      snapshot.removeNode(n.metadata.name ?? '');
    },
  });
  namespaces.addEventHandler({
    onAdd: (ns) => snapshot.setNamespace(ns),
    onUpdate: (_o, ns) => snapshot.setNamespace(ns),
    onDelete: (ns) => snapshot.removeNamespace(ns.metadata.name ?? ''),
  });

  factory.start(opts.informers?.signal ?? signal);
  await factory.waitForSync(signal);

  const inFlight = new Set<Promise<void>>();
  const maxBinds = opts.bindConcurrency ?? 64;

  const bind = async (p: QueuedPodInfo, node: string): Promise<void> => {
    const pod = p.pod;
    try {
      await client.create(podsGVR, { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } } as KubeObject, { namespace: pod.metadata.namespace, subresource: 'binding' });
      queue.done(p.key);
      void recorder.record({ type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name ?? '', uid: pod.metadata.uid } });
    } catch (e) {
      snapshot.forget(pod);
      if (isNotFound(e) || isConflict(e)) queue.done(p.key);
      else {
        log(`scheduler: binding ${p.key} to ${node}: ${e instanceof Error ? e.message : String(e)}`);
        queue.addError(p);
      }
    }
  };

  const unschedulable = async (p: QueuedPodInfo, message: string, plugins: Iterable<string>): Promise<void> => {
    const pod = p.pod;
    queue.addUnschedulable(p, plugins);
    void recorder.record({ type: 'Warning', reason: 'FailedScheduling', message, involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name ?? '', uid: pod.metadata.uid } });
    const conds = ((pod.status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const prev = ((pod.status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? []).find((c) => c.type === 'PodScheduled');
    if (prev?.status === 'False' && prev.message === message) return;
    try {
      await client.patch(podsGVR, pod.metadata.name ?? '', { status: { conditions: [...conds, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: rfc3339() }] } }, { type: 'merge', namespace: pod.metadata.namespace, subresource: 'status' });
    } catch {
      // the pod may be gone; the queue forgets it through the informer
    }
  };

  while (!signal.aborted) {
    const p = await queue.popWait(signal);
    if (!p) break;
    const pod = pods.get(podKeyOf(p.pod)) ?? p.pod;
    p.pod = pod;
    if (!responsibleForPod(pod)) {
      queue.done(p.key);
      continue;
    }
    const result = schedulePod(pod, snapshot, { volume });
    if ('error' in result) {
      const candidate = preempt(pod, snapshot, result.error, { volume });
      if (candidate) {
        snapshot.nominate(pod, candidate.node);
        void client.patch(podsGVR, pod.metadata.name ?? '', { status: { nominatedNodeName: candidate.node } }, { type: 'merge', namespace: pod.metadata.namespace, subresource: 'status' }).catch(() => undefined);
        for (const v of candidate.victims) {
          void recorder.record({ type: 'Normal', reason: 'Preempted', message: `Preempted by pod ${pod.metadata.uid ?? ''} on node ${candidate.node}`, involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: v.metadata.namespace, name: v.metadata.name ?? '', uid: v.metadata.uid } });
          void client.delete(podsGVR, v.metadata.name ?? '', { namespace: v.metadata.namespace }).catch(() => undefined);
        }
      }
      await unschedulable(p, result.error.message(), result.error.unschedulablePlugins);
      continue;
    }
    snapshot.assume(pod, result.node);
    const task = bind(p, result.node).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= maxBinds) await Promise.race(inFlight);
  }
  await Promise.allSettled(inFlight);
}
