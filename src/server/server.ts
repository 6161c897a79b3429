// The composition root of `skiff server`: the only place that knows every piece.
// Start order: store → API server → bootstrap objects → (controllers, agent: later issues).
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ApiServer, type VersionInfo } from '../apiserver/server.js';
import { ResourceRegistry, type ResourceInfo } from '../apiserver/registry.js';
import { ResourceStore } from '../apiserver/storage/resourceStore.js';
import { ServiceAccountTokens } from '../apiserver/authn/serviceAccountTokens.js';
import type { ApiDeps, SchemaLookup } from '../apiserver/handlers/context.js';
import { createOpenApiDocs } from '../apiserver/openapi/index.js';
import { updateManagedFields } from '../machinery/apply/index.js';
import { allStrategies } from '../resources/index.js';
import { schemaLookup } from '../resources/schema/registry.js';
import { startCompactor } from '../store/compactor.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { bootstrapObjects } from './bootstrap.js';
import { ensurePki, type Pki } from './certs.js';
import { firstServiceIP, type ServerConfig } from './config.js';
import { writeKubeconfig } from './kubeconfig.js';
import { loopbackClient } from './loopback.js';
import { startControllerManager, startScheduler } from './controlPlane.js';
import { SharedInformerFactory } from '../client/informerFactory.js';
import { stripManagedFields } from '../client/informer.js';
import { startNodeSide, type NodeSide } from './agents.js';
import type { PodStreamBackend } from '../apiserver/streaming/types.js';
import { criPodStreams } from './podStreams.js';
import { deferredMetrics } from './metricsProvider.js';
import type { HttpClient } from '../client/httpTransport.js';
import { createLogger, type Logger } from './log.js';
import { skiffVersion } from './version.js';
import { rfc3339 } from '../machinery/time.js';

export interface RunningServer {
  port: number;
  url: string;
  kubeconfig: string;
  pki: Pki;
  store: Store;
  log: Logger;
  /** The server's own node when it runs real containers (containerd runtime). */
  localNode?: string;
  /** An in-process client for components of this server (controllers, scheduler, agent). */
  loopback(userAgent: string): HttpClient;
  stop(): Promise<void>;
}

function localAddresses(): string[] {
  const ips = new Set(['127.0.0.1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4') ips.add(a.address);
  return [...ips];
}

export async function startServer(config: ServerConfig, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const host = hostname();
  const pki = await ensurePki(config.dataDir, { dns: ['localhost', host, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${config.clusterDomain}`], ips: [...localAddresses(), firstServiceIP(config.serviceCIDR)] }, log.info);
  const store = openStore({ backend: 'sqlite', path: join(config.dataDir, 'db', 'state.db') });
  const registry = new ResourceRegistry(allStrategies);
  const schemaCache = new Map<ResourceInfo, SchemaLookup | undefined>();
  const schemaFor = (info: ResourceInfo): SchemaLookup | undefined => {
    if (!schemaCache.has(info)) schemaCache.set(info, schemaLookup(info.strategy.schemaRef));
    return schemaCache.get(info);
  };
  let objects!: ResourceStore;
  // Admission reads objects at their group's first served version.
  const infoOf = (group: string, resource: string): ResourceInfo | undefined => {
    const gv = registry.groupVersions.find((g) => g.group === group);
    return gv && registry.lookup(group, gv.version, resource);
  };
  const admission = {
    options: { serviceCIDR: config.serviceCIDR, nodePortRange: config.nodePortRange, clusterDomain: config.clusterDomain },
    listAll: async (group: string, resource: string) => {
      const info = infoOf(group, resource);
      return info ? (await objects.list(info, undefined)).items : [];
    },
    get: async (group: string, resource: string, namespace: string | undefined, name: string) => {
      const info = infoOf(group, resource);
      return info ? (await objects.tryGet(info, namespace, name))?.obj : undefined;
    },
  };
  objects = new ResourceStore(store, registry, admission, (info, live, updated, manager, subresource) => {
    const schema = schemaFor(info);
    if (!schema) return updated;
    // Main-resource writes never own status (the status subresource does), as upstream.
    const ignorePaths = info.strategy.hasStatus && subresource !== 'status' ? [['status']] : undefined;
    return updateManagedFields({ live, updated, manager, operation: 'Update', schema, apiVersion: info.apiVersion, now: rfc3339(), subresource, ignorePaths });
  });
  let ready = false;
  let port = config.httpsPort;
  const advertise = config.bindAddress === '0.0.0.0' || config.bindAddress === '::' ? '127.0.0.1' : config.bindAddress;
  // Pod logs/exec/attach/port-forward reach the node that runs the pod; nodes start after the API.
  let podStreamNodes: NodeSide | undefined;
  const podStreams = (nodeName: string): PodStreamBackend | undefined => {
    const node = podStreamNodes?.containerd;
    return node && node.nodeName === nodeName ? criPodStreams(node.runtime) : undefined;
  };
  const serviceAccountTokens = new ServiceAccountTokens({ signingKeyPem: pki.serviceAccountKey, issuer: `https://kubernetes.default.svc.${config.clusterDomain}` });
  const deps: ApiDeps = { registry, objects, store, schemaFor, openapi: createOpenApiDocs(allStrategies), log: log.error, podStreams, metrics: deferredMetrics(() => podStreamNodes?.containerd?.metrics), serviceAccountTokens };
  const api = new ApiServer({
    deps,
    tls: { key: pki.servingKey, cert: pki.servingCert, ca: pki.caCert },
    serverAddress: () => `${advertise}:${port}`,
    ready: () => ready,
    version: versionInfo(),
  });
  port = await api.listen(config.httpsPort, config.bindAddress);
  const url = `https://${advertise}:${port}`;
  writeKubeconfig(config.writeKubeconfig, pki, url);
  await bootstrapObjects(objects, registry, { serviceIP: firstServiceIP(config.serviceCIDR), apiPort: port });
  const compactor = startCompactor(store, { intervalMs: config.compactIntervalSeconds * 1000, keepRevisions: config.compactKeepRevisions });
  // Controllers and scheduler share one in-process client and one set of informers (one
  // watch and one cache per resource), alive as long as the server.
  const controlClient = config.controllerManager ? loopbackClient(api, 'kube-controller-manager/v1.33.0 (skiff)') : undefined;
  const informersStop = new AbortController();
  setMaxListeners(0, informersStop.signal); // every shared informer listens for it
  const informers = controlClient ? { factory: new SharedInformerFactory(controlClient, { transform: stripManagedFields, onError: (e) => log.debug(`informer: ${e instanceof Error ? e.message : String(e)}`) }), signal: informersStop.signal } : undefined;
  const controllers = controlClient ? startControllerManager(controlClient, log, { nodeMonitorGracePeriodMs: config.nodeMonitorGracePeriodSeconds * 1000, informers, rootCACert: pki.caCert }) : undefined;
  const scheduler = controlClient ? startScheduler(controlClient, log, informers) : undefined;
  const nodeClient = config.simNodes > 0 || !config.disableAgent ? loopbackClient(api, `kubelet/${'v1.33.0'} (skiff)`) : undefined;
  let nodes: NodeSide | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      ready = false;
      compactor.stop();
      await Promise.all([controllers?.stop(), scheduler?.stop(), nodes?.stop()]);
      nodeClient?.close();
      informersStop.abort();
      controlClient?.close();
      await api.stop();
      await store.close();
    })());
  try {
    nodes = nodeClient ? await startNodeSide(config, nodeClient, advertise, log) : undefined;
  } catch (e) {
    // e.g. containerd missing: stop what started so the process can exit with the message.
    await stop();
    throw e;
  }
  podStreamNodes = nodes;
  ready = true;
  log.debug(`API server listening on ${config.bindAddress}:${port}`);
  return { port, url, kubeconfig: config.writeKubeconfig, pki, store, log, localNode: nodes?.containerd?.nodeName, loopback: (ua) => loopbackClient(api, ua), stop };
}

function versionInfo(): VersionInfo {
  const v = skiffVersion();
  return {
    major: '1',
    minor: '33',
    gitVersion: v,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2026-11-28T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
