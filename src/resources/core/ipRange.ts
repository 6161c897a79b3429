// IP addresses and CIDRs as bigints, for Service clusterIP allocation (upstream
// pkg/registry/core/service/ipallocator): the range excludes the network address and,
// for IPv4, the broadcast address.
import { isIPv4, isIPv6 } from '../../machinery/names.js';

export interface IPRange {
  /** The CIDR as written. */
  cidr: string;
  family: 'IPv4' | 'IPv6';
  /** First and last allocatable addresses. */
  first: bigint;
  last: bigint;
}

export function ipToBigInt(ip: string): bigint | undefined {
  if (isIPv4(ip)) return ip.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  if (!isIPv6(ip)) return undefined;
  let s = ip;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipToBigInt(tail) ?? 0n;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function bigIntToIP(n: bigint, family: 'IPv4' | 'IPv6'): string {
  if (family === 'IPv4') return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as net.IP.String does.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function ipFamilyOf(ip: string): 'IPv4' | 'IPv6' | undefined {
  if (isIPv4(ip)) return 'IPv4';
  if (isIPv6(ip)) return 'IPv6';
  return undefined;
}

/** Parses `10.43.0.0/16`; throws on a malformed CIDR (a server configuration error). */
export function parseCIDR(cidr: string): IPRange {
  const [ip, bitsText] = cidr.split('/');
  const family = ipFamilyOf(ip ?? '');
  const bits = Number(bitsText);
  const width = family === 'IPv4' ? 32 : 128;
  const base = family ? ipToBigInt(ip) : undefined;
  if (!family || base === undefined || !Number.isInteger(bits) || bits < 0 || bits > width) throw new Error(`invalid CIDR address: ${cidr}`);
  const hostBits = BigInt(width - bits);
  const network = (base >> hostBits) << hostBits;
  const size = 1n << hostBits;
  // Upstream skips the network address, and for IPv4 also the broadcast address.
  const first = size > 2n ? network + 1n : network;
  const last = family === 'IPv4' && size > 2n ? network + size - 2n : network + size - 1n;
  return { cidr, family, first, last };
}

export function rangeContains(r: IPRange, ip: string): boolean {
  const n = ipToBigInt(ip);
  return n !== undefined && ipFamilyOf(ip) === r.family && n >= r.first && n <= r.last;
}
