// events.k8s.io/v1 Event: the same objects as core/v1 Events (one storage, upstream serves the
// resource at both versions), converted on the way in and out; validated as upstream's
// ValidateEventCreate / ValidateEventUpdate do for this API group; printed as core Events.
import type { FieldError } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { eventStrategy } from '../core/event.js';
import { at, str } from '../shared/access.js';
import type { ResourceStrategy } from '../types.js';
import { eventFromCore, eventToCore } from './conversion.js';
import { validateEventCommon, validateEventCreateStrict, validateEventUpdate } from './eventValidation.js';

/** Either form: the apiserver may hand the strategy the served or the stored object. */
const coreForm = (obj: KubeObject): KubeObject => (obj.apiVersion === 'v1' || 'involvedObject' in obj ? obj : eventToCore(obj));

const coreField = (path: string) => (obj: KubeObject): string => str(at(coreForm(obj), path)) ?? '';

export const eventsEventStrategy = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  schemaRef: 'io.k8s.api.events.v1.Event',
  storage: { group: '', resource: 'events', toStorage: eventToCore, fromStorage: eventFromCore },

  validate(obj: KubeObject): FieldError[] {
    return validateEventCommon(coreForm(obj));
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return validateEventUpdate(coreForm(obj), coreForm(old));
  },

  /**
   * Upstream's strict events.k8s.io rules (eventTime required, deprecated fields unset …)
   * hold for creates only; `old` is undefined exactly then.
   */
  async admit(obj: KubeObject, old: KubeObject | undefined): Promise<FieldError[]> {
    return old === undefined ? validateEventCreateStrict(coreForm(obj)) : [];
  },

  // printEvent, over the core form (upstream prints its internal object).
  table: {
    columns: eventStrategy.table.columns,
    row: (obj: KubeObject, now: number) => eventStrategy.table.row(coreForm(obj), now),
  },

  // The events.k8s.io field labels (pkg/apis/events/v1 conversion) over the core fields.
  fieldSelectors: {
    'regarding.kind': coreField('involvedObject.kind'),
    'regarding.namespace': coreField('involvedObject.namespace'),
    'regarding.name': coreField('involvedObject.name'),
    'regarding.uid': coreField('involvedObject.uid'),
    'regarding.apiVersion': coreField('involvedObject.apiVersion'),
    'regarding.resourceVersion': coreField('involvedObject.resourceVersion'),
    'regarding.fieldPath': coreField('involvedObject.fieldPath'),
    reason: coreField('reason'),
    reportingController: coreField('reportingComponent'),
    type: coreField('type'),
  },
} satisfies ResourceStrategy;
