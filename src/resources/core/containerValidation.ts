// Container validation shared by regular, init and ephemeral containers, following
// upstream's validateContainerCommon and the helpers it calls (ports, env, envFrom,
// volumeMounts, resources, probes, lifecycle, securityContext) with their messages.
import { type FieldError, duplicate, forbidden, invalid, notFound, notSupported, required } from '../../machinery/fieldErrors.js';
import { inclusiveRangeError, isEnvVarName, isQualifiedName, isValidPortName } from '../../machinery/names.js';
import { compareQuantities, parseQuantity } from '../../machinery/quantity.js';
import { type Obj, arr, num, rec, recs, str } from '../shared/access.js';
import {
  configMapKey,
  dns1123Label,
  dns1123Subdomain,
  localDescendingPath,
  maxInt32,
  nonNegative,
  nonNegativeQuantity,
  portNum,
  portNumOrName,
  qualifiedName,
  quantityOf,
} from '../shared/validate.js';

export const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'] as const;
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

/** The checks every container kind gets (validateContainerCommon). `volumes` are the valid volume names. */
export function validateContainerCommon(c: Obj, volumes: ReadonlySet<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name) ?? '';
  if (name === '') errs.push(required(`${field}.name`));
  else errs.push(...dns1123Label(name, `${field}.name`));
  if (!str(c.image)) errs.push(required(`${field}.image`));
  const tmp = str(c.terminationMessagePolicy) ?? '';
  if (tmp === '') errs.push(required(`${field}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'"));
  else if (!terminationMessagePolicies.includes(tmp)) errs.push(notSupported(`${field}.terminationMessagePolicy`, tmp, terminationMessagePolicies));
  errs.push(...validateContainerPorts(c.ports, `${field}.ports`));
  errs.push(...validateEnv(c.env, `${field}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${field}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${field}.volumeMounts`));
  const policy = str(c.imagePullPolicy) ?? '';
  if (policy === '') errs.push(required(`${field}.imagePullPolicy`));
  else if (!pullPolicies.includes(policy)) errs.push(notSupported(`${field}.imagePullPolicy`, policy, pullPolicies));
  errs.push(...validateResourceRequirements(rec(c.resources), `${field}.resources`));
  errs.push(...validateSecurityContext(rec(c.securityContext), `${field}.securityContext`));
  return errs;
}

/** Probes and lifecycle hooks, allowed on regular containers and restartable init containers. */
export function validateProbesAndLifecycle(c: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const lifecycle = rec(c.lifecycle);
  if (lifecycle) {
    for (const hook of ['postStart', 'preStop']) {
      const h = rec(lifecycle[hook]);
      if (h) errs.push(...validateHandler(h, `${field}.lifecycle.${hook}`, true));
    }
  }
  const liveness = rec(c.livenessProbe);
  if (liveness) {
    errs.push(...validateProbe(liveness, `${field}.livenessProbe`));
    if (num(liveness.successThreshold) !== undefined && liveness.successThreshold !== 1) {
      errs.push(invalid(`${field}.livenessProbe.successThreshold`, liveness.successThreshold, 'must be 1'));
    }
  }
  const readiness = rec(c.readinessProbe);
  if (readiness) {
    errs.push(...validateProbe(readiness, `${field}.readinessProbe`));
    if (readiness.terminationGracePeriodSeconds !== undefined && readiness.terminationGracePeriodSeconds !== null) {
      errs.push(invalid(`${field}.readinessProbe.terminationGracePeriodSeconds`, readiness.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    }
  }
  const startup = rec(c.startupProbe);
  if (startup) {
    errs.push(...validateProbe(startup, `${field}.startupProbe`));
    if (num(startup.successThreshold) !== undefined && startup.successThreshold !== 1) {
      errs.push(invalid(`${field}.startupProbe.successThreshold`, startup.successThreshold, 'must be 1'));
    }
  }
  return errs;
}

export function validateContainerPorts(ports: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(ports).forEach((p, i) => {
    const at = `${field}[${i}]`;
    const name = str(p.name) ?? '';
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(`${at}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
      else names.add(name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(required(`${at}.containerPort`));
    else errs.push(...portNum(p.containerPort, `${at}.containerPort`));
    if (p.hostPort !== undefined && p.hostPort !== 0) errs.push(...portNum(p.hostPort, `${at}.hostPort`));
    const protocol = str(p.protocol) ?? '';
    if (protocol === '') errs.push(required(`${at}.protocol`));
    else if (!(supportedPortProtocols as readonly string[]).includes(protocol)) errs.push(notSupported(`${at}.protocol`, protocol, supportedPortProtocols));
  });
  return errs;
}

/** AccumulateUniqueHostPorts: `hostIP/protocol/hostPort` may appear once per container list. */
export function checkHostPortConflicts(containers: Obj[], field: string, seen = new Set<string>(), indexOffset = 0): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    recs(c.ports).forEach((p, pi) => {
      const hostPort = num(p.hostPort) ?? 0;
      if (hostPort === 0) return;
      const key = `${str(p.hostIP) ?? ''}/${str(p.protocol) ?? ''}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${field}[${ci + indexOffset}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

const envFieldPaths = [
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid',
  'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const resourceFieldRefs = [
  'limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory',
];

export function validateEnv(env: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(env).forEach((e, i) => {
    const at = `${field}[${i}]`;
    const name = str(e.name) ?? '';
    if (name === '') errs.push(required(`${at}.name`));
    for (const m of isEnvVarName(name)) errs.push(invalid(`${at}.name`, name, m));
    const from = rec(e.valueFrom);
    if (from) errs.push(...validateEnvVarValueFrom(from, str(e.value) ?? '', `${at}.valueFrom`));
  });
  return errs;
}

function validateEnvVarValueFrom(from: Obj, value: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let sources = 0;
  const fieldRef = rec(from.fieldRef);
  if (fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(fieldRef, envFieldPaths, `${field}.fieldRef`));
  }
  const resourceRef = rec(from.resourceFieldRef);
  if (resourceRef) {
    sources++;
    const resource = str(resourceRef.resource) ?? '';
    if (resource === '') errs.push(required(`${field}.resourceFieldRef.resource`));
    else if (!resourceFieldRefs.includes(resource) && !/^(limits|requests)\.hugepages-/.test(resource)) {
      errs.push(notSupported(`${field}.resourceFieldRef.resource`, resource, resourceFieldRefs));
    }
  }
  for (const kind of ['configMapKeyRef', 'secretKeyRef']) {
    const ref = rec(from[kind]);
    if (!ref) continue;
    sources++;
    errs.push(...dns1123Subdomain(str(ref.name) ?? '', `${field}.${kind}.name`));
    const key = str(ref.key) ?? '';
    if (key === '') errs.push(required(`${field}.${kind}.key`));
    else errs.push(...configMapKey(key, `${field}.${kind}.key`));
  }
  if (sources === 0) errs.push(invalid(field, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (value !== '') errs.push(invalid(field, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** validateObjectFieldSelector: apiVersion and fieldPath required; only downward-API paths. */
export function validateObjectFieldSelector(ref: Obj, allowed: readonly string[], field: string): FieldError[] {
  if (!str(ref.apiVersion)) return [required(`${field}.apiVersion`)];
  const fieldPath = str(ref.fieldPath) ?? '';
  if (fieldPath === '') return [required(`${field}.fieldPath`)];
  const m = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath);
  if (m) return qualifiedName(m[1] === 'metadata.annotations' ? m[2].toLowerCase() : m[2], field);
  const sub = /^([^[]+)\[/.exec(fieldPath);
  if (sub) return [invalid(field, sub[1], 'does not support subscript')];
  if (!allowed.includes(fieldPath)) return [notSupported(`${field}.fieldPath`, fieldPath, allowed)];
  return [];
}

export function validateEnvFrom(envFrom: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(envFrom).forEach((e, i) => {
    const at = `${field}[${i}]`;
    const prefix = str(e.prefix) ?? '';
    if (prefix !== '') for (const m of isEnvVarName(prefix)) errs.push(invalid(`${at}.prefix`, prefix, m));
    let sources = 0;
    for (const kind of ['configMapRef', 'secretRef']) {
      const ref = rec(e[kind]);
      if (!ref) continue;
      sources++;
      const name = str(ref.name) ?? '';
      if (name === '') errs.push(required(`${at}.${kind}.name`));
      else errs.push(...dns1123Subdomain(name, `${at}.${kind}.name`));
    }
    if (sources === 0) errs.push(invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const mountPropagationModes = ['Bidirectional', 'HostToContainer', 'None'];

export function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  recs(mounts).forEach((m, i) => {
    const at = `${field}[${i}]`;
    const name = str(m.name) ?? '';
    if (name === '') errs.push(required(`${at}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${at}.name`, name));
    const mountPath = str(m.mountPath) ?? '';
    if (mountPath === '') errs.push(required(`${at}.mountPath`));
    if (mountPoints.has(mountPath)) errs.push(invalid(`${at}.mountPath`, mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    const subPath = str(m.subPath) ?? '';
    // Upstream reports subPath problems on the list's path, not the item's (a long-standing quirk).
    if (subPath !== '') errs.push(...localDescendingPath(subPath, `${field}.subPath`));
    const subPathExpr = str(m.subPathExpr) ?? '';
    if (subPathExpr !== '') {
      if (subPath !== '') errs.push(invalid(`${at}.subPathExpr`, subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...localDescendingPath(subPathExpr, `${field}.subPathExpr`));
    }
    const propagation = str(m.mountPropagation);
    if (propagation !== undefined && !mountPropagationModes.includes(propagation)) {
      errs.push(notSupported(`${field}.mountPropagation`, propagation, mountPropagationModes));
    }
  });
  return errs;
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
// helper.IsNativeResource / IsOvercommitAllowed / IsExtendedResourceName.
const isNative = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
const overcommitAllowed = (name: string): boolean => isNative(name) && !name.startsWith('hugepages-');
export const isExtendedResourceName = (name: string): boolean =>
  !isNative(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;

function validateContainerResourceName(name: string, field: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(field, name, m));
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !name.startsWith('hugepages-')) errs.push(invalid(field, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(field, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateResourceRequirements: names, quantities, and requests ≤ limits. */
export function validateResourceRequirements(res: Obj | undefined, field: string): FieldError[] {
  if (!res) return [];
  const errs: FieldError[] = [];
  const limits = rec(res.limits) ?? {};
  const requests = rec(res.requests) ?? {};
  for (const [name, q] of Object.entries(limits)) {
    const at = `${field}.limits[${name}]`;
    errs.push(...validateContainerResourceName(name, at));
    errs.push(...resourceQuantity(name, q, at));
  }
  for (const [name, q] of Object.entries(requests)) {
    const at = `${field}.requests[${name}]`;
    errs.push(...validateContainerResourceName(name, at));
    errs.push(...resourceQuantity(name, q, at));
    const req = quantityOf(q);
    const lim = quantityOf(limits[name]);
    if (name in limits) {
      if (req === undefined || lim === undefined) continue;
      const cmp = compareQuantities(req, lim);
      if (cmp !== 0 && !overcommitAllowed(name)) {
        errs.push(invalid(`${field}.requests`, req, `must be equal to ${name} limit of ${lim}`));
      } else if (cmp > 0) {
        errs.push(invalid(`${field}.requests`, req, `must be less than or equal to ${name} limit of ${lim}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(required(`${field}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

function resourceQuantity(name: string, q: unknown, field: string): FieldError[] {
  const errs = nonNegativeQuantity(q, field);
  const s = quantityOf(q);
  // Extended resources are counted in whole units (IsIntegerResourceName).
  if (s !== undefined && isExtendedResourceName(name) && parseQuantity(s).milli % 1000 !== 0) {
    errs.push(invalid(field, s, 'must be an integer'));
  }
  return errs;
}

/** validateProbe: exactly one handler, and non-negative timings. */
export function validateProbe(p: Obj, field: string): FieldError[] {
  const errs = validateHandler(p, field, false);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(p[k], `${field}.${k}`));
  }
  const tgps = num(p.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(invalid(`${field}.terminationGracePeriodSeconds`, tgps, 'must be greater than 0'));
  return errs;
}

/** validateHandler: one of exec / httpGet / tcpSocket / grpc (probes) or sleep (lifecycle). */
function validateHandler(h: Obj, field: string, lifecycle: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const kinds = lifecycle ? ['exec', 'httpGet', 'tcpSocket', 'sleep'] : ['exec', 'httpGet', 'tcpSocket', 'grpc'];
  let count = 0;
  for (const kind of kinds) {
    const v = rec(h[kind]);
    if (!v) continue;
    if (count > 0) {
      errs.push(forbidden(`${field}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const at = `${field}.${kind}`;
    if (kind === 'exec') {
      if (arr(v.command).length === 0) errs.push(required(`${at}.command`));
    } else if (kind === 'httpGet') {
      if (!str(v.path)) errs.push(required(`${at}.path`));
      errs.push(...portNumOrName(v.port, `${at}.port`));
      const scheme = str(v.scheme) ?? '';
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(notSupported(`${at}.scheme`, scheme, ['HTTP', 'HTTPS']));
      for (const header of recs(v.httpHeaders)) {
        const hn = str(header.name) ?? '';
        if (!/^[-A-Za-z0-9]+$/.test(hn)) {
          errs.push(invalid(`${at}.httpHeaders`, hn, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name',  regex used for validation is '[-A-Za-z0-9]+')"));
        }
      }
    } else if (kind === 'tcpSocket') {
      errs.push(...portNumOrName(v.port, `${at}.port`));
    } else if (kind === 'grpc') {
      errs.push(...portNum(v.port, `${at}.port`));
    } else if (kind === 'sleep') {
      const s = num(v.seconds) ?? 0;
      if (s < 0) errs.push(invalid(`${at}.seconds`, s, 'must be non-negative'));
    }
  }
  if (count === 0) errs.push(required(field, 'must specify a handler type'));
  return errs;
}

/** ValidateSecurityContext (container level): user and group IDs, privilege escalation. */
export function validateSecurityContext(sc: Obj | undefined, field: string): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const k of ['runAsUser', 'runAsGroup']) {
    const v = num(sc[k]);
    if (v !== undefined && (v < 0 || v > maxInt32)) errs.push(invalid(`${field}.${k}`, v, inclusiveRangeError(0, maxInt32)));
  }
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    errs.push(invalid(field, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  const caps = rec(sc.capabilities);
  if (sc.allowPrivilegeEscalation === false && caps && arr(caps.add).includes('CAP_SYS_ADMIN')) {
    errs.push(invalid(field, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  const procMount = str(sc.procMount);
  if (procMount !== undefined && procMount !== 'Default' && procMount !== 'Unmasked') {
    errs.push(notSupported(`${field}.procMount`, procMount, ['Default', 'Unmasked']));
  }
  return errs;
}
