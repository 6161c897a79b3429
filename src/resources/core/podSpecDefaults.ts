// Defaulting of PodSpec and PodTemplateSpec, as upstream's pkg/apis/core/v1/defaults.go does
// for every pod template (Deployments, Jobs, … and Pods). Pod-only defaults (admission
// plugins, requests-from-limits) live in podDefaults.ts.
import { type Obj, ensureRec, rec, recs, setDefault, str } from '../shared/access.js';
import { canonicalizeResourceList } from '../shared/validate.js';

/** SetDefaults_PodSpec and the defaults of everything nested inside a PodSpec. */
export function defaultPodSpec(spec: Record<string, unknown>): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  // serviceAccount is a deprecated alias: v1 conversion reads it only when serviceAccountName
  // is empty, and always writes it back as a copy of serviceAccountName.
  const sa = str(spec.serviceAccount);
  if (!str(spec.serviceAccountName) && sa) spec.serviceAccountName = sa;
  const san = str(spec.serviceAccountName);
  if (san) spec.serviceAccount = san;
  for (const c of recs(spec.initContainers)) defaultContainer(c);
  for (const c of recs(spec.containers)) defaultContainer(c);
  for (const c of recs(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of recs(spec.volumes)) defaultVolume(v);
  if (spec.hostNetwork === true) defaultHostNetworkPorts(spec);
}

/** SetDefaults on a PodTemplateSpec: the embedded pod spec (metadata has no defaults). */
export function defaultPodTemplateSpec(tmpl: Record<string, unknown>): void {
  const spec = ensureRec(tmpl, 'spec');
  defaultPodSpec(spec);
}

/**
 * `:latest` or no tag pulls Always, anything else IfNotPresent (SetDefaults_Container). A
 * digest, or an image that does not parse (empty), has no tag and so gets IfNotPresent.
 */
export function defaultPullPolicy(image: string): string {
  if (image === '' || image.includes('@') || /\s/.test(image)) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const nameAndTag = image.slice(lastSlash + 1);
  const colon = nameAndTag.indexOf(':');
  const tag = colon < 0 ? '' : nameAndTag.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(str(c.image) ?? ''));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  // ResourceRequirements is a struct, not a pointer, upstream: it always serializes as `{}`.
  setDefault(c, 'resources', {});
  // Quantities are stored in canonical form ("1.5" → "1500m"), as upstream's encoding does.
  const res = rec(c.resources);
  if (res) {
    canonicalizeResourceList(res.limits);
    canonicalizeResourceList(res.requests);
  }
  for (const p of recs(c.ports)) setDefault(p, 'protocol', 'TCP');
  for (const e of recs(c.env)) defaultEnvVar(e);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = rec(c[probe]);
    if (p) defaultProbe(p);
  }
  const lifecycle = rec(c.lifecycle);
  if (lifecycle) {
    for (const hook of ['postStart', 'preStop']) {
      const h = rec(lifecycle[hook]);
      const get = h && rec(h.httpGet);
      if (get) defaultHttpGet(get);
    }
  }
}

function defaultEnvVar(e: Obj): void {
  const from = rec(e.valueFrom);
  const fieldRef = from && rec(from.fieldRef);
  if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
}

function defaultProbe(p: Obj): void {
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  const get = rec(p.httpGet);
  if (get) defaultHttpGet(get);
  const grpc = rec(p.grpc);
  if (grpc) setDefault(grpc, 'service', '');
}

function defaultHttpGet(get: Obj): void {
  setDefault(get, 'path', '/');
  setDefault(get, 'scheme', 'HTTP');
}

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

export function volumeSourceNames(): readonly string[] {
  return volumeSources;
}

/** SetDefaults_Volume (no source means emptyDir) and the per-source defaults. */
function defaultVolume(v: Obj): void {
  if (!volumeSources.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  const hostPath = rec(v.hostPath);
  if (hostPath) setDefault(hostPath, 'type', '');
  for (const kind of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = rec(v[kind]);
    if (src) setDefault(src, 'defaultMode', 0o644);
  }
  const downward = rec(v.downwardAPI);
  if (downward) for (const item of recs(downward.items)) defaultEnvFieldRef(item);
  const projected = rec(v.projected);
  if (projected) {
    for (const s of recs(projected.sources)) {
      const d = rec(s.downwardAPI);
      if (d) for (const item of recs(d.items)) defaultEnvFieldRef(item);
      const token = rec(s.serviceAccountToken);
      if (token) setDefault(token, 'expirationSeconds', 3600);
    }
  }
  const iscsi = rec(v.iscsi);
  if (iscsi) setDefault(iscsi, 'iscsiInterface', 'default');
  const rbd = rec(v.rbd);
  if (rbd) {
    setDefault(rbd, 'pool', 'rbd');
    setDefault(rbd, 'user', 'admin');
    setDefault(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = rec(v.azureDisk);
  if (azureDisk) {
    setDefault(azureDisk, 'cachingMode', 'ReadWrite');
    setDefault(azureDisk, 'fsType', 'ext4');
    setDefault(azureDisk, 'readOnly', false);
    setDefault(azureDisk, 'kind', 'Shared');
  }
  const scaleIO = rec(v.scaleIO);
  if (scaleIO) {
    setDefault(scaleIO, 'storageMode', 'ThinProvisioned');
    setDefault(scaleIO, 'fsType', 'xfs');
  }
  const eph = rec(v.ephemeral);
  const claimSpec = eph && rec(rec(eph.volumeClaimTemplate)?.spec);
  if (claimSpec) setDefault(claimSpec, 'volumeMode', 'Filesystem');
}

function defaultEnvFieldRef(item: Obj): void {
  const fieldRef = rec(item.fieldRef);
  if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
}

/** With hostNetwork, hostPort defaults to containerPort (defaultHostNetworkPorts upstream). */
function defaultHostNetworkPorts(spec: Obj): void {
  for (const list of ['initContainers', 'containers']) {
    for (const c of recs(spec[list])) {
      for (const p of recs(c.ports)) {
        if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort;
      }
    }
  }
}
