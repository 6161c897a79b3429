// The Deployment controller as the manager runs it: Deployments, their ReplicaSets and pods in, decideDeployment out.
import { splitKey } from '../../client/types.js';
import { gvr } from '../runtime/kinds.js';
import type { ControllerDefinition } from '../runtime/manager.js';
import { grandOwnerKeys, ownerKeys } from '../runtime/mapping.js';
import { decideDeployment, type DeploymentObserved } from './decide.js';
import { isRecreate } from './util.js';

export const deploymentController: ControllerDefinition<DeploymentObserved> = {
  name: 'deployment',
  primary: gvr.deployments,
  secondary: [gvr.replicasets, gvr.pods],
  keysFor(g, obj, cache) {
    if (g === gvr.replicasets) return ownerKeys(obj, 'Deployment', cache.informer(gvr.deployments));
    // Pods matter only to a Recreate rollout, which waits for the old ones to be gone (as
    // upstream, whose pod handler enqueues Recreate Deployments only); RollingUpdate reads
    // ReplicaSet status, so a pod's every status change need not re-sync its Deployment.
    const deployments = cache.informer(gvr.deployments);
    return grandOwnerKeys(obj, 'ReplicaSet', cache.informer(gvr.replicasets), 'Deployment').filter((k) => {
      const d = deployments.get(k);
      return !d || isRecreate(d);
    });
  },
  observe(key, cache) {
    const deployment = cache.informer(gvr.deployments).get(key);
    if (!deployment) return undefined;
    const ns = splitKey(key).namespace ?? '';
    // Only a Recreate rollout reads pods: a RollingUpdate sync need not gather the namespace's.
    const pods = isRecreate(deployment) ? cache.informer(gvr.pods).listInNamespace(ns) : [];
    return { deployment, replicaSets: cache.informer(gvr.replicasets).listInNamespace(ns), pods };
  },
  decide: (o, now, lastFailure) => decideDeployment({ ...o, lastFailure }, now),
  workers: 4,
};
