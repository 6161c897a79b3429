import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { parseResolvConf, podCgroupParent, podDnsConfig, podHostname, podPortMappings, podSandboxConfig } from './sandboxConfig.js';

const tmp = mkdtempSync(join(tmpdir(), 'skiff-sbcfg-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const resolvConf = join(tmp, 'resolv.conf');
writeFileSync(resolvConf, '# host\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch corp.example lab.example.\noptions edns0 ndots:2\n');

function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', uid: 'u-1', ...meta }, spec } as KubeObject;
}

const dnsOpts = { clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local', resolvConf };

describe('podDnsConfig (kubelet GetPodDNS)', () => {
  it('ClusterFirst: cluster server, namespace search path before the host search, ndots:5', () => {
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), dnsOpts), {
      servers: ['10.43.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'],
      options: ['ndots:5'],
    });
  });

  it('ClusterFirst on the host network behaves as Default; ClusterFirstWithHostNet does not', () => {
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true }), dnsOpts).servers, ['192.0.2.53', '192.0.2.54']);
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }), dnsOpts).servers, ['10.43.0.10']);
  });

  it('Default copies the host resolv.conf; ClusterFirst without a cluster DNS falls back to it', () => {
    const host = { servers: ['192.0.2.53', '192.0.2.54'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'ndots:2'] };
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), dnsOpts), host);
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), { ...dnsOpts, clusterDNS: undefined }), host);
  });

  it('None takes only spec.dnsConfig; dnsConfig merges (options by name, pod wins)', () => {
    const dnsConfig = { nameservers: ['1.1.1.1'], searches: ['x.example'], options: [{ name: 'ndots', value: '1' }, { name: 'rotate' }] };
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig }), dnsOpts), { servers: ['1.1.1.1'], searches: ['x.example'], options: ['ndots:1', 'rotate'] });
    const merged = podDnsConfig(pod({ dnsPolicy: 'ClusterFirst', dnsConfig }), dnsOpts);
    assert.deepEqual(merged.servers, ['10.43.0.10', '1.1.1.1']);
    assert.equal(merged.searches.at(-1), 'x.example');
    assert.deepEqual(merged.options, ['ndots:1', 'rotate']);
  });

  it('keeps at most three nameservers', () => {
    const dnsConfig = { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9'] };
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst', dnsConfig }), dnsOpts).servers, ['10.43.0.10', '1.1.1.1', '8.8.8.8']);
  });

  it('parses resolv.conf: the last search line wins, comments ignored', () => {
    assert.deepEqual(parseResolvConf('search a\nsearch b c ; comment\nnameserver 10.0.0.1 # x\n'), { servers: ['10.0.0.1'], searches: ['b', 'c'], options: [] });
  });
});

describe('podSandboxConfig', () => {
  it('builds metadata, hostname, log directory, labels, cgroup and namespaces as the kubelet', () => {
    const p = pod(
      {
        containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, protocol: 'UDP' }], resources: { requests: { cpu: '100m' } } }],
        securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }], fsGroup: 2000, supplementalGroups: [3000], runAsUser: 1000 },
        shareProcessNamespace: true,
      },
      { labels: { app: 'web' }, annotations: { note: 'x' } },
    );
    const c = podSandboxConfig(p, 1, { podLogRoot: '/logs', clusterDomain: 'cluster.local', clusterDNS: '10.43.0.10', resolvConf });
    assert.deepEqual(c.metadata, { name: 'web', uid: 'u-1', namespace: 'shop', attempt: 1 });
    assert.equal(c.hostname, 'web');
    assert.equal(c.log_directory, '/logs/shop_web_u-1');
    assert.deepEqual(c.labels, { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': 'u-1' });
    assert.deepEqual(c.annotations, { note: 'x' });
    assert.deepEqual(c.port_mappings, [{ protocol: 'TCP', container_port: 80, host_port: 8080 }]);
    assert.equal(c.linux.cgroup_parent, '/kubepods/burstable/podu-1');
    assert.deepEqual(c.linux.sysctls, { 'net.ipv4.ip_unprivileged_port_start': '0' });
    assert.deepEqual(c.linux.security_context.namespace_options, { network: 'POD', pid: 'POD', ipc: 'POD' });
    assert.deepEqual(c.linux.security_context.supplemental_groups, [2000, 3000]);
    assert.deepEqual(c.linux.security_context.run_as_user, { value: 1000 });
    assert.equal(c.linux.security_context.privileged, false);
  });

  it('host network: empty hostname, NODE network namespace; privileged containers make a privileged sandbox', () => {
    const c = podSandboxConfig(pod({ hostNetwork: true, hostPID: true, containers: [{ name: 'c', securityContext: { privileged: true } }] }), 0, { podLogRoot: '/l', clusterDomain: 'cluster.local' });
    assert.equal(c.hostname, '');
    assert.deepEqual(c.linux.security_context.namespace_options, { network: 'NODE', pid: 'NODE', ipc: 'POD' });
    assert.equal(c.linux.security_context.privileged, true);
  });

  it('puts each QoS class under its kubepods cgroup', () => {
    const guaranteed = { containers: [{ name: 'c', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] };
    assert.equal(podCgroupParent(pod(guaranteed)), '/kubepods/podu-1');
    assert.equal(podCgroupParent(pod({ containers: [{ name: 'c' }] })), '/kubepods/besteffort/podu-1');
    assert.equal(podCgroupParent({ ...pod({ containers: [{ name: 'c' }] }), status: { qosClass: 'Burstable' } } as KubeObject), '/kubepods/burstable/podu-1');
  });

  it('uses spec.hostname, cuts long pod names to 63 characters and builds the FQDN when asked', () => {
    assert.equal(podHostname(pod({ hostname: 'h1' }), 'cluster.local'), 'h1');
    assert.equal(podHostname(pod({}, { name: `${'a'.repeat(62)}-bcd` }), 'cluster.local'), 'a'.repeat(62));
    assert.equal(podHostname(pod({ hostname: 'h1', subdomain: 'sub', setHostnameAsFQDN: true }), 'cluster.local'), 'h1.sub.shop.svc.cluster.local');
  });

  it('maps only ports with a hostPort, keeping protocol and hostIP', () => {
    const p = pod({ containers: [{ name: 'a', ports: [{ containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }] }, { name: 'b', ports: [{ containerPort: 1 }] }] });
    assert.deepEqual(podPortMappings(p), [{ protocol: 'UDP', container_port: 53, host_port: 5353, host_ip: '127.0.0.1' }]);
  });
});
