// The downward API's pod fields (pkg/fieldpath and the kubelet's podFieldSelectorRuntimeValue):
// metadata.* for env and volumes, spec.* / status.* IPs for env only. Label and annotation
// maps render as upstream's FormatMap: sorted `key="value"` lines, values quoted like Go's %q.
import { record, str, stringMap } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';

/** Field paths an env var's fieldRef may name (ConvertDownwardAPIFieldLabel for v1 pods). */
const envFieldPaths = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid',
  'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName',
  'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const shortEscapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** Go's strconv.Quote (what %q prints). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (printable.test(ch)) out += ch;
    else if (shortEscapes[ch]) out += shortEscapes[ch];
    else {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
      else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}

/** fieldpath.FormatMap. */
export function formatMap(m: Record<string, string>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${goQuote(m[k])}`)
    .join('\n');
}

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['app']` → ['metadata.labels', 'app']. */
function splitSubscript(path: string): [string, string] | undefined {
  if (!path.endsWith("']")) return undefined;
  const s = path.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return undefined;
  return [s.slice(0, i), s.slice(i + 2)];
}

/** fieldpath.ExtractFieldPathAsString for a pod (metadata fields only). */
export function extractFieldPathAsString(pod: KubeObject, fieldPath: string): string {
  const meta = pod.metadata;
  const sub = splitSubscript(fieldPath);
  if (sub) {
    const [base, key] = sub;
    if (base === 'metadata.annotations') return stringMap(meta.annotations)[key] ?? '';
    if (base === 'metadata.labels') return stringMap(meta.labels)[key] ?? '';
    throw new Error(`fieldPath ${goQuote(base)} does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(stringMap(meta.annotations));
    case 'metadata.labels':
      return formatMap(stringMap(meta.labels));
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

export interface PodIPContext {
  /** The pod's IPs, primary first. */
  podIPs: readonly string[];
  /** The node's IPs (fetched only when a field needs them). */
  hostIPs: () => Promise<string[]>;
}

/** The kubelet's podFieldSelectorRuntimeValue: one env var's fieldRef. */
export async function podFieldValue(pod: KubeObject, ref: Record<string, unknown>, ips: PodIPContext): Promise<string> {
  const fieldPath = str(ref.fieldPath) ?? '';
  const apiVersion = str(ref.apiVersion);
  if (apiVersion && apiVersion !== 'v1') throw new Error(`unsupported pod version: ${apiVersion}`);
  const base = splitSubscript(fieldPath)?.[0] ?? fieldPath;
  if (!envFieldPaths.has(base)) throw new Error(`field label not supported: ${fieldPath}`);
  const spec = record(pod.spec) ?? {};
  switch (fieldPath) {
    case 'spec.nodeName':
      return str(spec.nodeName) ?? '';
    case 'spec.serviceAccountName':
      return str(spec.serviceAccountName) ?? '';
    case 'spec.restartPolicy':
      return str(spec.restartPolicy) ?? '';
    case 'spec.schedulerName':
      return str(spec.schedulerName) ?? '';
    case 'status.phase':
      return str(record(pod.status)?.phase) ?? '';
    case 'status.hostIP':
      return (await ips.hostIPs())[0];
    case 'status.hostIPs':
      return (await ips.hostIPs()).join(',');
    case 'status.podIP':
      return ips.podIPs[0] ?? '';
    case 'status.podIPs':
      return ips.podIPs.join(',');
  }
  return extractFieldPathAsString(pod, fieldPath);
}
