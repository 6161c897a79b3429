// Streaming watches: one JSON event per line over a chunked response, from a store watch.
//
// Guarantees: events reach the client in revision order with no gaps from the requested
// resourceVersion; with resourceVersion unset or "0" the current objects come first as
// ADDED; a selector turns transitions into ADDED/DELETED as upstream's watch filter does; a
// start revision that was compacted ends the stream with an ERROR event carrying 410 Expired.
import type { ApiRequest, ApiResponse } from './http/exchange.js';
import * as errors from '../machinery/errors.js';
import type { KubeObject } from '../machinery/types.js';
import type { Store, StoreEvent } from '../store/types.js';
import type { Representation } from './http/respond.js';
import type { ResourceInfo, ResourceRegistry } from './registry.js';
import { decodeStored, withResourceVersion } from './storage/objectCodec.js';
import type { ResourceStore } from './storage/resourceStore.js';
import { matches, selectionEmpty, type Selection } from './storage/selection.js';
import { partialObjectMetadata, toTable, type IncludeObject } from './table.js';

export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  selection: Selection;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  representation: Representation;
  includeObject: IncludeObject;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

interface DecodedEvent {
  info: ResourceInfo;
  obj: KubeObject;
  /** The object before the event: decoded only when a selector needs it (prevOf). */
  prev?: KubeObject;
}

// Many watchers see the same store event: decode it once.
const decoded = new WeakMap<StoreEvent, DecodedEvent>();

function decodeEvent(info: ResourceInfo, ev: StoreEvent): DecodedEvent {
  const hit = decoded.get(ev);
  if (hit && hit.info === info) return hit;
  const d: DecodedEvent = { info, obj: decodeStored(info, ev.kv) };
  decoded.set(ev, d);
  return d;
}

function prevOf(info: ResourceInfo, ev: StoreEvent): KubeObject | undefined {
  if (!ev.prev || ev.type !== 'put') return undefined;
  const d = decodeEvent(info, ev);
  d.prev ??= decodeStored(info, ev.prev);
  return d.prev;
}

const plainType = (ev: StoreEvent): EventType => (ev.type === 'delete' ? 'DELETED' : ev.created || !ev.prev ? 'ADDED' : 'MODIFIED');

/**
 * An event as a watcher with selectors sees it (upstream's watch filter): an object moving
 * into the selection is ADDED, one moving out DELETED; undefined when it was never selected.
 */
function selectedType(info: ResourceInfo, selection: Selection, ev: StoreEvent, obj: KubeObject): EventType | undefined {
  if (ev.type === 'delete') return matches(info, selection, obj) ? 'DELETED' : undefined;
  const prev = prevOf(info, ev);
  const before = prev ? matches(info, selection, prev) : false;
  if (matches(info, selection, obj)) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

// Without selectors every plain-JSON watcher sends the same line for an event: build it once.
const lines = new WeakMap<StoreEvent, { info: ResourceInfo; line: string }>();

function plainLine(info: ResourceInfo, ev: StoreEvent): string {
  const hit = lines.get(ev);
  if (hit && hit.info === info) return hit.line;
  const type = plainType(ev);
  const text = withResourceVersion(info, ev.kv) ?? JSON.stringify(decodeEvent(info, ev).obj);
  const line = `{"type":"${type}","object":${text}}\n`;
  lines.set(ev, { info, line });
  return line;
}

export const bookmarkIntervalMs = 60_000;

export async function serveWatch(deps: { store: Store; objects: ResourceStore; registry: ResourceRegistry }, req: ApiRequest, res: ApiResponse, w: WatchRequest): Promise<void> {
  const { info, selection } = w;
  const prefix = deps.registry.listPrefix(info, w.namespace);
  let fromRevision: number;
  const initial: KubeObject[] = [];
  const rv = w.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0' || w.sendInitialEvents) {
    const list = await deps.objects.list(info, w.namespace, { selection });
    initial.push(...list.items);
    fromRevision = Number(list.metadata.resourceVersion);
  } else {
    fromRevision = Number(rv);
    if (!Number.isInteger(fromRevision) || fromRevision < 0) throw errors.badRequest(`invalid resource version "${rv}"`);
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let first = true;
  let lastRevision = fromRevision;
  const write = (type: EventType, obj: unknown): void => {
    if (res.writeEvent) res.writeEvent(type, obj);
    else res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  const render = (obj: KubeObject): unknown => {
    if (w.representation === 'table') {
      const t = toTable(info, [obj], { resourceVersion: obj.metadata.resourceVersion }, w.includeObject, first);
      first = false;
      return t;
    }
    if (w.representation === 'partial') return partialObjectMetadata(obj);
    return obj;
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    write('BOOKMARK', { kind: info.strategy.kind, apiVersion: info.apiVersion, metadata: { resourceVersion: String(lastRevision), ...(annotations ? { annotations } : {}) } });
  };

  const selected = !selectionEmpty(selection);
  const plain = w.representation === 'object' && !selected;
  for (const obj of initial) write('ADDED', render(obj));
  if (w.sendInitialEvents && w.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

  await new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      handle.cancel();
      clearTimeout(timer);
      clearInterval(ticker);
      res.end();
      resolve();
    };
    const handle = deps.store.watch(
      prefix,
      fromRevision,
      (events) => {
        if (done) return;
        for (const ev of events) {
          lastRevision = ev.kv.modRevision;
          if (plain) {
            if (res.writeEvent) write(plainType(ev), decodeEvent(info, ev).obj);
            else res.write(plainLine(info, ev));
            continue;
          }
          const { obj } = decodeEvent(info, ev);
          const type = selected ? selectedType(info, selection, ev, obj) : plainType(ev);
          if (type) write(type, render(obj));
        }
      },
      (err) => {
        if (err.code === 'Compacted') {
          write('ERROR', errors.resourceExpired(`too old resource version: ${fromRevision}`).status);
        }
        finish();
      },
    );
    const timer = setTimeout(finish, (w.timeoutSeconds && w.timeoutSeconds > 0 ? w.timeoutSeconds : 1800) * 1000);
    // Bookmarks only for clients that asked for them: no timer per watch otherwise.
    const ticker = w.allowBookmarks ? setInterval(bookmark, bookmarkIntervalMs) : undefined;
    ticker?.unref();
    req.on('close', finish);
    res.on('close', finish);
  });
}
