// events.k8s.io/v1 Event <-> core/v1 Event. Upstream serves both from one storage (the core
// form) and converts with pkg/apis/events/v1/conversion.go: regarding = involvedObject,
// note = message, deprecatedX = X, reportingController = reportingComponent. Fields are
// written in each version's struct order, with the empty values Go's encoder prints
// (zero times as null, zero structs as {}, non-omitempty strings as "").
import type { KubeObject } from '../../machinery/types.js';
import { rec } from '../shared/access.js';

type Json = Record<string, unknown>;

/** Copies `value` under `key` unless it is absent or an omitempty zero value. */
function put(out: Json, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '' || value === 0) return;
  out[key] = value;
}

const struct = (v: unknown): Json => ({ ...(rec(v) ?? {}) });
const time = (v: unknown): unknown => (typeof v === 'string' && v !== '' ? v : null);

/** events.k8s.io/v1 → core/v1 (the stored form). */
export function eventToCore(input: KubeObject): KubeObject {
  const ev = structuredClone(input);
  const out: KubeObject = { kind: 'Event', apiVersion: 'v1', metadata: ev.metadata };
  out.involvedObject = struct(ev.regarding);
  put(out, 'reason', ev.reason);
  put(out, 'message', ev.note);
  out.source = struct(ev.deprecatedSource);
  out.firstTimestamp = time(ev.deprecatedFirstTimestamp);
  out.lastTimestamp = time(ev.deprecatedLastTimestamp);
  put(out, 'count', ev.deprecatedCount);
  put(out, 'type', ev.type);
  out.eventTime = time(ev.eventTime);
  put(out, 'series', ev.series);
  put(out, 'action', ev.action);
  put(out, 'related', ev.related);
  out.reportingComponent = typeof ev.reportingController === 'string' ? ev.reportingController : '';
  out.reportingInstance = typeof ev.reportingInstance === 'string' ? ev.reportingInstance : '';
  return out;
}

/** core/v1 → events.k8s.io/v1 (what the events.k8s.io API returns). */
export function eventFromCore(input: KubeObject): KubeObject {
  const core = structuredClone(input);
  const out: KubeObject = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: core.metadata };
  out.eventTime = time(core.eventTime);
  put(out, 'series', core.series);
  put(out, 'reportingController', core.reportingComponent);
  put(out, 'reportingInstance', core.reportingInstance);
  put(out, 'action', core.action);
  put(out, 'reason', core.reason);
  out.regarding = struct(core.involvedObject);
  put(out, 'related', core.related);
  put(out, 'note', core.message);
  put(out, 'type', core.type);
  out.deprecatedSource = struct(core.source);
  out.deprecatedFirstTimestamp = time(core.firstTimestamp);
  out.deprecatedLastTimestamp = time(core.lastTimestamp);
  put(out, 'deprecatedCount', core.count);
  return out;
}
