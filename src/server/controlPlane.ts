// The leader-only part of `skiff server`: the controller manager (and later the scheduler),
// elected on a Lease so several servers sharing one datastore run them once.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { runLeaderElection } from '../client/leaderElection.js';
import type { Client } from '../client/types.js';
import { deploymentController } from '../controllers/deployment/controller.js';
import { replicaSetController } from '../controllers/replicaset/controller.js';
import { statefulSetController } from '../controllers/statefulset/controller.js';
import { daemonSetController } from '../controllers/daemonset/controller.js';
import { jobController, jobOrphanPodController } from '../controllers/job/controller.js';
import { cronJobController } from '../controllers/cronjob/controller.js';
import { ttlAfterFinishedController } from '../controllers/ttlafterfinished/controller.js';
import { podGCController } from '../controllers/podgc/controller.js';
import { endpointSliceController } from '../controllers/endpointslice/controller.js';
import { endpointsController } from '../controllers/endpoints/controller.js';
import { serviceAccountController } from '../controllers/serviceaccount/controller.js';
import { rootCACertPublisherController } from '../controllers/rootcacertpublisher/controller.js';
import { namespaceController } from '../controllers/namespace/controller.js';
import { nodeLifecycleController } from '../controllers/nodelifecycle/controller.js';
import { pvClaimBinderController, pvVolumeBinderController } from '../controllers/pvbinder/controller.js';
import { localPathProvisionerController, localPathStorageClassController } from '../controllers/localpath/controller.js';
import { runGarbageCollector } from '../controllers/garbagecollector/runner.js';
import { EventRecorder } from '../client/eventRecorder.js';
import { ControllerManager } from '../controllers/runtime/manager.js';
import { runScheduler } from '../scheduler/scheduler.js';
import type { SharedInformers } from '../client/informerFactory.js';
import type { Logger } from './log.js';

export interface ControlPlane {
  stop(): Promise<void>;
}

/** Runs `work` while this process holds the named Lease; stop() aborts and waits. */
function leaderOnly(client: Client, name: string, log: Logger, work: (signal: AbortSignal) => Promise<void>): ControlPlane {
  const abort = new AbortController();
  const identity = `${hostname()}_${randomUUID()}`;
  const done = runLeaderElection({
    client,
    name,
    identity,
    signal: abort.signal,
    onStartedLeading: async (signal) => {
      log.debug(`${name}: leading as ${identity}`);
      await work(signal);
    },
    onError: (e) => log.debug(`${name} leader election: ${e instanceof Error ? e.message : String(e)}`),
  }).catch((e: unknown) => log.error(`${name} stopped: ${e instanceof Error ? e.message : String(e)}`));
  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}

export function startScheduler(client: Client, log: Logger, informers?: SharedInformers): ControlPlane {
  return leaderOnly(client, 'kube-scheduler', log, (signal) => runScheduler({ client, signal, log: log.warn, informers }));
}

export interface ControllerManagerOptions {
  /** --node-monitor-grace-period, in ms (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** Informers shared with the scheduler: one cache and one watch per resource in this process. */
  informers?: SharedInformers;
  /** The cluster CA (PEM) the root-ca-cert-publisher puts in every namespace's kube-root-ca.crt. */
  rootCACert?: string;
}

export function startControllerManager(client: Client, log: Logger, opts: ControllerManagerOptions = {}): ControlPlane {
  const abort = new AbortController();
  const identity = `${hostname()}_${randomUUID()}`;
  const done = runLeaderElection({
    client,
    name: 'kube-controller-manager',
    identity,
    signal: abort.signal,
    onStartedLeading: async (signal) => {
      log.debug(`controller manager: leading as ${identity}`);
      const manager = new ControllerManager({ client, component: 'kube-controller-manager', log: log.warn, informers: opts.informers });
      manager.add(replicaSetController);
      manager.add(deploymentController);
      manager.add(statefulSetController);
      manager.add(daemonSetController);
      manager.add(jobController);
      manager.add(jobOrphanPodController);
      manager.add(cronJobController);
      manager.add(ttlAfterFinishedController);
      manager.add(podGCController());
      manager.add(endpointSliceController);
      manager.add(endpointsController);
      manager.add(serviceAccountController);
      if (opts.rootCACert) manager.add(rootCACertPublisherController(opts.rootCACert));
      manager.add(namespaceController);
      manager.add(nodeLifecycleController({ nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs }));
      manager.add(pvClaimBinderController);
      manager.add(pvVolumeBinderController);
      manager.add(localPathStorageClassController);
      manager.add(localPathProvisionerController);
      await Promise.all([manager.run(signal), runGarbageCollector({ client, recorder: new EventRecorder(client, 'garbage-collector-controller'), signal, log: log.warn, informers: opts.informers })]);
    },
    onError: (e) => log.debug(`leader election: ${e instanceof Error ? e.message : String(e)}`),
  }).catch((e: unknown) => log.error(`controller manager stopped: ${e instanceof Error ? e.message : String(e)}`));
  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}
