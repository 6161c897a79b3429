// The pod half of upstream's Priority admission plugin (plugin/pkg/admission/priority):
// on create, spec.priorityClassName resolves to spec.priority and spec.preemptionPolicy
// (no name → the global default class, else priority 0 and PreemptLowerPriority); a pod
// that brings its own different values, or names a missing class, is refused with 403.
// On update the values set at create are kept when the new object omits them.
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, ensureRec, num, rec, str } from '../shared/access.js';
import type { AdmissionContext } from '../types.js';
import { forbiddenError, requestedName } from '../shared/admission.js';
import { defaultPriorityClass, priorityClassResource, priorityValue, schedulingGroup } from './priorityclass.js';

/** Priority admission for a pod being created; mutates spec, throws the upstream 403 when refused. */
export async function admitPodPriority(pod: KubeObject, ctx: AdmissionContext): Promise<void> {
  const spec = ensureRec(pod, 'spec');
  const refuse = (why: string): never => {
    throw forbiddenError('', 'pods', requestedName(pod), why);
  };
  const classes = await ctx.listAll(schedulingGroup, priorityClassResource);
  const className = str(spec.priorityClassName) ?? '';
  let priority = 0;
  let policy: string | undefined = 'PreemptLowerPriority';
  if (className === '') {
    const dpc = defaultPriorityClass(classes);
    if (dpc) {
      spec.priorityClassName = dpc.metadata.name;
      priority = priorityValue(dpc);
      policy = str(dpc.preemptionPolicy);
    } else {
      delete spec.priorityClassName;
    }
  } else {
    const pc = classes.find((c) => c.metadata.name === className);
    if (!pc) return refuse(`no PriorityClass with name ${className} was found`);
    priority = priorityValue(pc);
    policy = str(pc.preemptionPolicy);
  }
  const given = num(spec.priority);
  if (spec.priority !== undefined && spec.priority !== null && given !== priority) {
    refuse(`the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (policy !== undefined) {
    const givenPolicy = spec.preemptionPolicy;
    if (givenPolicy !== undefined && givenPolicy !== null && givenPolicy !== policy) {
      refuse(`the string value of PreemptionPolicy (${String(givenPolicy)}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = policy;
  }
}

/** Priority admission on pod update: priority and preemptionPolicy omitted by the writer stay as created. */
export function keepPodPriority(pod: KubeObject, old: KubeObject): void {
  const prev: Obj = rec(old.spec) ?? {};
  const spec = rec(pod.spec);
  if (!spec) return;
  for (const f of ['priority', 'preemptionPolicy']) {
    if ((spec[f] === undefined || spec[f] === null) && prev[f] !== undefined && prev[f] !== null) spec[f] = prev[f];
  }
}
