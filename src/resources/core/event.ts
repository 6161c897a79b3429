// core/v1 Event: legacyValidateEvent (namespace agreement, and for new-style events with
// eventTime the reporting fields), printEvent's columns and ToSelectableFields.
import { type FieldError, invalid, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, num, rec, str } from '../shared/access.js';
import { col, nameDescription } from '../shared/table.js';
import { dns1123Subdomain, qualifiedName } from '../shared/validate.js';
import type { ResourceStrategy, TableCell } from '../types.js';

const limits = { reportingInstance: 128, action: 128, reason: 128, message: 1024 };

function involved(obj: KubeObject): Obj {
  return rec(obj.involvedObject) ?? {};
}

function isSet(ts: unknown): boolean {
  return typeof ts === 'string' && ts !== '' && !ts.startsWith('0001-01-01');
}

function validateEvent(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = obj.metadata.namespace ?? '';
  const involvedNs = str(involved(obj).namespace) ?? '';
  if (!isSet(obj.eventTime)) {
    // Old-style events: the involved object's namespace must be the event's (or both default).
    if (involvedNs === '') {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
    const controller = str(obj.reportingComponent) ?? '';
    if (controller === '') errs.push(required('reportingComponent'));
    errs.push(...qualifiedName(controller, 'reportingComponent'));
    for (const k of ['reportingInstance', 'action', 'reason'] as const) {
      const v = str(obj[k]) ?? '';
      if (v === '') errs.push(required(k));
      if (v.length > limits[k]) errs.push(invalid(k, '', `can have at most ${limits[k]} characters`));
    }
    if ((str(obj.message) ?? '').length > limits.message) errs.push(invalid('message', '', `can have at most ${limits.message} characters`));
  }
  errs.push(...dns1123Subdomain(ns, 'namespace'));
  return errs;
}

function firstNonEmpty(...vals: (string | undefined)[]): string {
  return vals.find((v) => v) ?? '';
}

function timestamps(obj: KubeObject, now: number): { first: string; last: string; count: number } {
  const first = isSet(obj.firstTimestamp) ? age(str(obj.firstTimestamp), now) : age(str(obj.eventTime), now);
  let last = isSet(obj.lastTimestamp) ? age(str(obj.lastTimestamp), now) : first;
  let count = num(obj.count) ?? 0;
  const series = rec(obj.series);
  if (series) {
    last = age(str(series.lastObservedTime), now);
    count = num(series.count) ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events carry no count in the new API
  }
  return { first, last, count };
}

export const eventStrategy = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  schemaRef: 'io.k8s.api.core.v1.Event',

  // Fields upstream always serializes (non-pointer structs and strings without omitempty).
  defaults(obj: KubeObject): void {
    for (const k of ['eventTime', 'firstTimestamp', 'lastTimestamp']) if (obj[k] === undefined) obj[k] = null;
    for (const k of ['reportingComponent', 'reportingInstance']) if (obj[k] === undefined) obj[k] = '';
    if (obj.source === undefined || obj.source === null) obj.source = {};
  },

  validate: validateEvent,

  table: {
    columns: [
      col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
      col('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      col('Object', 'The object that this event is about.'),
      col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.', 1),
      col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
      col('Message', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      col('Count', 'The number of times this event has occurred.', 1),
      { name: 'Name', type: 'string', format: 'name', description: nameDescription, priority: 1 },
    ],
    row(obj: KubeObject, now: number): TableCell[] {
      const t = timestamps(obj, now);
      const io = involved(obj);
      const kind = (str(io.kind) ?? '').toLowerCase();
      const target = str(io.name) ? `${kind}/${str(io.name)}` : kind;
      const source = rec(obj.source) ?? {};
      const component = firstNonEmpty(str(source.component), str(obj.reportingComponent));
      const instance = firstNonEmpty(str(source.host), str(obj.reportingInstance));
      return [
        t.last,
        str(obj.type) ?? '',
        str(obj.reason) ?? '',
        target,
        str(io.fieldPath) ?? '',
        instance === '' ? component : `${component}, ${instance}`,
        (str(obj.message) ?? '').trim(),
        t.first,
        t.count,
        obj.metadata.name ?? '',
      ];
    },
  },

  fieldSelectors: {
    'involvedObject.kind': (o) => str(involved(o).kind) ?? '',
    'involvedObject.namespace': (o) => str(involved(o).namespace) ?? '',
    'involvedObject.name': (o) => str(involved(o).name) ?? '',
    'involvedObject.uid': (o) => str(involved(o).uid) ?? '',
    'involvedObject.apiVersion': (o) => str(involved(o).apiVersion) ?? '',
    'involvedObject.resourceVersion': (o) => str(involved(o).resourceVersion) ?? '',
    'involvedObject.fieldPath': (o) => str(involved(o).fieldPath) ?? '',
    reason: (o) => str(o.reason) ?? '',
    reportingComponent: (o) => str(o.reportingComponent) ?? '',
    source: (o) => str(rec(o.source)?.component) || str(o.reportingComponent) || '',
    type: (o) => str(o.type) ?? '',
  },
} satisfies ResourceStrategy;
