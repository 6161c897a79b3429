// Service links (pkg/kubelet/envvars FromServices and the kubelet's getServiceEnvVarMap):
// `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`, `<NAME>_SERVICE_PORT_<PORTNAME>` and the
// Docker-link `<NAME>_PORT*` variables for every service with a cluster IP in the pod's
// namespace (when enableServiceLinks is not false), plus — always — the `kubernetes`
// service of the default namespace (KUBERNETES_SERVICE_HOST/PORT, read by in-cluster clients).
import { isIP } from 'node:net';
import { num, record, records, str } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';

/** makeEnvVariableName: upper case, `.`/`-` → `_`, a leading digit gets `_`. */
export function envVariableName(name: string): string {
  const v = name.replace(/[.-]/g, '_').toUpperCase();
  return /^[0-9]/.test(v) ? `_${v}` : v;
}

const hostPort = (ip: string, port: number): string => (isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);

function clusterIP(svc: KubeObject): string | undefined {
  const ip = str(record(svc.spec)?.clusterIP);
  return ip && ip !== 'None' ? ip : undefined;
}

/** FromServices for one service, in upstream's order. */
function varsOf(svc: KubeObject): Array<[string, string]> {
  const ip = clusterIP(svc);
  const ports = records(record(svc.spec)?.ports);
  if (!ip || ports.length === 0) return [];
  const prefix = envVariableName(svc.metadata.name ?? '');
  const out: Array<[string, string]> = [];
  out.push([`${prefix}_SERVICE_HOST`, ip]);
  out.push([`${prefix}_SERVICE_PORT`, String(num(ports[0].port) ?? 0)]);
  for (const p of ports) {
    const name = str(p.name);
    if (name) out.push([`${prefix}_SERVICE_PORT_${envVariableName(name)}`, String(num(p.port) ?? 0)]);
  }
  ports.forEach((p, i) => {
    const port = num(p.port) ?? 0;
    const proto = (str(p.protocol) || 'TCP').toLowerCase();
    const url = `${proto}://${hostPort(ip, port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const pp = `${prefix}_PORT_${port}_${proto.toUpperCase()}`;
    out.push([pp, url], [`${pp}_PROTO`, proto], [`${pp}_PORT`, String(port)], [`${pp}_ADDR`, ip]);
  });
  return out;
}

/**
 * The service env of a pod in `namespace`. Services are taken in name order (upstream
 * walks a map, so its order is arbitrary); the default/kubernetes service wins over a
 * same-named service of the pod's own namespace, as upstream's "master services" do.
 */
export function serviceEnv(services: readonly KubeObject[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const chosen = new Map<string, KubeObject>();
  for (const svc of services) {
    if (!clusterIP(svc)) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === 'default' && name === 'kubernetes') chosen.set(name, svc);
    else if (svc.metadata.namespace === namespace && enableServiceLinks && !(name === 'kubernetes' && chosen.has(name))) chosen.set(name, svc);
  }
  const env = new Map<string, string>();
  for (const name of [...chosen.keys()].sort()) for (const [k, v] of varsOf(chosen.get(name) as KubeObject)) env.set(k, v);
  return env;
}
