// What a created Pod gains beyond PodSpec defaulting: SetDefaults_Pod (requests from limits,
// enableServiceLinks), the admission plugins every cluster runs that need no cluster state
// (ServiceAccount, DefaultTolerationSeconds; Priority reads the PriorityClasses, see
// scheduling/podPriority.ts), and the QoS class computed at creation (qos.GetPodQOS).
import { compareQuantities, parseQuantity, addQuantities, type Quantity } from '../../machinery/quantity.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, ensureRec, rec, recs, setDefault, str } from '../shared/access.js';
import { quantityOf } from '../shared/validate.js';
import { defaultPodSpec } from './podSpecDefaults.js';

export function podSpecOf(obj: KubeObject): Obj {
  return ensureRec(obj, 'spec');
}

/** SetDefaults_Pod + SetDefaults_PodSpec. */
export function defaultPod(obj: KubeObject): void {
  const spec = podSpecOf(obj);
  defaultPodSpec(spec);
  for (const list of ['initContainers', 'containers']) {
    for (const c of recs(spec[list])) {
      const res = rec(c.resources);
      if (!res) continue;
      // Limits without requests make requests equal to the limits (pods only, not templates).
      const limits = rec(res.limits);
      if (!limits || Object.keys(limits).length === 0) continue;
      const requests = ensureRec(res, 'requests');
      for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
}

const defaultTolerations = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** The create-time admission defaults that need no cluster state (ServiceAccount, DefaultTolerationSeconds). */
export function admitPodDefaults(obj: KubeObject): void {
  const spec = podSpecOf(obj);
  if (!str(spec.serviceAccountName)) spec.serviceAccountName = str(spec.serviceAccount) || 'default';
  spec.serviceAccount = spec.serviceAccountName;
  const tolerations = recs(spec.tolerations);
  const added: Obj[] = [];
  for (const key of defaultTolerations) {
    // Any toleration naming this key (or no key) with NoExecute (or no effect) counts, as upstream.
    const covered = tolerations.some((t) => {
      const effect = str(t.effect) ?? '';
      const tkey = str(t.key) ?? '';
      return (tkey === key || tkey === '') && (effect === '' || effect === 'NoExecute');
    });
    if (!covered) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  if (added.length > 0) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...added];
}

/** qos.GetPodQOS: Guaranteed, Burstable or BestEffort from cpu/memory requests and limits. */
export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const add = (m: Map<string, Quantity>, k: string, q: Quantity): void => {
    const cur = m.get(k);
    m.set(k, cur ? addQuantities(cur, q) : q);
  };
  for (const c of [...recs(spec.containers), ...recs(spec.initContainers)]) {
    const res = rec(c.resources) ?? {};
    for (const [k, v] of Object.entries(rec(res.requests) ?? {})) {
      const s = quantityOf(v);
      if ((k === 'cpu' || k === 'memory') && s !== undefined && compareQuantities(s, '0') !== 0) add(requests, k, parseQuantity(s));
    }
    const found = new Set<string>();
    for (const [k, v] of Object.entries(rec(res.limits) ?? {})) {
      const s = quantityOf(v);
      if ((k === 'cpu' || k === 'memory') && s !== undefined) {
        found.add(k);
        if (compareQuantities(s, '0') !== 0) add(limits, k, parseQuantity(s));
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, req] of requests) {
      const lim = limits.get(k);
      if (!lim || compareQuantities(lim, req) !== 0) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
