// Service clusterIP and nodePort allocation (upstream pkg/registry/core/service/storage
// alloc.go with ipallocator and portallocator). Free values are found by scanning live
// Services, so deleting a Service releases its values. Calls are serialised by the
// apiserver's admission chain, so two creates never pick the same value.
import { type FieldError, invalid } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, num, recs, str } from '../shared/access.js';
import type { AdmissionContext } from '../types.js';
import { type IPRange, bigIntToIP, ipToBigInt, parseCIDR, rangeContains } from './ipRange.js';
import { clusterIPs, isHeadless, needsClusterIP, needsHealthCheckNodePort, needsNodePort, svcSpec } from './serviceValidation.js';

/** Random pick from [lo, hi] with a linear probe for the next free value. */
function pickFree<T extends bigint | number>(lo: T, hi: T, used: (v: T) => boolean, toNum: (v: bigint) => T): T | undefined {
  const span = BigInt(hi) - BigInt(lo) + 1n;
  if (span <= 0n) return undefined;
  const start = BigInt(Math.floor(Math.random() * Number(span > 2n ** 52n ? 2n ** 52n : span)));
  for (let i = 0n; i < span; i++) {
    const v = toNum(BigInt(lo) + ((start + i) % span));
    if (!used(v)) return v;
  }
  return undefined;
}

function sameService(a: KubeObject, b: KubeObject): boolean {
  return a.metadata.namespace === b.metadata.namespace && a.metadata.name === b.metadata.name;
}

/** initIPFamilyFields for a single-stack cluster: families and policy the cluster can honour. */
function initIPFamilies(spec: Obj, range: IPRange): void {
  if (!needsClusterIP(spec)) {
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
    return;
  }
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    // Headless services without a selector get every family the cluster has.
    spec.ipFamilyPolicy = isHeadless(spec) && !spec.selector ? 'RequireDualStack' : 'SingleStack';
  }
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) {
    const ips = clusterIPs(spec).filter((ip) => ip !== 'None');
    spec.ipFamilies = ips.length > 0 && ips[0].includes(':') ? ['IPv6'] : [range.family];
  }
}

async function allocateClusterIP(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext, range: IPRange): Promise<FieldError[]> {
  const spec = svcSpec(obj);
  if (!needsClusterIP(spec) || isHeadless(spec)) {
    if (isHeadless(spec)) spec.clusterIPs = ['None'];
    return [];
  }
  const requested = str(spec.clusterIP) ?? '';
  const prev = old ? svcSpec(old) : undefined;
  // An unchanged address is already this Service's: nothing to allocate.
  if (requested !== '' && prev && needsClusterIP(prev) && prev.clusterIP === requested) return [];
  const others = (await ctx.listAll('', 'services')).filter((s) => !sameService(s, obj));
  const used = new Set<string>();
  for (const s of others) for (const ip of clusterIPs(svcSpec(s))) used.add(ip);
  if (requested === '') {
    // Dynamic picks prefer the range above the static band (ServiceIPStaticSubrange), which
    // keeps low addresses such as 10.43.0.1 (kubernetes) and 10.43.0.10 (DNS) for requests.
    const size = range.last - range.first + 1n;
    const band = size / 16n < 16n ? 16n : size / 16n > 256n ? 256n : size / 16n;
    const taken = (v: bigint): boolean => used.has(bigIntToIP(v, range.family));
    const upperStart = range.first + band;
    const pick =
      (upperStart <= range.last ? pickFree(upperStart, range.last, taken, (v) => v) : undefined) ??
      pickFree(range.first, range.last, taken, (v) => v);
    if (pick === undefined) return [{ type: 'Internal', field: 'spec.clusterIPs', detail: 'failed to allocate a serviceIP: range is full' }];
    const ip = bigIntToIP(pick, range.family);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return [];
  }
  const ips = clusterIPs(spec).length > 0 ? clusterIPs(spec) : [requested];
  if (!rangeContains(range, requested)) {
    return [invalid('spec.clusterIPs', ips, `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${range.cidr}`)];
  }
  // Compare canonical forms so `10.043.0.1`-style spellings of the same address collide.
  const n = ipToBigInt(requested);
  for (const u of used) {
    if (ipToBigInt(u) === n) return [invalid('spec.clusterIPs', ips, `failed to allocate IP ${requested}: provided IP is already allocated`)];
  }
  spec.clusterIPs = ips;
  return [];
}

async function allocateNodePorts(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): Promise<FieldError[]> {
  const spec = svcSpec(obj);
  const wantNodePorts = needsNodePort(spec);
  const wantHC = needsHealthCheckNodePort(spec);
  if (!wantNodePorts && !wantHC && !recs(spec.ports).some((p) => num(p.nodePort))) return [];
  const [lo, hi] = ctx.options.nodePortRange;
  const prev = old ? svcSpec(old) : undefined;
  const own = new Set<number>();
  if (prev) {
    for (const p of recs(prev.ports)) if (num(p.nodePort)) own.add(num(p.nodePort) ?? 0);
    if (num(prev.healthCheckNodePort)) own.add(num(prev.healthCheckNodePort) ?? 0);
  }
  const used = new Set<number>();
  for (const s of (await ctx.listAll('', 'services')).filter((x) => !sameService(x, obj))) {
    const ss = svcSpec(s);
    for (const p of recs(ss.ports)) if (num(p.nodePort)) used.add(num(p.nodePort) ?? 0);
    if (num(ss.healthCheckNodePort)) used.add(num(ss.healthCheckNodePort) ?? 0);
  }
  const errs: FieldError[] = [];
  const range = `${lo}-${hi}`;
  // Within one Service a number may serve several protocols (TCP and UDP on 53, say).
  const mine = new Set<number>();
  const check = (port: number, field: string, prefix: string): void => {
    if (mine.has(port) || own.has(port)) {
      mine.add(port);
      return;
    }
    if (port < lo || port > hi) errs.push(invalid(field, port, `${prefix}provided port is not in the valid range. The range of valid ports is ${range}`));
    else if (used.has(port)) errs.push(invalid(field, port, `${prefix}provided port is already allocated`));
    mine.add(port);
  };
  const ports = recs(spec.ports);
  ports.forEach((p, i) => {
    const np = num(p.nodePort) ?? 0;
    if (np !== 0) check(np, `spec.ports[${i}].nodePort`, '');
  });
  const hc = num(spec.healthCheckNodePort) ?? 0;
  if (hc !== 0) check(hc, 'spec.healthCheckNodePort', `failed to allocate requested HealthCheck NodePort ${hc}: `);
  if (errs.length > 0) return errs;
  const taken = (v: number): boolean => used.has(v) || mine.has(v);
  const byPort = new Map<number, number>();
  if (wantNodePorts) {
    for (const p of ports) {
      if (num(p.nodePort)) continue;
      // Ports sharing a number (one per protocol) share a node port, as upstream does.
      const reuse = byPort.get(num(p.port) ?? 0);
      const pick = reuse ?? pickFree(lo, hi, taken, (v) => Number(v));
      if (pick === undefined) return [{ type: 'Internal', field: 'spec.ports', detail: 'failed to allocate a nodePort: range is full' }];
      p.nodePort = pick;
      mine.add(pick);
      byPort.set(num(p.port) ?? 0, pick);
    }
  }
  if (wantHC && hc === 0) {
    const pick = pickFree(lo, hi, taken, (v) => Number(v));
    if (pick === undefined) return [{ type: 'Internal', field: 'spec.healthCheckNodePort', detail: 'failed to allocate a nodePort: range is full' }];
    spec.healthCheckNodePort = pick;
  }
  return [];
}

/** Fills clusterIP(s), ipFamilies/ipFamilyPolicy, nodePorts and healthCheckNodePort. */
export async function allocateService(obj: KubeObject, old: KubeObject | undefined, ctx: AdmissionContext): Promise<FieldError[]> {
  const range = parseCIDR(ctx.options.serviceCIDR || '10.43.0.0/16');
  const spec = svcSpec(obj);
  const errs = await allocateClusterIP(obj, old, ctx, range);
  if (errs.length > 0) return errs;
  initIPFamilies(spec, range);
  return allocateNodePorts(obj, old, ctx);
}
