// The root CA publisher as the manager runs it: Namespaces are the keys; a change to any
// namespace's kube-root-ca.crt wakes that namespace. The CA comes from the server's PKI.
import type { GroupVersionResource } from '../../client/types.js';
import type { KubeObject } from '../../machinery/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideRootCACert, ROOT_CA_CONFIG_MAP, type RootCAObserved } from './decide.js';

const configmaps: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };

export function rootCACertPublisherController(rootCA: string): ControllerDefinition<RootCAObserved> {
  return {
    name: 'root-ca-cert-publisher',
    primary: gvr.namespaces,
    secondary: [configmaps],
    keysFor: (_g, obj: KubeObject) => (obj.metadata.name === ROOT_CA_CONFIG_MAP && obj.metadata.namespace ? [obj.metadata.namespace] : []),
    observe(key, cache) {
      const namespace = cache.informer(gvr.namespaces).get(key);
      if (!namespace) return undefined;
      return { namespace, configMap: cache.informer(configmaps).get(`${key}/${ROOT_CA_CONFIG_MAP}`), rootCA };
    },
    decide: (o, now) => decideRootCACert(o, now),
    workers: 1,
  };
}
