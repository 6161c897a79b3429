// The EndpointSlice controller's decision for one Service (upstream
// pkg/controller/endpointslice syncService and staging/src/k8s.io/endpointslice reconciler.go):
// pods → desired endpoints grouped by their resolved port set → existing managed slices
// updated in place where they can be (endpoints changed, removed or added; labels re-synced),
// new slices (generateName `<service>-`) for what does not fit, at most maxEndpointsPerSlice
// endpoints each, slices with nothing left deleted — or turned into the update of a slice that
// would otherwise be created — and one empty placeholder slice when a Service has no
// endpoints at all. Deterministic where upstream iterates maps: pods by name, slices in input
// order.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, eventFor, type EventDescriptor } from '../shared/actions.js';
import { clone, type Obj, recs, semanticEqual, specOf, str } from '../shared/meta.js';
import { newControllerRef } from '../shared/ownerRefs.js';
import {
  ANNOTATION_LAST_CHANGE_TRIGGER_TIME, isExternalName, publishNotReadyAddresses, selectedPods, serviceSelector, shouldPodBeInEndpoints,
} from '../shared/serviceEndpoints.js';
import {
  type AddressType, CONTROLLER_NAME, type EndpointPort, endpointKey, endpointPorts, endpointSliceLabels, endpointsEqualBeyondHash,
  LABEL_MANAGED_BY, LABEL_SERVICE_NAME, podToEndpoint, portMapKey, serviceAddressTypes,
} from './sliceParts.js';

/** kube-controller-manager --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
/** The endpointslice controller's defaultSyncBackOff, used to retry a pod whose Node is missing. */
export const SYNC_BACKOFF_MS = 1000;

const SERVICE = { apiVersion: 'v1', kind: 'Service' };
const SLICE_GVK = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' };

export interface EndpointSliceObserved {
  service: KubeObject;
  /** Pods of the Service's namespace (the selector is applied here). */
  pods: readonly KubeObject[];
  /** EndpointSlices of the namespace (the managed ones of this Service are picked here). */
  endpointSlices: readonly KubeObject[];
  /** Nodes, for endpoint zones and to skip pods on missing Nodes; omit to skip both. */
  nodes?: readonly KubeObject[];
}

export interface EndpointSliceOptions {
  maxEndpointsPerSlice?: number;
}

interface Desired {
  ports: EndpointPort[];
  endpoints: Map<string, Obj>;
}

interface Plan {
  create: KubeObject[];
  update: KubeObject[];
  delete: KubeObject[];
}

const endpointsOf = (slice: KubeObject): Obj[] => recs(slice.endpoints);
const addressTypeOf = (slice: KubeObject): string => str(slice.addressType) ?? '';

function ownedBy(slice: KubeObject, svc: KubeObject): boolean {
  return (slice.metadata.ownerReferences ?? []).some((r) => r.uid === svc.metadata.uid && r.kind === 'Service' && r.apiVersion === 'v1');
}

/** newEndpointSlice. Empty lists go out as null, as the API server stores them. */
function newSlice(svc: KubeObject, ports: EndpointPort[], addressType: AddressType, endpoints: Obj[]): KubeObject {
  return {
    ...SLICE_GVK,
    metadata: {
      generateName: `${svc.metadata.name ?? ''}-`,
      namespace: svc.metadata.namespace,
      labels: endpointSliceLabels(undefined, svc).labels,
      ownerReferences: [newControllerRef(svc, SERVICE)],
    },
    addressType,
    endpoints: endpoints.length > 0 ? endpoints : null,
    ports: ports.length > 0 ? ports : null,
  };
}

function withEndpoints(slice: KubeObject, endpoints: Obj[], labels?: Record<string, string>): KubeObject {
  const next = clone(slice);
  next.apiVersion = SLICE_GVK.apiVersion;
  next.kind = SLICE_GVK.kind;
  next.endpoints = endpoints.length > 0 ? endpoints : null;
  if (labels) next.metadata.labels = labels;
  return next;
}

/** getSliceToFill: the unchanged slice closest to full once `n` endpoints are added. */
function sliceToFill(slices: KubeObject[], n: number, max: number): KubeObject | undefined {
  let best: KubeObject | undefined;
  let closest = max;
  for (const s of slices) {
    const diff = max - (n + endpointsOf(s).length);
    if (diff >= 0 && diff < closest) {
      closest = diff;
      best = s;
      if (diff === 0) break;
    }
  }
  return best;
}

function popInto(desired: Map<string, Obj>, target: Obj[], max: number): void {
  for (const [k, ep] of desired) {
    if (target.length >= max) return;
    target.push(ep);
    desired.delete(k);
  }
}

/** reconcileByPortMapping. */
function reconcileByPortMapping(svc: KubeObject, existing: KubeObject[], desired: Desired, addressType: AddressType, max: number, plan: Plan): void {
  const want = desired.endpoints;
  const unchanged: KubeObject[] = [];
  const toUpdate: KubeObject[] = [];
  for (const slice of existing) {
    const kept: Obj[] = [];
    let updated = false;
    for (const ep of endpointsOf(slice)) {
      const got = want.get(endpointKey(ep));
      if (!got) continue;
      kept.push(got);
      if (!endpointsEqualBeyondHash(got, ep)) updated = true;
      want.delete(endpointKey(ep));
    }
    const { labels, changed } = endpointSliceLabels(slice, svc);
    if (updated || kept.length !== endpointsOf(slice).length) {
      if (kept.length === 0) plan.delete.push(slice);
      else toUpdate.push(withEndpoints(slice, kept, labels));
    } else if (changed) {
      toUpdate.push(withEndpoints(slice, endpointsOf(slice), labels));
    } else {
      unchanged.push(slice);
    }
  }
  // Fill the slices being updated anyway, fullest first.
  if (want.size > 0) {
    const byFullness = [...toUpdate].sort((a, b) => recs(b.endpoints).length - recs(a.endpoints).length);
    for (const s of byFullness) {
      const eps = recs(s.endpoints);
      popInto(want, eps, max);
      s.endpoints = eps.length > 0 ? eps : null;
    }
  }
  // What is left goes into one unchanged slice that has room for all of it, else new slices.
  while (want.size > 0) {
    const fill = want.size < max && unchanged.length > 0 ? sliceToFill(unchanged, want.size, max) : undefined;
    if (fill) {
      const eps = [...endpointsOf(fill)];
      popInto(want, eps, max);
      unchanged.splice(unchanged.indexOf(fill), 1);
      toUpdate.push(withEndpoints(fill, eps));
    } else {
      const eps: Obj[] = [];
      popInto(want, eps, max);
      plan.create.push(newSlice(svc, desired.ports, addressType, eps));
    }
  }
  plan.update.push(...toUpdate);
}

/** placeholderSliceCompare: namespace, labels, owner references and content all equal. */
function isPlaceholderOf(slice: KubeObject, placeholder: KubeObject): boolean {
  return (
    slice.metadata.namespace === placeholder.metadata.namespace &&
    semanticEqual(slice.metadata.labels ?? {}, placeholder.metadata.labels ?? {}) &&
    semanticEqual(slice.metadata.ownerReferences ?? [], placeholder.metadata.ownerReferences ?? []) &&
    slice.addressType === placeholder.addressType &&
    semanticEqual(slice.endpoints ?? [], []) &&
    semanticEqual(slice.ports ?? [], [])
  );
}

interface PodError {
  message: string;
}

/** reconcileByAddressType. */
function reconcileAddressType(
  observed: EndpointSliceObserved,
  pods: KubeObject[],
  existing: KubeObject[],
  addressType: AddressType,
  max: number,
  errors: PodError[],
): Plan {
  const svc = observed.service;
  const plan: Plan = { create: [], update: [], delete: [] };
  const existingByPorts = new Map<string, KubeObject[]>();
  for (const s of existing) {
    if (!ownedBy(s, svc)) {
      plan.delete.push(s);
      continue;
    }
    const k = portMapKey(s.ports);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }

  const desiredByPorts = new Map<string, Desired>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const k = portMapKey(ports);
    if (!desiredByPorts.has(k)) desiredByPorts.set(k, { ports, endpoints: new Map() });
    const nodeName = str(specOf(pod).nodeName) ?? '';
    const node = observed.nodes?.find((n) => n.metadata.name === nodeName);
    if (observed.nodes && !node && !publishNotReadyAddresses(svc)) {
      // Skip the pod (retrying later) rather than leave the slice stuck on a missing Node.
      errors.push({ message: `skipping Pod ${pod.metadata.name ?? ''} for Service ${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}: Node ${nodeName} Not Found` });
      continue;
    }
    const ep = podToEndpoint(pod, node, svc, addressType);
    if ((ep.addresses as string[]).length > 0) desiredByPorts.get(k)?.endpoints.set(endpointKey(ep), ep);
  }

  for (const [k, desired] of desiredByPorts) reconcileByPortMapping(svc, existingByPorts.get(k) ?? [], desired, addressType, max, plan);
  for (const [k, slices] of existingByPorts) if (!desiredByPorts.has(k)) plan.delete.push(...slices);

  // A Service with no endpoints still gets one (empty) slice.
  if (existing.length === plan.delete.length && plan.create.length === 0) {
    const placeholder = newSlice(svc, [], addressType, []);
    if (plan.delete.length === 1 && isPlaceholderOf(plan.delete[0], placeholder)) plan.delete = [];
    else plan.create.push(placeholder);
  }
  return plan;
}

function dropTriggerTime(slice: KubeObject): void {
  const ann = slice.metadata.annotations;
  if (!ann || !(ANNOTATION_LAST_CHANGE_TRIGGER_TIME in ann)) return;
  const { [ANNOTATION_LAST_CHANGE_TRIGGER_TIME]: _dropped, ...rest } = ann;
  if (Object.keys(rest).length > 0) slice.metadata.annotations = rest;
  else delete slice.metadata.annotations;
}

export function decideEndpointSlices(observed: EndpointSliceObserved, _now: number, opts: EndpointSliceOptions = {}): Action[] {
  const svc = observed.service;
  if (isExternalName(svc) || !serviceSelector(svc)) return [];
  const max = opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const ns = svc.metadata.namespace;
  const svcKey = `${ns ?? ''}/${svc.metadata.name ?? ''}`;
  const pods = selectedPods(svc, observed.pods);
  const slices = observed.endpointSlices.filter(
    (s) => s.metadata.namespace === ns && !s.metadata.deletionTimestamp && s.metadata.labels?.[LABEL_SERVICE_NAME] === svc.metadata.name && s.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME,
  );

  const types = serviceAddressTypes(svc);
  const plan: Plan = { create: [], update: [], delete: [] };
  const errors: PodError[] = [];
  // Slices of an address type the Service no longer has go.
  plan.delete.push(...slices.filter((s) => !(types as string[]).includes(addressTypeOf(s))));
  for (const t of types) {
    const p = reconcileAddressType(observed, pods, slices.filter((s) => addressTypeOf(s) === t), t, max, errors);
    plan.create.push(...p.create);
    plan.update.push(...p.update);
    plan.delete.push(...p.delete);
  }

  // finalize: a slice that would be deleted is reused for one that would be created.
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const gone = plan.delete[i];
    const fresh = plan.create[plan.create.length - 1];
    if (addressTypeOf(gone) === addressTypeOf(fresh) && ownedBy(gone, svc)) {
      fresh.metadata = { ...fresh.metadata, name: gone.metadata.name, resourceVersion: gone.metadata.resourceVersion };
      delete fresh.metadata.generateName;
      plan.create.pop();
      plan.update.push(fresh);
      plan.delete.splice(i, 1);
    } else i++;
  }

  const failed = (what: string): EventDescriptor[] => [
    eventFor(svc, SERVICE, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${svcKey}: ${what}: {{error}}`),
  ];
  const actions: Action[] = [];
  // No new slices for a Service being deleted: the garbage collector is removing them.
  if (!svc.metadata.deletionTimestamp) {
    for (const s of plan.create) actions.push({ kind: 'create', object: s, onFailure: failed(`failed to create EndpointSlice for Service ${svcKey}`) });
  }
  for (const s of plan.update) {
    dropTriggerTime(s);
    actions.push({ kind: 'update', object: s, onFailure: failed(`failed to update ${s.metadata.name ?? ''} EndpointSlice for Service ${svcKey}`) });
  }
  for (const s of plan.delete) {
    actions.push({
      kind: 'delete',
      ref: { ...SLICE_GVK, namespace: s.metadata.namespace, name: s.metadata.name ?? '', uid: s.metadata.uid },
      tolerate: ['NotFound'],
      onFailure: failed(`failed to delete ${s.metadata.name ?? ''} EndpointSlice for Service ${svcKey}`),
    });
  }
  if (errors.length > 0) {
    const msg = errors.length === 1 ? errors[0].message : `[${errors.map((e) => e.message).join(', ')}]`;
    actions.push({ kind: 'event', event: eventFor(svc, SERVICE, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${svcKey}: ${msg}`) });
    actions.push({ kind: 'requeueAfter', ms: SYNC_BACKOFF_MS });
  }
  return actions;
}
