// Everything `skiff server` can be told, validated once, with the defaults k3s users expect.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LogLevel } from './log.js';

export interface ServerConfig {
  dataDir: string;
  httpsPort: number;
  bindAddress: string;
  writeKubeconfig: string;
  runtime: 'sim' | 'containerd';
  /** --container-runtime-endpoint: an existing CRI socket to use instead of skiff's own containerd. */
  containerRuntimeEndpoint?: string;
  /** The cluster DNS Service's address written into pods' resolv.conf (dnsPolicy ClusterFirst). */
  clusterDNS: string;
  /** k3s's --disable-default-registry-endpoint: pulls use only the mirrors of registries.yaml. */
  disableDefaultRegistryEndpoint: boolean;
  disableAgent: boolean;
  /** Extra simulated nodes to run in this process (KWOK-style, no containers). */
  simNodes: number;
  /** Run the controllers (under leader election). */
  controllerManager: boolean;
  logLevel: LogLevel;
  serviceCIDR: string;
  nodePortRange: [number, number];
  clusterDomain: string;
  /** Compaction: every intervalSeconds, drop history older than keepRevisions. */
  compactIntervalSeconds: number;
  compactKeepRevisions: number;
  /** --node-monitor-grace-period: a node silent this long becomes Ready=Unknown (upstream default 40 s). */
  nodeMonitorGracePeriodSeconds: number;
}

export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/skiff' : join(homedir(), '.skiff');
}

export function defaultConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const dataDir = overrides.dataDir ?? defaultDataDir();
  return {
    dataDir,
    httpsPort: 6443,
    bindAddress: '0.0.0.0',
    writeKubeconfig: join(dataDir, 'kubeconfig.yaml'),
    runtime: 'containerd',
    clusterDNS: '10.43.0.10',
    disableDefaultRegistryEndpoint: false,
    disableAgent: false,
    controllerManager: true,
    simNodes: 0,
    logLevel: 'info',
    serviceCIDR: '10.43.0.0/16',
    nodePortRange: [30000, 32767],
    clusterDomain: 'cluster.local',
    compactIntervalSeconds: 300,
    compactKeepRevisions: 10000,
    nodeMonitorGracePeriodSeconds: 40,
    ...overrides,
  };
}

/** The first usable address of the service range: the `kubernetes` Service's clusterIP. */
export function firstServiceIP(cidr: string): string {
  const [base] = cidr.split('/');
  const parts = base.split('.').map(Number);
  parts[3] += 1;
  return parts.join('.');
}

/** The tenth address of the service range (k3s's default cluster DNS: 10.43.0.10). */
export function defaultClusterDNS(cidr: string): string {
  const [base] = cidr.split('/');
  const parts = base.split('.').map(Number);
  parts[3] += 10;
  return parts.join('.');
}
