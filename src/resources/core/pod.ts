// core/v1 Pod: pkg/registry/core/pod/strategy.go (status reset to Pending with its QoS class
// on create, spec/status split on update), ValidatePod / ValidatePodUpdate /
// ValidatePodStatusUpdate, PodToSelectableFields and printPod.
import { type FieldError, forbidden, invalid } from '../../machinery/fieldErrors.js';
import { isValidIP } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, rec, recs, str } from '../shared/access.js';
import { admitPodPriority, keepPodPriority } from '../scheduling/podPriority.js';
import type { AdmissionContext, ResourceStrategy } from '../types.js';
import { admitPodDefaults, defaultPod, podQOSClass, podSpecOf } from './podDefaults.js';
import { validatePodSpec } from './podSpec.js';
import { podBinding, podEviction } from './podSubresources.js';
import { admitPodServiceAccount } from './podServiceAccount.js';
import { podTable } from './podTable.js';
import { validatePodUpdate } from './podUpdate.js';
import { rfc3339 } from '../../machinery/time.js';

const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

function status(obj: KubeObject): Obj {
  return rec(obj.status) ?? {};
}

function validatePod(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = rec(obj.spec) ?? {};
  const annotations = obj.metadata.annotations ?? {};
  if (mirrorPodAnnotation in annotations && !str(spec.nodeName)) {
    errs.push(invalid(`metadata.annotations[${mirrorPodAnnotation}]`, annotations[mirrorPodAnnotation], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  errs.push(...validatePodSpec(obj.spec, 'spec'));
  // Only pods (not templates) reject images with surrounding whitespace (validateContainersOnlyForPod).
  for (const list of ['containers', 'initContainers']) {
    recs(spec[list]).forEach((c, i) => {
      const image = str(c.image) ?? '';
      if (image.trim().length !== image.length) errs.push(invalid(`spec.${list}[${i}].image`, image, 'must not have leading or trailing whitespace'));
    });
  }
  recs(status(obj).podIPs).forEach((p, i) => {
    const ip = str(p.ip) ?? '';
    for (const m of isValidIP(ip)) errs.push(invalid(`status.podIPs[${i}]`, ip, m));
  });
  return errs;
}

/** ValidateContainerStateTransition: a terminated container of a non-restarting pod stays terminated. */
function validateStateTransitions(obj: KubeObject, old: KubeObject): FieldError[] {
  const policy = str(rec(old.spec)?.restartPolicy) ?? 'Always';
  if (policy === 'Always') return [];
  const errs: FieldError[] = [];
  const oldStatuses = recs(status(old).containerStatuses);
  recs(status(obj).containerStatuses).forEach((cs, i) => {
    const prev = oldStatuses.find((o) => o.name === cs.name);
    const wasTerminated = rec(rec(prev?.state)?.terminated);
    if (!wasTerminated || rec(rec(cs.state)?.terminated)) return;
    if (policy === 'Never' || (policy === 'OnFailure' && wasTerminated.exitCode === 0)) {
      errs.push(forbidden(`status.containerStatuses[${i}].state`, 'may not be transitioned to non-terminated state'));
    }
  });
  return errs;
}

function addSeconds(ts: string | undefined, seconds: number): string {
  const base = ts ? Date.parse(ts) : Date.now();
  return rfc3339((Number.isNaN(base) ? Date.now() : base) + seconds * 1000);
}

/**
 * CheckGracefulDelete + rest.BeforeDelete: the grace period is the request's, else the pod's
 * terminationGracePeriodSeconds; unscheduled or finished pods go at once. A pod already
 * being deleted may only have its grace period shortened.
 */
export function podGracefulDelete(obj: KubeObject, gracePeriodSeconds: number | undefined): KubeObject | undefined {
  const meta = obj.metadata;
  const pending = meta.deletionGracePeriodSeconds;
  if (pending !== undefined) {
    if (pending === 0) return undefined;
    if (gracePeriodSeconds === undefined || gracePeriodSeconds >= pending) return obj;
    if (gracePeriodSeconds <= 0) return undefined;
    meta.deletionTimestamp = addSeconds(addSeconds(meta.deletionTimestamp, -pending), gracePeriodSeconds);
    meta.deletionGracePeriodSeconds = gracePeriodSeconds;
    return obj;
  }
  const spec = rec(obj.spec) ?? {};
  let period = gracePeriodSeconds ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 0);
  const phase = status(obj).phase;
  if (!str(spec.nodeName) || phase === 'Succeeded' || phase === 'Failed') period = 0;
  if (period < 0) period = 1;
  if (period === 0) return undefined;
  meta.deletionTimestamp = addSeconds(meta.deletionTimestamp, period);
  meta.deletionGracePeriodSeconds = period;
  return obj;
}

export const podStrategy = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.core.v1.Pod',
  hasStatus: true,

  defaults: defaultPod,

  prepareForCreate(obj: KubeObject): void {
    defaultPod(obj);
    admitPodDefaults(obj);
    const spec = podSpecOf(obj);
    const st: Obj = { phase: 'Pending', qosClass: podQOSClass(spec) };
    if (recs(spec.schedulingGates).length > 0) {
      st.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: null }];
    }
    obj.status = st;
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    if (old.status === undefined) delete obj.status;
    else obj.status = old.status;
    keepPodPriority(obj, old);
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    obj.spec = old.spec;
    // pods/status may not touch owner references (old kubelets corrupted them) nor deletion.
    if (old.metadata.ownerReferences === undefined) delete obj.metadata.ownerReferences;
    else obj.metadata.ownerReferences = old.metadata.ownerReferences;
    if (old.metadata.deletionTimestamp === undefined) delete obj.metadata.deletionTimestamp;
    else obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    const st = rec(obj.status);
    const qos = str(rec(old.status)?.qosClass);
    if (st && !str(st.qosClass) && qos) st.qosClass = qos;
  },

  validate: validatePod,

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    // Binding (pods/binding) sets spec.nodeName without this check, as upstream's binding REST does.
    return [...validatePodUpdate(obj, old), ...validateStateTransitions(obj, old)];
  },

  /**
   * Priority and ServiceAccount admission run on creates only. Binding writes also arrive
   * without `old`, but carry the stored resourceVersion, which a create never has (the store
   * refuses it).
   */
  async admit(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): Promise<FieldError[]> {
    if (old === undefined && obj.metadata.resourceVersion === undefined) {
      await admitPodPriority(obj, ctx);
      await admitPodServiceAccount(obj, ctx);
    }
    return [];
  },

  gracefulDelete: podGracefulDelete,
  postSubresources: { binding: podBinding, eviction: podEviction },

  table: podTable,

  fieldSelectors: {
    'spec.nodeName': (o) => str(rec(o.spec)?.nodeName) ?? '',
    'spec.restartPolicy': (o) => str(rec(o.spec)?.restartPolicy) ?? '',
    'spec.schedulerName': (o) => str(rec(o.spec)?.schedulerName) ?? '',
    'spec.serviceAccountName': (o) => str(rec(o.spec)?.serviceAccountName) ?? '',
    'spec.hostNetwork': (o) => String(rec(o.spec)?.hostNetwork === true),
    'status.phase': (o) => str(status(o).phase) ?? '',
    'status.podIP': (o) => str(recs(status(o).podIPs)[0]?.ip) ?? str(status(o).podIP) ?? '',
    'status.nominatedNodeName': (o) => str(status(o).nominatedNodeName) ?? '',
  },
} satisfies ResourceStrategy;
