// The root CA publisher's decision for one namespace (upstream
// pkg/controller/certificates/rootcacertpublisher/publisher.go syncNamespace): every namespace
// holds the ConfigMap `kube-root-ca.crt` with `ca.crt` = the cluster CA and the
// `kubernetes.io/description` annotation, so pods can verify the API server through the
// kube-api-access volume. A drifted copy (other data, missing annotation) is put back; other
// keys and annotations a user added are dropped from data only, as upstream replaces data whole.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../machinery/types.js';
import type { Action } from '../shared/actions.js';
import { statusOf, strMap } from '../shared/meta.js';

export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCAObserved {
  namespace: KubeObject;
  /** The namespace's kube-root-ca.crt, if any. */
  configMap: KubeObject | undefined;
  /** The cluster CA certificate (PEM). */
  rootCA: string;
}

export function decideRootCACert(observed: RootCAObserved, _now: number): Action[] {
  const ns = observed.namespace;
  const name = ns.metadata.name ?? '';
  // Upstream tries and ignores the NamespaceTerminating refusal; skipping is the same outcome.
  if (ns.metadata.deletionTimestamp || statusOf(ns).phase === 'Terminating') return [];
  const data = { 'ca.crt': observed.rootCA };
  const cm = observed.configMap;
  if (!cm) {
    return [{
      kind: 'create',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIG_MAP, namespace: name, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data },
      tolerate: ['AlreadyExists', 'NotFound', 'Forbidden'],
    }];
  }
  const annotations = cm.metadata.annotations ?? {};
  if (isDeepStrictEqual(strMap(cm.data), data) && Object.keys(cm.data ?? {}).length === 1 && (annotations[DESCRIPTION_ANNOTATION] ?? '') !== '') return [];
  return [{
    kind: 'update',
    object: { ...cm, apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...cm.metadata, annotations: { ...annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data },
    tolerate: ['NotFound'],
  }];
}
