// Executes a decision's Actions through the Client, following the contract written at the
// top of ../shared/actions.ts: in order, creates of one slow-start batch concurrently, the
// first failure stops the list (unless tolerated) and is handed back for the next sync.
import { isApiError } from '../../client/errors.js';
import type { Client } from '../../client/types.js';
import type { GroupVersionResource, KubeObject } from '../../machinery/types.js';
import { renderEvent, type EventDescriptor, type LastFailure } from '../shared/actions.js';
import type { CollectionAction } from '../shared/collectionActions.js';
import type { EventRecorder } from '../../client/eventRecorder.js';
import { gvrOf } from './kinds.js';

export interface ExecuteResult {
  failure?: LastFailure;
  requeueAfterMs?: number;
  /** The highest resourceVersion each written resource returned (informer caches must catch up). */
  written: Map<string, { gvr: GroupVersionResource; rv: number }>;
}

export interface ExecuteOptions {
  fieldManager: string;
}

function reasonOf(e: unknown): string | undefined {
  return isApiError(e) ? e.reason : undefined;
}

function gvrOfAction(a: CollectionAction): GroupVersionResource | undefined {
  switch (a.kind) {
    case 'create':
    case 'update':
    case 'updateStatus':
      return gvrOf(a.object.apiVersion ?? 'v1', a.object.kind ?? '');
    case 'patch':
    case 'delete':
      return gvrOf(a.ref.apiVersion, a.ref.kind);
    case 'deleteCollection':
      return a.gvr;
    default:
      return undefined;
  }
}

async function runOne(client: Client, a: CollectionAction, opts: ExecuteOptions): Promise<KubeObject | undefined> {
  const fm = { fieldManager: opts.fieldManager };
  switch (a.kind) {
    case 'create':
      return client.create(gvrOf(a.object.apiVersion ?? 'v1', a.object.kind ?? ''), a.object, { ...fm, namespace: a.object.metadata.namespace });
    case 'update':
      return client.update(gvrOf(a.object.apiVersion ?? 'v1', a.object.kind ?? ''), a.object, { ...fm, namespace: a.object.metadata.namespace, subresource: a.subresource });
    case 'updateStatus':
      return client.update(gvrOf(a.object.apiVersion ?? 'v1', a.object.kind ?? ''), a.object, { ...fm, namespace: a.object.metadata.namespace, subresource: 'status' });
    case 'patch':
      return client.patch(gvrOf(a.ref.apiVersion, a.ref.kind), a.ref.name, a.patch, { ...fm, type: a.patchType, namespace: a.ref.namespace });
    case 'delete': {
      const res = await client.delete(gvrOf(a.ref.apiVersion, a.ref.kind), a.ref.name, {
        namespace: a.ref.namespace,
        preconditions: a.preconditions,
        propagationPolicy: a.propagationPolicy ?? 'Background',
        gracePeriodSeconds: a.gracePeriodSeconds,
      });
      return res.kind === 'Status' ? undefined : (res as KubeObject);
    }
    case 'deleteCollection':
      await client.deleteCollection(a.gvr, { namespace: a.namespace, propagationPolicy: a.propagationPolicy });
      return undefined;
    default:
      return undefined;
  }
}

export async function executeActions(client: Client, recorder: EventRecorder, actions: readonly CollectionAction[], opts: ExecuteOptions): Promise<ExecuteResult> {
  const result: ExecuteResult = { written: new Map() };
  const noteWrite = (a: CollectionAction, obj: KubeObject | undefined): void => {
    const g = gvrOfAction(a);
    const rv = Number(obj?.metadata.resourceVersion);
    if (!g || !Number.isFinite(rv)) return;
    const k = `${g.group}/${g.resource}`;
    const prev = result.written.get(k);
    if (!prev || prev.rv < rv) result.written.set(k, { gvr: g, rv });
  };
  // Recorded in order but not waited for: upstream's recorder hands Events to a broadcaster
  // and never blocks a sync on them (a lost Event is never an error either).
  const events = (list: EventDescriptor[] | undefined, vars: { name?: string; error?: string }): void => {
    for (const e of list ?? []) void recorder.record(renderEvent(e, vars));
  };
  for (let i = 0; i < actions.length; ) {
    const a = actions[i];
    if (a.kind === 'event') {
      await recorder.record(a.event);
      i++;
      continue;
    }
    if (a.kind === 'requeueAfter') {
      result.requeueAfterMs = result.requeueAfterMs === undefined ? a.ms : Math.min(result.requeueAfterMs, a.ms);
      i++;
      continue;
    }
    // A run of creates in the same slow-start batch goes out together.
    let j = i + 1;
    if (a.kind === 'create' && a.batch !== undefined) {
      while (j < actions.length && actions[j].kind === 'create' && (actions[j] as typeof a).batch === a.batch) j++;
    }
    const group = actions.slice(i, j);
    const outcomes = await Promise.allSettled(group.map((g) => runOne(client, g, opts)));
    let failure: LastFailure | undefined;
    for (let k = 0; k < group.length; k++) {
      const g = group[k];
      if (g.kind === 'event' || g.kind === 'requeueAfter') continue;
      const o = outcomes[k];
      if (o.status === 'fulfilled') {
        noteWrite(g, o.value);
        events(g.onSuccess, { name: o.value?.metadata.name ?? (g.kind === 'create' ? g.object.metadata.name : undefined) });
        continue;
      }
      const reason = reasonOf(o.reason);
      if (reason && g.tolerate?.includes(reason)) continue;
      const message = o.reason instanceof Error ? o.reason.message : String(o.reason);
      events(g.onFailure, { name: g.kind === 'create' ? g.object.metadata.name : undefined, error: message });
      failure ??= { action: g, message, reason };
    }
    if (failure) {
      result.failure = failure;
      return result;
    }
    i = j;
  }
  return result;
}
