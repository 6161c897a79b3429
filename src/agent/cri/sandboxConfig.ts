// PodSandboxConfig from a Pod, as the kubelet builds it (kuberuntime_sandbox.go
// generatePodSandboxConfig, network/dns/dns.go, labels.go, qos/cgroup naming): metadata,
// hostname, pod log directory, DNS, host ports, labels/annotations, the pod cgroup under its
// QoS class, namespaces, sysctls and the pod-level security context.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../machinery/types.js';
import { podQOSClass } from '../../resources/core/podDefaults.js';
import { arr, num, rec, recs, str, strMap, type Obj } from '../../resources/shared/access.js';
import type { DNSConfig, NamespaceOption, PodSandboxConfig, PortMapping, ProtocolName } from './api.js';

export const podNameLabel = 'io.kubernetes.pod.name';
export const podNamespaceLabel = 'io.kubernetes.pod.namespace';
export const podUidLabel = 'io.kubernetes.pod.uid';
export const containerNameLabel = 'io.kubernetes.container.name';

export interface SandboxConfigOptions {
  podLogRoot: string;
  clusterDNS?: string;
  clusterDomain: string;
  /** The kubelet's --resolv-conf (default /etc/resolv.conf). */
  resolvConf?: string;
}

const specOf = (pod: KubeObject): Obj => rec(pod.spec) ?? {};
const podSecurityContext = (pod: KubeObject): Obj => rec(specOf(pod).securityContext) ?? {};

/** BuildPodLogsDirectory: `<root>/<namespace>_<name>_<uid>`. */
export function podLogDirectory(podLogRoot: string, pod: KubeObject): string {
  return join(podLogRoot, `${pod.metadata.namespace ?? ''}_${pod.metadata.name ?? ''}_${pod.metadata.uid ?? ''}`);
}

export const isHostNetwork = (pod: KubeObject): boolean => specOf(pod).hostNetwork === true;

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function qosClassOf(pod: KubeObject): QOSClass {
  const fromStatus = str(rec(pod.status)?.qosClass);
  if (fromStatus === 'Guaranteed' || fromStatus === 'Burstable' || fromStatus === 'BestEffort') return fromStatus;
  return podQOSClass(specOf(pod));
}

/** The cgroupfs pod cgroup the kubelet's QoS container manager uses. */
export function podCgroupParent(pod: KubeObject): string {
  const uid = pod.metadata.uid ?? '';
  switch (qosClassOf(pod)) {
    case 'Guaranteed':
      return `/kubepods/pod${uid}`;
    case 'Burstable':
      return `/kubepods/burstable/pod${uid}`;
    default:
      return `/kubepods/besteffort/pod${uid}`;
  }
}

/** runtimeutil.NamespacesForPod. */
export function namespaceOptions(pod: KubeObject): NamespaceOption {
  const spec = specOf(pod);
  return {
    network: spec.hostNetwork === true ? 'NODE' : 'POD',
    pid: spec.hostPID === true ? 'NODE' : spec.shareProcessNamespace === true ? 'POD' : 'CONTAINER',
    ipc: spec.hostIPC === true ? 'NODE' : 'POD',
  };
}

/** GeneratePodHostNameAndDomain + GetNodenameForKernel: spec.hostname or the pod name cut to 63 characters. */
export function podHostname(pod: KubeObject, clusterDomain: string): string {
  const spec = specOf(pod);
  let hostname = str(spec.hostname) ?? pod.metadata.name ?? '';
  if (!str(spec.hostname) && hostname.length > 63) hostname = hostname.slice(0, 63).replace(/[-.]+$/, '');
  const subdomain = str(spec.subdomain);
  if (spec.setHostnameAsFQDN === true && subdomain) {
    const fqdn = `${hostname}.${subdomain}.${pod.metadata.namespace ?? ''}.svc.${clusterDomain}`;
    if (fqdn.length > 64) throw new Error(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
    return fqdn;
  }
  return hostname;
}

export interface ResolvConf {
  servers: string[];
  searches: string[];
  options: string[];
}

/** getDNSConfigFromResolvConf: nameserver, search (the last line wins) and options lines. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const fields = line.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver' && fields[1]) out.servers.push(fields[1]);
    if (fields[0] === 'search') out.searches = fields.slice(1).map((s) => s.replace(/\.$/, ''));
    if (fields[0] === 'options') out.options = [...out.options, ...fields.slice(1)];
  }
  return out;
}

function hostResolvConf(path: string): ResolvConf {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return { servers: [], searches: [], options: [] };
  }
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** mergeDNSOptions: pod options override host/cluster options of the same name. */
function mergeDnsOptions(existing: string[], podOptions: Obj[]): string[] {
  const m = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i >= 0) m.set(op.slice(0, i), op.slice(i + 1));
    else m.set(op, '');
  }
  for (const op of podOptions) m.set(str(op.name) ?? '', str(op.value) ?? '');
  return [...m].map(([k, v]) => (v ? `${k}:${v}` : k));
}

// validation.MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars.
const maxNameservers = 3;
const maxSearchPaths = 32;
const maxSearchListChars = 2048;

/** formDNSConfigFitsLimits: drops what the resolver would ignore anyway. */
function fitLimits(c: DNSConfig): DNSConfig {
  const searches: string[] = [];
  let chars = 0;
  for (const s of c.searches.slice(0, maxSearchPaths)) {
    if (chars + s.length + (searches.length ? 1 : 0) > maxSearchListChars) break;
    chars += s.length + (searches.length ? 1 : 0);
    searches.push(s);
  }
  return { servers: c.servers.slice(0, maxNameservers), searches, options: c.options };
}

/** GetPodDNS: the DNS config of the pod's sandbox from its dnsPolicy and dnsConfig. */
export function podDnsConfig(pod: KubeObject, opts: Pick<SandboxConfigOptions, 'clusterDNS' | 'clusterDomain' | 'resolvConf'>): DNSConfig {
  const spec = specOf(pod);
  const policy = str(spec.dnsPolicy) ?? 'ClusterFirst';
  const host = hostResolvConf(opts.resolvConf ?? '/etc/resolv.conf');
  // getPodDNSType: ClusterFirst on the host network behaves as Default; ClusterFirstWithHostNet does not.
  let type: 'cluster' | 'host' | 'none' =
    policy === 'None' ? 'none' : policy === 'ClusterFirstWithHostNet' ? 'cluster' : policy === 'ClusterFirst' && spec.hostNetwork !== true ? 'cluster' : 'host';
  // Without a cluster DNS address the kubelet falls back to Default.
  if (type === 'cluster' && !opts.clusterDNS) type = 'host';
  let c: DNSConfig;
  if (type === 'none') c = { servers: [], searches: [], options: [] };
  else if (type === 'host') c = { servers: host.servers, searches: host.searches, options: host.options };
  else {
    const ns = pod.metadata.namespace ?? '';
    const d = opts.clusterDomain;
    const searches = d ? unique([`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches]) : host.searches;
    c = { servers: [opts.clusterDNS ?? ''], searches, options: ['ndots:5'] };
  }
  const podDns = rec(spec.dnsConfig);
  if (podDns) {
    c = {
      servers: unique([...c.servers, ...arr(podDns.nameservers).filter((s): s is string => typeof s === 'string')]),
      searches: unique([...c.searches, ...arr(podDns.searches).filter((s): s is string => typeof s === 'string')]),
      options: mergeDnsOptions(c.options, recs(podDns.options)),
    };
  }
  return fitLimits(c);
}

/** MakePortMappings over the regular containers: host ports only (the runtime skips the rest). */
export function podPortMappings(pod: KubeObject): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of recs(specOf(pod).containers)) {
    for (const p of recs(c.ports)) {
      const hostPort = num(p.hostPort) ?? 0;
      if (hostPort <= 0) continue;
      const protocol = (str(p.protocol) ?? 'TCP') as ProtocolName;
      const m: PortMapping = { protocol: ['TCP', 'UDP', 'SCTP'].includes(protocol) ? protocol : 'TCP', container_port: num(p.containerPort) ?? 0, host_port: hostPort };
      const hostIP = str(p.hostIP);
      if (hostIP) m.host_ip = hostIP;
      out.push(m);
    }
  }
  return out;
}

/** HasPrivilegedContainer: the sandbox must allow privileged containers when any asks for it. */
function hasPrivilegedContainer(pod: KubeObject): boolean {
  const spec = specOf(pod);
  return [...recs(spec.initContainers), ...recs(spec.containers), ...recs(spec.ephemeralContainers)].some((c) => rec(c.securityContext)?.privileged === true);
}

/** fsGroup, then supplementalGroups (determineEffectiveSecurityContext's order). */
export function podSupplementalGroups(pod: KubeObject): number[] {
  const sc = podSecurityContext(pod);
  const groups: number[] = [];
  const fsGroup = num(sc.fsGroup);
  if (fsGroup !== undefined) groups.push(fsGroup);
  for (const g of arr(sc.supplementalGroups)) if (typeof g === 'number') groups.push(g);
  return groups;
}

/** generatePodSandboxConfig. */
export function podSandboxConfig(pod: KubeObject, attempt: number, opts: SandboxConfigOptions): PodSandboxConfig {
  const m = pod.metadata;
  const sc = podSecurityContext(pod);
  const sysctls: Record<string, string> = {};
  for (const s of recs(sc.sysctls)) sysctls[str(s.name) ?? ''] = str(s.value) ?? '';
  const runAsUser = num(sc.runAsUser);
  const runAsGroup = num(sc.runAsGroup);
  const groups = podSupplementalGroups(pod);
  const seLinux = rec(sc.seLinuxOptions);
  return {
    metadata: { name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '', attempt },
    // A host-network sandbox has no UTS namespace of its own: an empty hostname keeps the node's.
    hostname: isHostNetwork(pod) ? '' : podHostname(pod, opts.clusterDomain),
    log_directory: podLogDirectory(opts.podLogRoot, pod),
    dns_config: podDnsConfig(pod, opts),
    port_mappings: podPortMappings(pod),
    labels: { ...strMap(m.labels), [podNameLabel]: m.name ?? '', [podNamespaceLabel]: m.namespace ?? '', [podUidLabel]: m.uid ?? '' },
    annotations: { ...strMap(m.annotations) },
    linux: {
      cgroup_parent: podCgroupParent(pod),
      security_context: {
        namespace_options: namespaceOptions(pod),
        privileged: hasPrivilegedContainer(pod),
        // The kubelet always runs the sandbox under the runtime's default seccomp profile (#84623).
        seccomp: { profile_type: 'RuntimeDefault' },
        ...(runAsUser !== undefined ? { run_as_user: { value: runAsUser } } : {}),
        ...(runAsGroup !== undefined ? { run_as_group: { value: runAsGroup } } : {}),
        ...(groups.length ? { supplemental_groups: groups } : {}),
        ...(seLinux ? { selinux_options: { user: str(seLinux.user), role: str(seLinux.role), type: str(seLinux.type), level: str(seLinux.level) } } : {}),
      },
      sysctls,
    },
  };
}
