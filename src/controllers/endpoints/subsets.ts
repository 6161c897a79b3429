// core/v1 Endpoints subsets in their canonical layout (upstream pkg/api/v1/endpoints
// RepackSubsets + SortSubsets, and the controller's truncateEndpoints): every address is
// mapped to the ports it serves, addresses serving the same ports share a subset, an address
// not ready on any port is not ready there, and the result is sorted. Upstream sorts ports and
// subsets by a hash of their Go dump; we sort by their content instead (stable, not identical).
import { canonicalJson, type Obj, rec } from '../shared/meta.js';

/** One address offered on one port (port undefined: a headless Service without ports). */
export interface AddressEntry {
  address: Obj;
  ready: boolean;
  port?: Obj;
}

/** kube-controller-manager's maxCapacity for one Endpoints object. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

function addressKey(a: Obj): string {
  return JSON.stringify([a.ip, rec(a.targetRef)?.uid ?? '']);
}

/** LessEndpointAddress: by IP (bytewise), then target uid. */
function lessAddress(a: Obj, b: Obj): number {
  const ia = String(a.ip ?? '');
  const ib = String(b.ip ?? '');
  if (ia !== ib) return ia < ib ? -1 : 1;
  const ua = String(rec(a.targetRef)?.uid ?? '');
  const ub = String(rec(b.targetRef)?.uid ?? '');
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

export function repackSubsets(entries: readonly AddressEntry[]): Obj[] {
  const addresses = new Map<string, Obj>();
  const portReady = new Map<string, { port?: Obj; ready: Map<string, boolean> }>();
  for (const e of entries) {
    const ak = addressKey(e.address);
    if (!addresses.has(ak)) addresses.set(ak, e.address);
    const pk = e.port ? canonicalJson(e.port) : '<none>';
    let slot = portReady.get(pk);
    if (!slot) portReady.set(pk, (slot = { port: e.port, ready: new Map() }));
    // Not ready on any entry trumps ready.
    const was = slot.ready.get(ak);
    if (was === undefined || was) slot.ready.set(ak, e.ready);
  }
  // Group the ports by the exact set of (address, readiness) they are served on.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: Obj[] }>();
  for (const slot of portReady.values()) {
    const key = canonicalJson([...slot.ready].sort(([a], [b]) => a.localeCompare(b)));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ready: slot.ready, ports: [] }));
    if (slot.port) g.ports.push(slot.port);
  }
  const subsets: Obj[] = [];
  for (const g of groups.values()) {
    const ready: Obj[] = [];
    const notReady: Obj[] = [];
    for (const [ak, r] of g.ready) (r ? ready : notReady).push(addresses.get(ak) as Obj);
    const subset: Obj = {};
    if (ready.length) subset.addresses = ready.sort(lessAddress);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(lessAddress);
    if (g.ports.length) subset.ports = g.ports.sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
    subsets.push(subset);
  }
  return subsets.sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
}

function countAddresses(subsets: readonly Obj[], field: 'addresses' | 'notReadyAddresses'): number {
  return subsets.reduce((n, s) => n + (Array.isArray(s[field]) ? (s[field] as unknown[]).length : 0), 0);
}

/**
 * truncateEndpoints: over capacity, keep ready addresses first, spreading the room over the
 * subsets in proportion (rounded up). Returns whether anything was cut.
 */
export function truncateSubsets(subsets: Obj[], capacity = MAX_ENDPOINTS_CAPACITY): boolean {
  const totalReady = countAddresses(subsets, 'addresses');
  const totalNotReady = countAddresses(subsets, 'notReadyAddresses');
  if (totalReady + totalNotReady <= capacity) return false;
  const truncateReady = totalReady > capacity;
  const max = truncateReady ? capacity : capacity - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const field = truncateReady ? 'addresses' : 'notReadyAddresses';
    const list = Array.isArray(s[field]) ? (s[field] as Obj[]) : [];
    const toBeAdded = Math.min(Math.ceil((list.length / numTotal) * max), canBeAdded);
    const kept = list.slice(0, toBeAdded);
    if (kept.length) s[field] = kept;
    else delete s[field];
    if (truncateReady) delete s.notReadyAddresses;
    canBeAdded -= kept.length;
  }
  return true;
}
