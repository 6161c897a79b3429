// pods/binding and pods/eviction: what the scheduler and `kubectl drain` POST.
// Binding follows pkg/registry/core/pod/storage.BindingREST.assignPod: set spec.nodeName
// once, copy the binding's annotations, mark PodScheduled=True. Eviction deletes the pod
// with the eviction's delete options (no PodDisruptionBudgets exist here to block it).
import { ApiError, badRequest, conflict } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/types.js';
import { rec, recs, str } from '../shared/access.js';
import type { PostSubresource } from '../types.js';

const podsGR = { group: '', resource: 'pods' };

export const podBinding: PostSubresource = {
  kind: { group: '', version: 'v1', kind: 'Binding' },
  apply(pod, binding, now) {
    const target = rec(binding.target) ?? {};
    const node = str(target.name) ?? '';
    const name = pod.metadata.name ?? '';
    if (!node) throw new ApiError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`, { name, kind: 'Binding', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }] });
    if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') throw badRequest('a binding target must be a Node');
    if (pod.metadata.deletionTimestamp) throw conflict(podsGR, name, 'pod is being deleted, cannot be assigned to a host');
    const spec = rec(pod.spec) ?? {};
    if (str(spec.nodeName)) throw conflict(podsGR, name, `pod ${name} is already assigned to node "${str(spec.nodeName)}"`);
    const out: KubeObject = structuredClone(pod);
    (out.spec as Record<string, unknown>).nodeName = node;
    const ann = binding.metadata.annotations;
    if (ann) out.metadata.annotations = { ...(out.metadata.annotations ?? {}), ...ann };
    const status = (rec(out.status) ?? {}) as Record<string, unknown>;
    const conditions = recs(status.conditions).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
    out.status = { ...status, conditions };
    return { update: out };
  },
};

export const podEviction: PostSubresource = {
  kind: { group: 'policy', version: 'v1', kind: 'Eviction' },
  apply(pod, eviction) {
    const opts = rec(eviction.deleteOptions) ?? {};
    const grace = typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined;
    const pre = rec(opts.preconditions);
    return { delete: { gracePeriodSeconds: grace, uid: str(pre?.uid) ?? pod.metadata.uid } };
  },
};
