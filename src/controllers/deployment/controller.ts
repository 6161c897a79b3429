// The Deployment controller as the manager runs it: Deployments, their ReplicaSets and pods in, decideDeployment out.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { grandOwnerKeys, ownerKeys } from '../runtime/mapping.js';
import { decideDeployment, type DeploymentObserved } from './decide.js';

export const deploymentController: ControllerDefinition<DeploymentObserved> = {
  name: 'deployment',
  primary: gvr.deployments,
  secondary: [gvr.replicasets, gvr.pods],
  keysFor(g, obj, cache) {
    if (g === gvr.replicasets) return ownerKeys(obj, 'Deployment', cache.informer(gvr.deployments));
    return grandOwnerKeys(obj, 'ReplicaSet', cache.informer(gvr.replicasets), 'Deployment');
  },
  observe(key, cache) {
    const deployment = cache.informer(gvr.deployments).get(key);
    if (!deployment) return undefined;
    const ns = splitKey(key).namespace ?? '';
    return { deployment, replicaSets: cache.informer(gvr.replicasets).listInNamespace(ns), pods: cache.informer(gvr.pods).listInNamespace(ns) };
  },
  decide: (o, now, lastFailure) => decideDeployment({ ...o, lastFailure }, now),
  workers: 4,
};
