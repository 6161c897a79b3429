import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import {
  containerConfig, containerOOMScoreAdj, containerResources, containerSecurityContext, defaultMaskedPaths, milliCPUToQuota, milliCPUToShares, runAsNonRootViolation,
} from './containerConfig.js';

function pod(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', uid: 'u-1' }, spec } as KubeObject;
}
const GiB = 1024 ** 3;

describe('container resources (generateLinuxContainerResources)', () => {
  it('converts CPU to shares and CFS quota as the kubelet', () => {
    assert.equal(milliCPUToShares(0), 2);
    assert.equal(milliCPUToShares(1), 2);
    assert.equal(milliCPUToShares(250), 256);
    assert.equal(milliCPUToShares(1000), 1024);
    assert.equal(milliCPUToQuota(0, 100000), 0);
    assert.equal(milliCPUToQuota(5, 100000), 1000);
    assert.equal(milliCPUToQuota(500, 100000), 50000);
  });

  it('uses requests for shares (limit when no request), limits for quota and memory', () => {
    const c = { name: 'c', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } };
    const r = containerResources(pod({ containers: [c] }), c, 8 * GiB);
    assert.equal(r.cpu_shares, 256);
    assert.equal(r.cpu_period, 100000);
    assert.equal(r.cpu_quota, 50000);
    assert.equal(r.memory_limit_in_bytes, 128 * 1024 * 1024);
    const limitOnly = { name: 'c', resources: { limits: { cpu: '2' } } };
    assert.equal(containerResources(pod({ containers: [limitOnly] }), limitOnly, 8 * GiB).cpu_shares, 2048);
    const none = { name: 'c' };
    const rn = containerResources(pod({ containers: [none] }), none, 8 * GiB);
    assert.deepEqual([rn.cpu_shares, rn.cpu_quota, rn.memory_limit_in_bytes], [2, 0, undefined]);
  });

  it('scores OOM by QoS: Guaranteed -997, BestEffort 1000, Burstable by memory request share', () => {
    const g = { name: 'c', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } };
    assert.equal(containerOOMScoreAdj(pod({ containers: [g] }), g, 8 * GiB), -997);
    const be = { name: 'c' };
    assert.equal(containerOOMScoreAdj(pod({ containers: [be] }), be, 8 * GiB), 1000);
    const b = { name: 'c', resources: { requests: { memory: '2Gi' } } };
    assert.equal(containerOOMScoreAdj(pod({ containers: [b] }), b, 8 * GiB), 750);
    const tiny = { name: 'c', resources: { requests: { cpu: '10m' } } };
    assert.equal(containerOOMScoreAdj(pod({ containers: [tiny] }), tiny, 8 * GiB), 999);
    const huge = { name: 'c', resources: { requests: { memory: '8Gi' } } };
    assert.equal(containerOOMScoreAdj(pod({ containers: [huge] }), huge, 8 * GiB), 3);
    assert.equal(containerOOMScoreAdj(pod({ priorityClassName: 'system-node-critical', containers: [be] }), be, 8 * GiB), -997);
  });
});

describe('container security context', () => {
  it('merges the pod securityContext under the container one', () => {
    const c = { name: 'c', securityContext: { runAsUser: 2000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN', 'CAP_SYS_TIME'], drop: ['ALL'] } } };
    const sc = containerSecurityContext(pod({ securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 4000 }, containers: [c] }), c);
    assert.deepEqual(sc.run_as_user, { value: 2000 });
    assert.deepEqual(sc.run_as_group, { value: 3000 });
    assert.deepEqual(sc.supplemental_groups, [4000]);
    assert.equal(sc.no_new_privs, true);
    assert.equal(sc.readonly_rootfs, true);
    assert.deepEqual(sc.capabilities, { add_capabilities: ['NET_ADMIN', 'SYS_TIME'], drop_capabilities: ['ALL'] });
    assert.deepEqual(sc.masked_paths, defaultMaskedPaths);
    assert.deepEqual(sc.seccomp, { profile_type: 'Unconfined' });
    assert.deepEqual(sc.namespace_options, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
  });

  it('privileged (or procMount Unmasked) masks nothing; seccompProfile maps to CRI profiles', () => {
    const priv = { name: 'c', securityContext: { privileged: true, seccompProfile: { type: 'RuntimeDefault' } } };
    const sc = containerSecurityContext(pod({ containers: [priv] }), priv);
    assert.deepEqual([sc.privileged, sc.masked_paths, sc.readonly_paths, sc.seccomp], [true, [], [], { profile_type: 'RuntimeDefault' }]);
    const local = { name: 'c', securityContext: { procMount: 'Unmasked', seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } };
    const sl = containerSecurityContext(pod({ containers: [local] }), local);
    assert.deepEqual([sl.masked_paths, sl.seccomp], [[], { profile_type: 'Localhost', localhost_ref: '/var/lib/kubelet/seccomp/p.json' }]);
  });

  it('verifies runAsNonRoot against the image user with the kubelet messages', () => {
    const c = { name: 'c', securityContext: { runAsNonRoot: true } };
    const p = pod({ containers: [c] });
    assert.equal(runAsNonRootViolation(p, c, {}), 'container has runAsNonRoot and image will run as root (pod: "web_shop(u-1)", container: c)');
    assert.equal(runAsNonRootViolation(p, c, { uid: 1000 }), undefined);
    assert.match(runAsNonRootViolation(p, c, { username: 'app' }) ?? '', /^container has runAsNonRoot and image has non-numeric user \(app\), cannot verify user is non-root/);
    const root = { name: 'c', securityContext: { runAsNonRoot: true, runAsUser: 0 } };
    assert.match(runAsNonRootViolation(p, root, { uid: 1000 }) ?? '', /^container's runAsUser breaks non-root policy/);
    assert.equal(runAsNonRootViolation(p, { name: 'c' }, {}), undefined);
  });
});

describe('containerConfig', () => {
  it('assembles metadata, image, labels, annotations and the log path', () => {
    const c = { name: 'app', image: 'nginx:1.25', workingDir: '/srv', tty: true, stdin: true, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ports: [{ containerPort: 80 }] };
    const p = pod({ terminationGracePeriodSeconds: 30, containers: [c] });
    const cfg = containerConfig({
      pod: p,
      container: c,
      attempt: 2,
      imageRef: 'sha256:abc',
      resolved: { env: [{ key: 'A', value: '1' }], command: ['nginx'], args: ['-g', 'daemon off;'], mounts: [{ containerPath: '/data', hostPath: '/h/data', readonly: true, propagation: 'hostToContainer' }] },
      memoryCapacity: 8 * GiB,
    });
    assert.deepEqual(cfg.metadata, { name: 'app', attempt: 2 });
    assert.deepEqual(cfg.image, { image: 'sha256:abc', user_specified_image: 'nginx:1.25' });
    assert.equal(cfg.log_path, 'app/2.log');
    assert.equal(cfg.working_dir, '/srv');
    assert.deepEqual([cfg.tty, cfg.stdin, cfg.stdin_once], [true, true, false]);
    assert.deepEqual(cfg.mounts, [{ container_path: '/data', host_path: '/h/data', readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' }]);
    assert.deepEqual(cfg.labels, { 'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': 'u-1' });
    assert.equal(cfg.annotations['io.kubernetes.container.restartCount'], '2');
    assert.equal(cfg.annotations['io.kubernetes.container.terminationMessagePath'], '/dev/termination-log');
    assert.equal(cfg.annotations['io.kubernetes.pod.terminationGracePeriod'], '30');
    assert.equal(cfg.annotations['io.kubernetes.container.ports'], '[{"containerPort":80}]');
    assert.match(cfg.annotations['io.kubernetes.container.hash'], /^[0-9a-f]{8}$/);
  });
});
