// Pod CIDRs and pod IPs for simulated nodes, the way k3s lays them out: the cluster CIDR
// (10.42.0.0/16) is cut into one /24 per node (node N gets 10.42.N.0/24), and each node
// hands out addresses like the CNI host-local plugin: the network address and the gateway
// (.1, the bridge) are reserved, allocation continues after the last address handed out
// and wraps around, so a released IP is not reused at once.

function ipv4ToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: "${ip}"`);
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) throw new Error(`not an IPv4 address: "${ip}"`);
    n = n * 256 + v;
  }
  return n;
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  bits: number;
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!ip || !/^\d+$/.test(bitsText ?? '') || bits < 0 || bits > 32) throw new Error(`not an IPv4 CIDR: "${cidr}"`);
  const size = 2 ** (32 - bits);
  const base = ipv4ToInt(ip) - (ipv4ToInt(ip) % size);
  return { base, bits };
}

export function formatCidr(c: Cidr): string {
  return `${intToIpv4(c.base)}/${c.bits}`;
}

/** The `index`-th subnet of size /maskBits inside `clusterCidr` (node N's pod CIDR). */
export function nodeSubnet(clusterCidr: string, maskBits: number, index: number): string {
  const cluster = parseCidr(clusterCidr);
  if (maskBits < cluster.bits || maskBits > 30) throw new Error(`node CIDR mask /${maskBits} does not fit in ${clusterCidr}`);
  const count = 2 ** (maskBits - cluster.bits);
  if (index < 0 || index >= count) {
    throw new Error(`node ${index} does not fit: ${clusterCidr} holds ${count} /${maskBits} node subnets; use a wider cluster CIDR (e.g. 10.64.0.0/10) or a longer node mask`);
  }
  return formatCidr({ base: cluster.base + index * 2 ** (32 - maskBits), bits: maskBits });
}

/** The `index`-th host address of `cidr` (index 0 is the first after the network address). */
export function hostAddress(cidr: string, index: number): string {
  const c = parseCidr(cidr);
  const size = 2 ** (32 - c.bits);
  if (index < 0 || index + 1 >= size - 1) throw new Error(`address ${index} does not fit in ${cidr}`);
  return intToIpv4(c.base + 1 + index);
}

/** host-local style allocation inside one pod CIDR. */
export class IpPool {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(readonly cidr: string) {
    const c = parseCidr(cidr);
    const size = 2 ** (32 - c.bits);
    // .0 is the network, .1 the gateway, the top address the broadcast.
    this.first = c.base + 2;
    this.last = c.base + size - 2;
    if (this.last < this.first) throw new Error(`pod CIDR ${cidr} has no room for pods`);
    this.cursor = this.first - 1;
  }

  get size(): number {
    return this.last - this.first + 1;
  }

  get inUse(): number {
    return this.used.size;
  }

  allocate(): string {
    const span = this.size;
    for (let i = 0; i < span; i++) {
      this.cursor = this.cursor >= this.last ? this.first : this.cursor + 1;
      if (!this.used.has(this.cursor)) {
        this.used.add(this.cursor);
        return intToIpv4(this.cursor);
      }
    }
    throw new Error(`no IP addresses available in range set: ${intToIpv4(this.first)}-${intToIpv4(this.last)}`);
  }

  /** Marks an address as taken (re-adopting a sandbox); false when outside the range. */
  reserve(ip: string): boolean {
    const n = ipv4ToInt(ip);
    if (n < this.first || n > this.last) return false;
    this.used.add(n);
    return true;
  }

  release(ip: string): void {
    this.used.delete(ipv4ToInt(ip));
  }
}
