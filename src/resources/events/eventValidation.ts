// Validation of Events written through events.k8s.io/v1, as upstream's
// pkg/apis/core/validation/events.go does it: on the core form, so some paths keep the core
// names (involvedObject, message), others the events.k8s.io ones (reportingController,
// deprecatedX) — upstream's own mix, kept because users search for these messages.
import { type FieldError, invalid, required } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { eventStrategy } from '../core/event.js';
import { at, jsonEqual, rec, str } from '../shared/access.js';
import { immutable } from '../shared/validate.js';

/**
 * legacyValidateEvent: the core Event rules, which upstream runs for every request; only the
 * reporting controller's path is named after the version the request used.
 */
export function validateEventCommon(core: KubeObject): FieldError[] {
  return eventStrategy.validate(core).map((e) => (e.field === 'reportingComponent' ? { ...e, field: 'reportingController' } : e));
}

const isSet = (t: unknown): boolean => typeof t === 'string' && t !== '' && !t.startsWith('0001-01-01T00:00:00');

function validateSeries(core: KubeObject): FieldError[] {
  const series = rec(core.series);
  if (!series) return [];
  const errs: FieldError[] = [];
  if (typeof series.count !== 'number' || series.count < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!isSet(series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** The strict rules ValidateEventCreate adds for events.k8s.io/v1 creates. */
export function validateEventCreateStrict(core: KubeObject): FieldError[] {
  const errs = validateSeries(core);
  if (!isSet(core.eventTime)) errs.push(required('eventTime'));
  const type = str(core.type) ?? '';
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  if (isSet(core.firstTimestamp)) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (isSet(core.lastTimestamp)) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (typeof core.count === 'number' && core.count !== 0) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  if (str(at(core, 'source.component')) || str(at(core, 'source.host'))) errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

/** Microseconds since the epoch of an RFC 3339 time, for the eventTime comparison (sub-µs changes are tolerated). */
function micros(t: unknown): string {
  if (typeof t !== 'string') return '';
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return t;
  return `${Date.parse(`${m[1]}${m[3]}`)}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}`;
}

/** ValidateEventUpdate for events.k8s.io/v1 (on the core forms). */
export function validateEventUpdate(core: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!jsonEqual(core.series, old.series)) errs.push(...validateSeries(core));
  for (const f of ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type']) {
    errs.push(...immutable(core[f], old[f], f));
  }
  if (micros(core.eventTime) !== micros(old.eventTime)) errs.push(invalid('eventTime', core.eventTime ?? null, 'field is immutable'));
  return errs;
}
