// PodSpec and PodTemplateSpec validation, in upstream ValidatePodSpec's order so the
// aggregate message lists errors as Kubernetes does. Container and volume rules live in
// containerValidation.ts and volumeValidation.ts.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { validateLabels } from '../../machinery/labels.js';
import { inclusiveRangeError, isValidIP } from '../../machinery/names.js';
import { validateAnnotations } from '../../machinery/objectMeta.js';
import { type Obj, arr, num, rec, recs, str, strMap } from '../shared/access.js';
import { dns1123Label, dns1123Subdomain, maxInt32, qualifiedName } from '../shared/validate.js';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './schedulingValidation.js';
import { checkHostPortConflicts, validateContainerCommon, validateProbesAndLifecycle } from './containerValidation.js';
import { validateVolumes } from './volumeValidation.js';

export const restartPolicies = ['Always', 'OnFailure', 'Never'];
export const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const validOS = ['linux', 'windows'];

export function validatePodSpecAt(spec: unknown, field: string): FieldError[] {
  const s = rec(spec);
  if (!s) return [required(field)];
  const errs: FieldError[] = [];
  const vols = validateVolumes(s.volumes, `${field}.volumes`);
  errs.push(...vols.errors);
  const containers = recs(s.containers);
  const initContainers = recs(s.initContainers);
  errs.push(...validateContainers(containers, vols.names, `${field}.containers`));
  errs.push(...validateInitContainers(initContainers, containers, vols.names, `${field}.initContainers`));
  errs.push(...validateEphemeralContainers(recs(s.ephemeralContainers), [...containers, ...initContainers], vols.names, `${field}.ephemeralContainers`));
  errs.push(...enumField(s.restartPolicy, restartPolicies, `${field}.restartPolicy`));
  errs.push(...enumField(s.dnsPolicy, dnsPolicies, `${field}.dnsPolicy`));
  errs.push(...validateLabels(strMap(s.nodeSelector), `${field}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s, field));
  errs.push(...validateAffinity(rec(s.affinity), `${field}.affinity`));
  errs.push(...validateDNSConfig(rec(s.dnsConfig), str(s.dnsPolicy) ?? '', `${field}.dnsConfig`));
  recs(s.readinessGates).forEach((g, i) => errs.push(...qualifiedName(str(g.conditionType) ?? '', `${field}.readinessGates[${i}].conditionType`)));
  errs.push(...validateSchedulingGates(s.schedulingGates, `${field}.schedulingGates`));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, `${field}.topologySpreadConstraints`));
  const sa = str(s.serviceAccountName) ?? '';
  if (sa !== '') errs.push(...dns1123Subdomain(sa, `${field}.serviceAccountName`));
  const nodeName = str(s.nodeName) ?? '';
  if (nodeName !== '') errs.push(...dns1123Subdomain(nodeName, `${field}.nodeName`));
  const ads = num(s.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > maxInt32)) errs.push(invalid(`${field}.activeDeadlineSeconds`, ads, inclusiveRangeError(1, maxInt32)));
  const hostname = str(s.hostname) ?? '';
  if (hostname !== '') errs.push(...dns1123Label(hostname, `${field}.hostname`));
  const subdomain = str(s.subdomain) ?? '';
  if (subdomain !== '') errs.push(...dns1123Label(subdomain, `${field}.subdomain`));
  errs.push(...validateTolerations(s.tolerations, `${field}.tolerations`));
  errs.push(...validateHostAliases(s.hostAliases, `${field}.hostAliases`));
  const pcn = str(s.priorityClassName) ?? '';
  if (pcn !== '') errs.push(...dns1123Subdomain(pcn, `${field}.priorityClassName`));
  const rcn = str(s.runtimeClassName);
  if (rcn !== undefined) errs.push(...dns1123Subdomain(rcn, `${field}.runtimeClassName`));
  const pp = str(s.preemptionPolicy);
  if (pp !== undefined && pp !== 'PreemptLowerPriority' && pp !== 'Never') {
    errs.push(notSupported(`${field}.preemptionPolicy`, pp, ['Never', 'PreemptLowerPriority']));
  }
  const os = rec(s.os);
  if (os) {
    const name = str(os.name) ?? '';
    if (name === '') errs.push(required(`${field}.os.name`, 'cannot be empty'));
    // Upstream reports an unknown OS on `spec.os` itself, not on `spec.os.name`.
    else if (!validOS.includes(name)) errs.push(notSupported(`${field}.os`, name, validOS));
  }
  return errs;
}

/** Template labels/annotations (at `${field}.labels`, as upstream), then the spec. */
export function validatePodTemplateSpecAt(tmpl: unknown, field: string): FieldError[] {
  const t = rec(tmpl);
  if (!t) return [required(field)];
  const meta = rec(t.metadata) ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(strMap(meta.labels), `${field}.labels`));
  errs.push(...validateAnnotations(strMap(meta.annotations), `${field}.annotations`));
  errs.push(...validatePodSpecAt(t.spec, `${field}.spec`));
  const spec = rec(t.spec);
  if (spec && recs(spec.ephemeralContainers).length > 0) {
    errs.push(forbidden(`${field}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

function enumField(v: unknown, allowed: readonly string[], field: string): FieldError[] {
  const s = str(v) ?? '';
  if (s === '') return [required(field)];
  return allowed.includes(s) ? [] : [notSupported(field, s, allowed)];
}

function validateContainers(containers: Obj[], volumes: ReadonlySet<string>, field: string): FieldError[] {
  if (containers.length === 0) return [required(field)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${field}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, at));
    const name = str(c.name) ?? '';
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    else names.add(name);
    errs.push(...validateProbesAndLifecycle(c, at));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(forbidden(`${at}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, field));
  return errs;
}

function validateInitContainers(inits: Obj[], regular: Obj[], volumes: ReadonlySet<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => str(c.name) ?? ''));
  inits.forEach((c, i) => {
    const at = `${field}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, at));
    let restartAlways = false;
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      if (c.restartPolicy === 'Always') restartAlways = true;
      else errs.push(notSupported(`${at}.restartPolicy`, c.restartPolicy, ['Always']));
    }
    const name = str(c.name) ?? '';
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    else if (name !== '') names.add(name);
    // Init containers run one at a time, so host ports only clash within one container.
    errs.push(...checkHostPortConflicts([c], field, new Set(), i));
    if (restartAlways) {
      errs.push(...validateProbesAndLifecycle(c, at));
    } else {
      const without = 'may not be set for init containers without restartPolicy=Always';
      if (c.lifecycle) errs.push(forbidden(`${at}.lifecycle`, without));
      if (c.livenessProbe) errs.push(forbidden(`${at}.livenessProbe`, without));
      if (c.readinessProbe) errs.push(forbidden(`${at}.readinessProbe`, 'may not be set for init containers'));
      if (c.startupProbe) errs.push(forbidden(`${at}.startupProbe`, without));
    }
  });
  return errs;
}

function validateEphemeralContainers(eph: Obj[], others: Obj[], volumes: ReadonlySet<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(others.map((c) => str(c.name) ?? ''));
  eph.forEach((c, i) => {
    const at = `${field}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, at));
    const name = str(c.name) ?? '';
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    else names.add(name);
    for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'ports', 'resources']) {
      const v = c[k];
      const empty = v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (k === 'resources' && rec(v) && Object.keys(rec(v) ?? {}).length === 0);
      if (!empty) errs.push(forbidden(`${at}.${k}`, 'cannot be set for an Ephemeral Container'));
    }
  });
  return errs;
}

function validatePodSecurityContext(spec: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const sc = rec(spec.securityContext);
  if (sc) {
    const at = `${field}.securityContext`;
    for (const k of ['runAsUser', 'runAsGroup', 'fsGroup']) {
      const v = num(sc[k]);
      if (v !== undefined && (v < 0 || v > maxInt32)) errs.push(invalid(`${at}.${k}`, v, inclusiveRangeError(0, maxInt32)));
    }
    arr(sc.supplementalGroups).forEach((g, i) => {
      if (typeof g === 'number' && (g < 0 || g > maxInt32)) errs.push(invalid(`${at}.supplementalGroups[${i}]`, g, inclusiveRangeError(0, maxInt32)));
    });
    const policy = str(sc.fsGroupChangePolicy);
    if (policy !== undefined && policy !== 'OnRootMismatch' && policy !== 'Always') {
      errs.push(notSupported(`${at}.fsGroupChangePolicy`, policy, ['OnRootMismatch', 'Always']));
    }
  }
  // With hostNetwork the container's port is the host's port: both numbers must agree.
  if (spec.hostNetwork === true) {
    for (const list of ['containers', 'initContainers']) {
      recs(spec[list]).forEach((c, ci) => {
        recs(c.ports).forEach((p, pi) => {
          if (p.hostPort !== undefined && p.hostPort !== 0 && p.hostPort !== p.containerPort) {
            errs.push(invalid(`${field}.${list}[${ci}].ports[${pi}].hostPort`, p.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
          }
        });
      });
    }
  }
  return errs;
}

function validateDNSConfig(cfg: Obj | undefined, dnsPolicy: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (dnsPolicy === 'None' && !cfg) return [required(field, 'must provide `dnsConfig` when `dnsPolicy` is None')];
  if (!cfg) return errs;
  const nameservers = arr(cfg.nameservers);
  if (dnsPolicy === 'None' && nameservers.length === 0) errs.push(required(`${field}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  if (nameservers.length > 3) errs.push(invalid(`${field}.nameservers`, nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => {
    const s = typeof ns === 'string' ? ns : '';
    for (const m of isValidIP(s)) errs.push(invalid(`${field}.nameservers[${i}]`, s, m));
  });
  const searches = arr(cfg.searches);
  if (searches.length > 32) errs.push(invalid(`${field}.searches`, searches, 'must not have more than 32 search paths'));
  searches.forEach((sp, i) => {
    const s = typeof sp === 'string' ? sp : '';
    // A trailing dot (fully qualified) is allowed, as upstream strips it before checking.
    if (s !== '.') errs.push(...dns1123Subdomain(s.endsWith('.') ? s.slice(0, -1) : s, `${field}.searches[${i}]`));
  });
  recs(cfg.options).forEach((o, i) => {
    if (!str(o.name)) errs.push(required(`${field}.options[${i}]`, 'Option.Name must not be empty'));
  });
  return errs;
}

function validateSchedulingGates(gates: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(gates).forEach((g, i) => {
    const name = str(g.name) ?? '';
    errs.push(...qualifiedName(name, `${field}[${i}].name`));
    if (seen.has(name)) errs.push(duplicate(`${field}[${i}]`, name));
    seen.add(name);
  });
  return errs;
}

function validateHostAliases(aliases: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(aliases).forEach((a, i) => {
    const ip = str(a.ip) ?? '';
    if (ip === '') errs.push(required(`${field}[${i}].ip`));
    else for (const m of isValidIP(ip)) errs.push(invalid(`${field}[${i}].ip`, ip, m));
    arr(a.hostnames).forEach((h, j) => {
      errs.push(...dns1123Subdomain(typeof h === 'string' ? h : '', `${field}[${i}].hostnames[${j}]`));
    });
  });
  return errs;
}
