// scheduling.k8s.io/v1 PriorityClass (cluster-scoped): upstream SetDefaults_PriorityClass,
// pkg/apis/scheduling/validation ValidatePriorityClass(Update), the registry strategy and REST
// (generation 1 on create, system classes cannot be deleted), the PriorityClass half of the
// Priority admission plugin (one globalDefault) and printPriorityClass.
import { forbiddenError } from '../shared/admission.js';
import { type FieldError, forbidden, notSupported, required } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { num, setDefault, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable } from '../shared/validate.js';
import type { AdmissionContext, ResourceStrategy } from '../types.js';

export const schedulingGroup = 'scheduling.k8s.io';
export const priorityClassResource = 'priorityclasses';

/** HighestUserDefinablePriority: larger values are reserved for the system classes. */
export const highestUserDefinablePriority = 1_000_000_000;
/** SystemCriticalPriority = 2 × HighestUserDefinablePriority. */
export const systemCriticalPriority = 2 * highestUserDefinablePriority;
export const systemPriorityClassPrefix = 'system-';

interface SystemPriorityClass {
  name: string;
  value: number;
  description: string;
}

/** schedulingapiv1.SystemPriorityClasses(), created at server start (upstream's post-start hook). */
export const systemPriorityClasses: readonly SystemPriorityClass[] = [
  { name: 'system-node-critical', value: systemCriticalPriority + 1000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: systemCriticalPriority, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

/** The built-in classes as objects to create. */
export function systemPriorityClassObjects(): KubeObject[] {
  return systemPriorityClasses.map((c) => ({
    apiVersion: `${schedulingGroup}/v1`,
    kind: 'PriorityClass',
    metadata: { name: c.name },
    value: c.value,
    description: c.description,
  }));
}

/** IsKnownSystemPriorityClass: undefined when name, value and globalDefault match a built-in, else the reason. */
export function systemPriorityClassMismatch(name: string, value: number, globalDefault: boolean): string | undefined {
  const spc = systemPriorityClasses.find((c) => c.name === name);
  if (!spc) return `${name} is not a known system priority class`;
  if (spc.value !== value) return `value of ${spc.name} PriorityClass must be ${spc.value}`;
  if (globalDefault) return `globalDefault of ${spc.name} PriorityClass must be false`;
  return undefined;
}

export const priorityValue = (pc: KubeObject): number => num(pc.value) ?? 0;
export const isGlobalDefault = (pc: KubeObject): boolean => pc.globalDefault === true;

/**
 * getDefaultPriorityClass: the class marked globalDefault; if a race left several, the one
 * with the lowest value, as upstream picks.
 */
export function defaultPriorityClass(classes: readonly KubeObject[]): KubeObject | undefined {
  let found: KubeObject | undefined;
  for (const pc of classes) if (isGlobalDefault(pc) && (!found || priorityValue(found) > priorityValue(pc))) found = pc;
  return found;
}

/** ValidatePreemptionPolicy (pkg/apis/core/validation): the two policies, in upstream's order. */
function validatePreemptionPolicy(value: unknown): FieldError[] {
  if (value === undefined || value === null) return [];
  if (value === '') return [required('preemptionPolicy')];
  if (value !== 'PreemptLowerPriority' && value !== 'Never') return [notSupported('preemptionPolicy', value, ['PreemptLowerPriority', 'Never'])];
  return [];
}

export const priorityClassStrategy = {
  group: schedulingGroup,
  version: 'v1',
  kind: 'PriorityClass',
  plural: priorityClassResource,
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  schemaRef: 'io.k8s.api.scheduling.v1.PriorityClass',

  defaults(obj: KubeObject): void {
    // `value` has no omitempty upstream: an absent value decodes (and prints) as 0.
    setDefault(obj, 'value', 0);
    setDefault(obj, 'preemptionPolicy', 'PreemptLowerPriority');
  },

  prepareForCreate(obj: KubeObject): void {
    // The registry strategy sets generation 1 although the kind has no status.
    obj.metadata.generation = 1;
  },

  validate(obj: KubeObject): FieldError[] {
    const errs: FieldError[] = [];
    const name = obj.metadata.name ?? '';
    const value = priorityValue(obj);
    if (name.startsWith(systemPriorityClassPrefix)) {
      const why = systemPriorityClassMismatch(name, value, isGlobalDefault(obj));
      if (why !== undefined) {
        errs.push(forbidden('metadata.name', `priority class names with '${systemPriorityClassPrefix}' prefix are reserved for system use only. error: ${why}`));
      }
    } else if (value > highestUserDefinablePriority) {
      errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
    }
    errs.push(...validatePreemptionPolicy(obj.preemptionPolicy));
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    const errs: FieldError[] = [];
    if (priorityValue(obj) !== priorityValue(old)) errs.push(forbidden('value', 'may not be changed in an update.'));
    errs.push(...immutable(obj.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
    return errs;
  },

  /** Priority admission's validatePriorityClass: only one class may be the global default. */
  async admit(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): Promise<FieldError[]> {
    if (!isGlobalDefault(obj)) return [];
    const name = obj.metadata.name ?? '';
    const current = defaultPriorityClass(await ctx.listAll(schedulingGroup, priorityClassResource));
    if (current && (old === undefined || current.metadata.name !== name)) {
      throw forbiddenError(schedulingGroup, priorityClassResource, name, `PriorityClass ${current.metadata.name ?? ''} is already marked as default. Only one default can exist`);
    }
    return [];
  },

  /** The REST storage's Delete refuses the built-in classes (before any grace-period logic). */
  gracefulDelete(obj: KubeObject): KubeObject | undefined {
    const name = obj.metadata.name ?? '';
    if (systemPriorityClasses.some((c) => c.name === name)) {
      throw forbiddenError(schedulingGroup, priorityClassResource, name, 'this is a system priority class and cannot be deleted');
    }
    return undefined;
  },

  table: {
    columns: [
      nameColumn,
      col('Value', 'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.', 0, 'integer'),
      col('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.', 0, 'boolean'),
      ageColumn,
      col('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
    ],
    row(obj: KubeObject, now: number) {
      return [obj.metadata.name ?? '', priorityValue(obj), isGlobalDefault(obj), age(obj.metadata.creationTimestamp, now), str(obj.preemptionPolicy) ?? ''];
    },
  },
} satisfies ResourceStrategy;
