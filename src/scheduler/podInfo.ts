// PodInfo: everything the scheduler reads from a pod, parsed once (framework.PodInfo plus the
// resource sums NodeInfo keeps). Requests follow component-helpers resource.PodRequests:
// max(sum of containers + sidecars, largest init-container step) + overhead.
import { parseQuantity } from '../machinery/quantity.js';
import { selectorFromLabelSelector, type LabelSelector, type Selector } from '../machinery/labels.js';
import type { KubeObject } from '../machinery/types.js';
import { num, record, records, str, stringMap, strings, type JsonRecord } from '../machinery/jsonAccess.js';
import {
  parseTolerations,
  preferredNodeTerms,
  requiredNodeAffinity,
  type PreferredTerm,
  type RequiredNodeAffinity,
  type Toleration,
} from '../machinery/nodeMatching.js';

/** Resource amounts in scheduler units: cpu in millicores, everything else in base units. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources, hugepages, …; undefined when none. */
  scalar: Map<string, number> | undefined;
}

export const emptyResource = (): Resource => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined });

// schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: what a container without a request
// counts as when spreading load (scoring only; never for fit).
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** framework.AffinityTerm: namespaces (or a namespace selector) + label selector + topology key. */
export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector: Selector;
  readonly selector: Selector;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

const quantityCache = new Map<string, { milli: number; int: number }>();

function quantity(v: unknown): { milli: number; int: number } {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
  let q = quantityCache.get(s);
  if (!q) {
    try {
      const p = parseQuantity(s);
      q = { milli: p.milli, int: p.intValue };
    } catch {
      q = { milli: 0, int: 0 };
    }
    if (quantityCache.size < 10_000) quantityCache.set(s, q);
  }
  return q;
}

/** A ResourceList entry in scheduler units (cpu → MilliValue, others → Value, both rounded up). */
export const resourceAmount = (name: string, v: unknown): number => (name === 'cpu' ? quantity(v).milli : quantity(v).int);

type ResourceList = Map<string, number>;

function resourceList(v: unknown): ResourceList {
  const out: ResourceList = new Map();
  const r = record(v);
  if (r) for (const [k, q] of Object.entries(r)) out.set(k, resourceAmount(k, q));
  return out;
}

function containerRequests(c: JsonRecord, nonMissing: boolean): ResourceList {
  const res = record(c.resources);
  const reqs = resourceList(res?.requests);
  // The apiserver defaults missing requests to limits; repeat it so a pod stored without
  // that defaulting is still sized as upstream would size it.
  for (const [k, v] of resourceList(res?.limits)) if (!reqs.has(k)) reqs.set(k, v);
  if (nonMissing) {
    if (!reqs.has('cpu')) reqs.set('cpu', defaultMilliCPURequest);
    if (!reqs.has('memory')) reqs.set('memory', defaultMemoryRequest);
  }
  return reqs;
}

const add = (into: ResourceList, from: ResourceList): void => {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
};
const maxInto = (into: ResourceList, from: ResourceList): void => {
  for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
};

const isSidecar = (c: JsonRecord): boolean => c.restartPolicy === 'Always';

/** resource.PodRequests (sidecar-aware), overhead included. */
export function podRequests(spec: JsonRecord, nonMissing: boolean): ResourceList {
  const reqs: ResourceList = new Map();
  for (const c of records(spec.containers)) add(reqs, containerRequests(c, nonMissing));
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of records(spec.initContainers)) {
    const cr = containerRequests(c, nonMissing);
    let step: ResourceList;
    if (isSidecar(c)) {
      // Sidecars keep running next to the app containers and every later init step.
      add(reqs, cr);
      add(sidecars, cr);
      step = new Map(sidecars);
    } else {
      step = new Map(cr);
      add(step, sidecars);
    }
    maxInto(initMax, step);
  }
  maxInto(reqs, initMax);
  add(reqs, resourceList(spec.overhead));
  return reqs;
}

function toResource(list: ResourceList): Resource {
  const r = emptyResource();
  for (const [k, v] of list) {
    if (k === 'cpu') r.milliCPU = v;
    else if (k === 'memory') r.memory = v;
    else if (k === 'ephemeral-storage') r.ephemeralStorage = v;
    else if (k !== 'pods' && v !== 0) (r.scalar ??= new Map()).set(k, v);
  }
  return r;
}

function hostPorts(spec: JsonRecord): HostPort[] {
  const out: HostPort[] = [];
  const containers = [...records(spec.containers), ...records(spec.initContainers).filter(isSidecar)];
  for (const c of containers) {
    for (const p of records(c.ports)) {
      const port = num(p.hostPort) ?? 0;
      if (port <= 0) continue;
      out.push({ ip: str(p.hostIP) || '0.0.0.0', protocol: str(p.protocol) || 'TCP', port });
    }
  }
  return out;
}

function safeSelector(v: unknown): Selector {
  try {
    return selectorFromLabelSelector(record(v) as LabelSelector | undefined);
  } catch {
    // An unparsable selector matches nothing (upstream fails the pod's PreFilter instead).
    return selectorFromLabelSelector(undefined);
  }
}

function affinityTerm(t: JsonRecord, podNamespace: string): AffinityTerm {
  const list = strings(t.namespaces);
  const hasNsSelector = record(t.namespaceSelector) !== undefined;
  // getNamespacesFromPodAffinityTerm: no namespaces and no selector means the pod's own.
  const namespaces = new Set(list.length === 0 && !hasNsSelector ? [podNamespace] : list);
  return {
    namespaces,
    namespaceSelector: safeSelector(t.namespaceSelector),
    selector: safeSelector(t.labelSelector),
    topologyKey: str(t.topologyKey) ?? '',
  };
}

const requiredTerms = (a: JsonRecord | undefined, ns: string): AffinityTerm[] =>
  records(a?.requiredDuringSchedulingIgnoredDuringExecution).map((t) => affinityTerm(t, ns));

const weightedTerms = (a: JsonRecord | undefined, ns: string): WeightedAffinityTerm[] =>
  records(a?.preferredDuringSchedulingIgnoredDuringExecution).flatMap((w) => {
    const t = record(w.podAffinityTerm);
    return t ? [{ ...affinityTerm(t, ns), weight: num(w.weight) ?? 0 }] : [];
  });

function parseTime(v: unknown): number | undefined {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export class PodInfo {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Record<string, string>;
  readonly spec: JsonRecord;
  /** spec.priority as resolved by admission from priorityClassName; 0 when unset. */
  readonly priority: number;
  /** spec.nodeName ('' for a pod still to schedule; the snapshot tracks where assumed pods sit). */
  readonly nodeName: string;
  readonly requests: Resource;
  /** Requests with the 100m / 200Mi defaults for containers that set none (NonZeroRequested). */
  readonly nonZeroCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly nodeAffinity: RequiredNodeAffinity;
  readonly preferredNodeTerms: readonly PreferredTerm[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** UID and kind of the controlling owner (ReplicaSet, StatefulSet, Job, …). */
  readonly ownerUid: string | undefined;
  readonly ownerKind: string | undefined;
  /** metadata.deletionTimestamp is set. */
  readonly terminating: boolean;
  /** status.startTime in ms; undefined when the pod has not started. */
  readonly startTime: number | undefined;

  constructor(readonly pod: KubeObject) {
    const meta = pod.metadata;
    this.namespace = meta.namespace ?? 'default';
    this.name = meta.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = meta.uid ?? '';
    this.labels = meta.labels ?? {};
    const spec = record(pod.spec) ?? {};
    this.spec = spec;
    this.priority = num(spec.priority) ?? 0;
    this.nodeName = str(spec.nodeName) ?? '';
    this.requests = toResource(podRequests(spec, false));
    const nonZero = podRequests(spec, true);
    this.nonZeroCPU = nonZero.get('cpu') ?? 0;
    this.nonZeroMemory = nonZero.get('memory') ?? 0;
    this.hostPorts = hostPorts(spec);
    this.tolerations = parseTolerations(spec.tolerations);
    this.nodeAffinity = requiredNodeAffinity(spec);
    this.preferredNodeTerms = preferredNodeTerms(spec);
    const affinity = record(spec.affinity);
    const podAffinity = record(affinity?.podAffinity);
    const podAntiAffinity = record(affinity?.podAntiAffinity);
    this.requiredAffinityTerms = requiredTerms(podAffinity, this.namespace);
    this.requiredAntiAffinityTerms = requiredTerms(podAntiAffinity, this.namespace);
    this.preferredAffinityTerms = weightedTerms(podAffinity, this.namespace);
    this.preferredAntiAffinityTerms = weightedTerms(podAntiAffinity, this.namespace);
    const owner = meta.ownerReferences?.find((o) => o.controller === true);
    this.ownerUid = owner?.uid;
    this.ownerKind = owner?.kind;
    this.terminating = meta.deletionTimestamp !== undefined;
    this.startTime = parseTime(record(pod.status)?.startTime);
  }

  /** Has any pod affinity or anti-affinity (framework NodeInfo.PodsWithAffinity). */
  get hasAffinity(): boolean {
    return (
      this.requiredAffinityTerms.length + this.requiredAntiAffinityTerms.length + this.preferredAffinityTerms.length + this.preferredAntiAffinityTerms.length > 0
    );
  }

  get preemptionPolicy(): string {
    return str(this.spec.preemptionPolicy) ?? 'PreemptLowerPriority';
  }

  get nominatedNodeName(): string {
    return str(record(this.pod.status)?.nominatedNodeName) ?? '';
  }
}

const cache = new WeakMap<KubeObject, PodInfo>();

/** The PodInfo of a pod object, parsed once per object identity (informer objects are not mutated). */
export function podInfoOf(pod: KubeObject | PodInfo): PodInfo {
  if (pod instanceof PodInfo) return pod;
  let pi = cache.get(pod);
  if (!pi) {
    pi = new PodInfo(pod);
    cache.set(pod, pi);
  }
  return pi;
}

/** Labels of a namespace object, for affinity namespaceSelectors. */
export const namespaceLabelsOf = (ns: KubeObject): Record<string, string> => stringMap(ns.metadata.labels);

/** AffinityTerm.Matches: namespace listed or selected, and labels selected. */
export function termMatchesPod(term: AffinityTerm, pod: PodInfo, nsLabels: Record<string, string> | undefined): boolean {
  if (!term.namespaces.has(pod.namespace) && !term.namespaceSelector.matches(nsLabels ?? {})) return false;
  return term.selector.matches(pod.labels);
}

/** podMatchesAllAffinityTerms: false for no terms. */
export function podMatchesAllTerms(terms: readonly AffinityTerm[], pod: PodInfo, nsLabels: Record<string, string> | undefined): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatchesPod(t, pod, nsLabels));
}
