// The client layer's public surface (test doubles live in ./testing/).
export * from './types.js';
export * from './errors.js';
export { realClock, sleep, type Clock, type TimerHandle } from './clock.js';
export { createWatchStream, type WatchSink } from './watchStream.js';
export { httpClient, kubeconfigClient, resourcePath, patchContentTypes, type HttpClient, type HttpClientOptions } from './httpTransport.js';
export { WorkQueue, exponentialRateLimiter, type RateLimiter, type WorkQueueOptions } from './workqueue.js';
export { ObjectCache, NAMESPACE_INDEX, namespaceIndexFunc, type IndexFunc } from './cache.js';
export { SharedInformer, type EventHandler, type InformerOptions } from './informer.js';
export { SharedInformerFactory, type InformerFactoryOptions, type InformerSelection } from './informerFactory.js';
export { runLeaderElection, leasesGVR, formatMicroTime, parseMicroTime, type Lease, type LeaseSpec, type LeaderElectionOptions } from './leaderElection.js';
export { runController, TerminalError, type ControllerOptions, type ReconcileResult, type Reconciler } from './controllerLoop.js';
