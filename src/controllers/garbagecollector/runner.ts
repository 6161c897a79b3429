// The garbage collector's loop (upstream garbagecollector.go): informers on every resource
// feed the ownership graph; the graph's work goes to two queues (attemptToDelete,
// attemptToOrphan) whose workers read the live object and its owners, decide, and act.
import { setMaxListeners } from 'node:events';
import type { EventRecorder } from '../../client/eventRecorder.js';
import { isNotFound } from '../../client/errors.js';
import { runController } from '../../client/controllerLoop.js';
import { SharedInformerFactory, type SharedInformers } from '../../client/informerFactory.js';
import type { Client } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { apiVersionOf, type KubeObject } from '../../machinery/types.js';
import { allStrategies } from '../../resources/index.js';
import { allVerbs } from '../../resources/types.js';
import { executeActions } from '../runtime/executor.js';
import { gvrOf } from '../runtime/kinds.js';
import { attemptToDelete, attemptToOrphan } from './decide.js';
import { OwnershipGraph, type GraphObject, type GraphWork, type ObjectIdentity } from './graph.js';
import { graphObjectOf } from './index.js';

const fieldManager = 'generic-garbage-collector';

// Every kind the GC tracks: served with list, watch and delete; events (never owners or
// owned here) and the events.k8s.io view of core Events are left out.
const tracked = allStrategies.filter((s) => !s.storage && s.plural !== 'events' && ['list', 'watch', 'delete'].every((v) => (s.verbs ?? allVerbs).includes(v as (typeof allVerbs)[number])));
const clusterScoped = new Set(allStrategies.filter((s) => !s.namespaced).map((s) => `${apiVersionOf(s.group, s.version)}/${s.kind}`));

export async function runGarbageCollector(opts: { client: Client; recorder: EventRecorder; signal: AbortSignal; log?: (msg: string) => void; informers?: SharedInformers }): Promise<void> {
  const { client, signal } = opts;
  setMaxListeners(0, signal);
  const graph = new OwnershipGraph();
  const deleteQueue = new WorkQueue<string>();
  const orphanQueue = new WorkQueue<string>();
  const push = (w: GraphWork): void => {
    for (const uid of w.attemptToDelete) deleteQueue.add(uid);
    for (const uid of w.attemptToOrphan) orphanQueue.add(uid);
  };
  const factory = opts.informers?.factory ?? new SharedInformerFactory(client);
  for (const s of tracked) {
    const gvk = { apiVersion: apiVersionOf(s.group, s.version), kind: s.kind };
    factory.informerFor({ group: s.group, version: s.version, resource: s.plural }).addEventHandler({
      onAdd: (o) => push(graph.observe(graphObjectOf(o, gvk))),
      onUpdate: (_old, o) => push(graph.observe(graphObjectOf(o, gvk))),
      onDelete: (o) => push(graph.observeDeleted(graphObjectOf(o, gvk))),
    });
  }
  factory.start(opts.informers?.signal ?? signal);
  await factory.waitForSync(signal);

  const liveGet = async (id: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<GraphObject | undefined> => {
    const namespace = clusterScoped.has(`${id.apiVersion}/${id.kind}`) ? undefined : id.namespace;
    try {
      const obj = await client.get<KubeObject>(gvrOf(id.apiVersion, id.kind), id.name, { namespace });
      return graphObjectOf(obj, id);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  const act = async (d: { actions: Parameters<typeof executeActions>[2]; enqueue: string[]; absentOwners: ObjectIdentity[]; absent?: boolean; requeue?: boolean }, identity: ObjectIdentity): Promise<{ requeue?: boolean } | undefined> => {
    for (const a of d.absentOwners) graph.markAbsent(a);
    const res = await executeActions(client, opts.recorder, d.actions, { fieldManager });
    for (const uid of d.enqueue) deleteQueue.add(uid);
    if (d.absent) push(graph.virtualDelete(identity));
    if (res.failure) throw new Error(res.failure.message);
    return d.requeue ? { requeue: true } : undefined;
  };

  await Promise.all([
    runController({
      name: 'garbagecollector-delete',
      queue: deleteQueue,
      workers: 4,
      signal,
      onError: (uid, e) => opts.log?.(`garbage collector: ${uid}: ${e instanceof Error ? e.message : String(e)}`),
      reconcile: async (uid) => {
        const node = graph.get(uid);
        if (!node) return;
        const latest = await liveGet(node.identity);
        const owners = new Map<string, GraphObject | undefined>();
        for (const ref of latest?.owners ?? []) {
          if (graph.isKnownAbsent(ref, node.identity.namespace)) owners.set(ref.uid, undefined);
          else owners.set(ref.uid, await liveGet({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: node.identity.namespace }));
        }
        return act(attemptToDelete(node, latest, owners), node.identity);
      },
    }),
    runController({
      name: 'garbagecollector-orphan',
      queue: orphanQueue,
      workers: 2,
      signal,
      onError: (uid, e) => opts.log?.(`garbage collector (orphan): ${uid}: ${e instanceof Error ? e.message : String(e)}`),
      reconcile: async (uid) => {
        const node = graph.get(uid);
        if (!node) return;
        return act(attemptToOrphan(node, await liveGet(node.identity)), node.identity);
      },
    }),
  ]);
}
