// The ServiceAccount admission plugin on pod create (plugin/pkg/admission/serviceaccount):
// the pod's ServiceAccount is looked up; unless automountServiceAccountToken is false (the
// pod's setting wins over the ServiceAccount's) every container and init container gets the
// `kube-api-access-<5 random>` projected volume (bound token, kube-root-ca.crt, namespace)
// mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount, unless it already
// mounts something there; a pod without imagePullSecrets inherits the ServiceAccount's.
// Mirror pods are left alone. A missing ServiceAccount refuses the pod with 403, except the
// `default` one: skiff may run without the controller that creates it (API suites run
// with --disable-controller-manager, as upstream's apiserver tests disable this plugin),
// so a missing `default` is treated as a bare ServiceAccount.
import { generateNameSuffix } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, bool, ensureRec, recs, str } from '../shared/access.js';
import { forbiddenError, requestedName } from '../shared/admission.js';
import type { AdmissionContext } from '../types.js';

const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const DEFAULT_SERVICE_ACCOUNT = 'default';
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** TokenVolumeSource(): what `kubectl get pod -o yaml` shows under the kube-api-access volume. */
function serviceAccountTokenVolumeSource(): Obj {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

async function lookupServiceAccount(ctx: AdmissionContext, namespace: string, name: string): Promise<KubeObject | undefined> {
  if (ctx.get) return ctx.get('', 'serviceaccounts', namespace, name);
  return (await ctx.listAll('', 'serviceaccounts')).find((sa) => sa.metadata.namespace === namespace && sa.metadata.name === name);
}

/** shouldAutomount: the pod's preference wins, then the ServiceAccount's, then true. */
function shouldAutomount(sa: KubeObject | undefined, podSpec: Obj): boolean {
  const podPref = bool(podSpec.automountServiceAccountToken);
  if (podPref !== undefined) return podPref;
  const saPref = bool(sa?.automountServiceAccountToken);
  return saPref ?? true;
}

/** mountServiceAccountToken: reuse a kube-api-access-* volume if the pod has one, else add one when a container needs it. */
export function mountServiceAccountToken(spec: Obj, nameSuffix: () => string = generateNameSuffix): void {
  const volumes = recs(spec.volumes);
  const existing = volumes.find((v) => (str(v.name) ?? '').startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const volumeName = existing ? (str(existing.name) ?? '') : SERVICE_ACCOUNT_VOLUME_PREFIX + nameSuffix();
  let needed = false;
  for (const list of ['initContainers', 'containers']) {
    for (const c of recs(spec[list])) {
      const mounts = recs(c.volumeMounts);
      if (mounts.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
      c.volumeMounts = [...(Array.isArray(c.volumeMounts) ? c.volumeMounts : []), { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
      needed = true;
    }
  }
  if (!existing && needed) {
    spec.volumes = [...(Array.isArray(spec.volumes) ? spec.volumes : []), { name: volumeName, projected: serviceAccountTokenVolumeSource() }];
  }
}

/** ServiceAccount admission for a pod being created; mutates the pod, throws the upstream 403 when refused. */
export async function admitPodServiceAccount(pod: KubeObject, ctx: AdmissionContext): Promise<void> {
  if (pod.metadata.annotations && mirrorPodAnnotation in pod.metadata.annotations) return;
  const spec = ensureRec(pod, 'spec');
  const saName = str(spec.serviceAccountName) || DEFAULT_SERVICE_ACCOUNT;
  spec.serviceAccountName = saName;
  const namespace = pod.metadata.namespace ?? '';
  const sa = await lookupServiceAccount(ctx, namespace, saName);
  if (!sa && saName !== DEFAULT_SERVICE_ACCOUNT) {
    throw forbiddenError('', 'pods', requestedName(pod), `error looking up service account ${namespace}/${saName}: serviceaccount "${saName}" not found`);
  }
  if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec);
  const saPullSecrets = recs(sa?.imagePullSecrets);
  if (recs(spec.imagePullSecrets).length === 0 && saPullSecrets.length > 0) {
    spec.imagePullSecrets = saPullSecrets.map((s) => ({ name: str(s.name) ?? '' }));
  }
}
