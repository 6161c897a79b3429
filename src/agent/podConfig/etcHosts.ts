// The kubelet-managed /etc/hosts (kubelet_pods.go makeHostsMount): for pod-network pods a
// generated file with localhost entries, the pod's IPs with its hostname (and FQDN when it
// has a subdomain) and the hostAliases; for hostNetwork pods the node's own hosts file
// under a header, plus the hostAliases. Written to <podDir>/etc-hosts, 0644.
import * as fs from 'node:fs/promises';
import { record, records, str, strings } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';

const managedHeader = '# Kubernetes-managed hosts file.\n';
const managedHeaderHostNetwork = '# Kubernetes-managed hosts file (host network).\n';

/** GeneratePodHostNameAndDomain: spec.hostname or the pod name (max 63), and `<subdomain>.<ns>.svc.<domain>`. */
export function podHostnameAndDomain(pod: KubeObject, clusterDomain: string): { hostname: string; domain: string } {
  const spec = record(pod.spec) ?? {};
  let hostname = str(spec.hostname) || (pod.metadata.name ?? '');
  if (hostname.length > 63) hostname = hostname.slice(0, 63).replace(/[-.]+$/, '');
  const subdomain = str(spec.subdomain);
  return { hostname, domain: subdomain ? `${subdomain}.${pod.metadata.namespace ?? ''}.svc.${clusterDomain}` : '' };
}

function aliasLines(pod: KubeObject): string {
  const aliases = records(record(pod.spec)?.hostAliases);
  if (aliases.length === 0) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${str(a.ip) ?? ''}\t${strings(a.hostnames).join('\t')}\n`;
  return out;
}

export function managedHostsContent(pod: KubeObject, podIPs: readonly string[], clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  let out = managedHeader;
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + aliasLines(pod);
}

export async function nodeHostsContent(pod: KubeObject, nodeHostsFile: string): Promise<string> {
  return managedHeaderHostNetwork + (await fs.readFile(nodeHostsFile, 'utf8')) + aliasLines(pod);
}

/** ensureHostsFile. */
export async function writeHostsFile(file: string, content: string): Promise<void> {
  await fs.writeFile(file, content, { mode: 0o644 });
  await fs.chmod(file, 0o644);
}
