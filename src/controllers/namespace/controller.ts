// The namespace controller as the manager runs it: a Terminating namespace is emptied
// resource by resource (from the informer caches of every namespaced kind), then finalized.
import { allStrategies } from '../../resources/index.js';
import { allVerbs } from '../../resources/types.js';
import type { GroupVersionResource } from '../../machinery/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { decideNamespace, type NamespaceObserved } from './decide.js';

// events.k8s.io Events share storage with core Events: clean them once, through core/v1.
const namespaced = allStrategies.filter((s) => s.namespaced && !s.storage);
const contentGvrs: GroupVersionResource[] = namespaced.map((s) => ({ group: s.group, version: s.version, resource: s.plural }));

export const namespaceController: ControllerDefinition<NamespaceObserved> = {
  name: 'namespace',
  primary: gvr.namespaces,
  secondary: contentGvrs,
  keysFor(_g, obj, cache) {
    const ns = obj.metadata.namespace;
    if (!ns) return [];
    return cache.informer(gvr.namespaces).get(ns)?.metadata.deletionTimestamp ? [ns] : [];
  },
  observe(key, cache) {
    const namespace = cache.informer(gvr.namespaces).get(key);
    if (!namespace?.metadata.deletionTimestamp) return undefined;
    return {
      namespace,
      resources: namespaced.map((s, i) => ({ gvr: contentGvrs[i], verbs: s.verbs ?? allVerbs, kind: s.kind, objects: cache.informer(contentGvrs[i]).listInNamespace(key) })),
    };
  },
  decide: (o, now, lastFailure) => decideNamespace({ ...o, lastFailure }, now),
  workers: 2,
};
