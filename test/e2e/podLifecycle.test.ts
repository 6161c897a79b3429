// Real containers, issue 4 "Done means" 3–5: probes restart and un-ready containers, a memory
// hog is OOMKilled, a Job's exit code decides Complete vs Failed, the seed CronJob's pod says
// hello, a StatefulSet replica finds its predecessor's file on the claim, and a pod that traps
// SIGTERM finishes inside its grace period leaving nothing behind on the node.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../support/cluster.js';
import { containerdSkipReason, startContainerdCluster, type ContainerdCluster } from '../support/containerdCluster.js';
import { applyObj, eventually, getJson, isReady, type Pod } from '../support/workloads.js';

const seed = (f: string): string => join(repoRoot(), 'test', 'fixtures', 'seed', f);
const skip = containerdSkipReason();

interface ContainerStatus {
  name: string;
  restartCount: number;
  ready: boolean;
  state: { waiting?: { reason?: string }; running?: unknown; terminated?: { reason?: string; exitCode?: number } };
  lastState: { terminated?: { reason?: string; exitCode?: number } };
}
type FullPod = Pod & { status: Pod['status'] & { containerStatuses?: ContainerStatus[]; qosClass?: string } };

const podObj = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { terminationGracePeriodSeconds: 2, ...spec },
});

describe('pod lifecycle in containerd', { skip }, () => {
  let c: ContainerdCluster;
  before(async () => {
    c = await startContainerdCluster();
  });
  after(async () => {
    await c?.dispose();
  });

  const pod = (name: string): Promise<FullPod> => getJson<FullPod>(c, ['get', 'pod', name]);

  it('a failing liveness probe restarts the container with a growing back-off', async () => {
    await applyObj(c, 'default', podObj('liveness', {
      containers: [{
        name: 'main', image: 'busybox', command: ['sh', '-c', 'touch /tmp/healthy; sleep 3; rm /tmp/healthy; sleep 600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
      }],
    }));
    const p = await eventually(async () => {
      const p = await pod('liveness');
      return (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined;
    }, 'two liveness restarts', 90_000);
    const events = await c.kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=liveness', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    assert.match(events, /Unhealthy:Liveness probe failed/);
    assert.match(events, /Killing:Container main failed liveness probe, will be restarted/);
    assert.ok(p.status.containerStatuses![0].lastState.terminated, 'the killed instance is lastState');
    const backoff = await eventually(async () => (/BackOff:Back-off restarting failed container main/.test(await c.kubectlOk(['get', 'events', '--field-selector', 'involvedObject.name=liveness', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}'])) ? true : undefined), 'a crash-loop back-off', 90_000);
    assert.equal(backoff, true);
    await c.kubectlOk(['delete', 'pod', 'liveness', '--grace-period=1']);
  });

  it('a readiness failure takes the pod out of its Service\'s EndpointSlice', async () => {
    await applyObj(c, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ready-svc' }, spec: { selector: { app: 'ready' }, ports: [{ port: 80 }] } });
    await applyObj(c, 'default', podObj('ready', {
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'touch /tmp/ready; sleep 600'], readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 } }],
    }, { app: 'ready' }));
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/ready', '--timeout=60s'], { timeoutMs: 70_000 });
    const ip = (await pod('ready')).status.podIP;
    const readyIn = async (want: boolean): Promise<boolean | undefined> => {
      const slices = await getJson<{ items: Array<{ endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }> }> }>(c, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ready-svc']);
      const ep = slices.items.flatMap((s) => s.endpoints ?? []).find((e) => e.addresses.includes(ip ?? ''));
      return (ep?.conditions?.ready ?? false) === want ? true : undefined;
    };
    await eventually(() => readyIn(true), 'the pod listed ready', 30_000);
    await c.kubectlOk(['exec', 'ready', '--', 'rm', '/tmp/ready']);
    await eventually(() => readyIn(false), 'the pod listed not ready', 30_000);
    assert.equal(isReady(await pod('ready')), false);
    await c.kubectlOk(['delete', 'pod', 'ready', '--grace-period=1']);
    await c.kubectlOk(['delete', 'service', 'ready-svc']);
  });

  it('securityContext, resources, env and volumes reach the container', async () => {
    await c.kubectlOk(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret']);
    await applyObj(c, 'default', podObj('shaped', {
      securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 },
      initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'echo from-init > /work/init.txt'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
      containers: [{
        name: 'main', image: 'busybox', command: ['sleep', '600'],
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
          { name: 'GREETING', value: 'hello-$(POD_NAME)' },
        ],
        volumeMounts: [
          { name: 'work', mountPath: '/work' },
          { name: 'info', mountPath: '/etc/podinfo' },
          { name: 'secret', mountPath: '/etc/creds', readOnly: true },
          { name: 'mem', mountPath: '/scratch' },
        ],
      }],
      volumes: [
        { name: 'work', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'secret', secret: { secretName: 'creds', defaultMode: 0o400 } },
      ],
    }, { tier: 'e2e' }));
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/shaped', '--timeout=60s'], { timeoutMs: 70_000 });
    const sh = (cmd: string): Promise<string> => c.kubectlOk(['exec', 'shaped', '--', 'sh', '-c', cmd]);
    assert.equal(await sh('id -u; id -g'), '1000\n3000\n');
    assert.match(await sh('id -G'), /\b2000\b/);
    assert.equal(await sh('cat /work/init.txt'), 'from-init\n');
    assert.equal(await sh('echo $POD_NAME $MEM_LIMIT $PASSWORD $GREETING'), 'shaped 64 s3cret hello-shaped\n');
    assert.equal(await sh('cat /etc/podinfo/labels'), 'tier="e2e"');
    assert.equal(await sh('cat /etc/creds/password'), 's3cret');
    assert.match(await sh('touch /rootfs-file 2>&1 || echo refused'), /refused/);
    assert.match(await sh('grep " /scratch " /proc/mounts'), /tmpfs/);
    assert.equal(await sh('cat /sys/fs/cgroup/memory/memory.limit_in_bytes'), `${64 * 1024 * 1024}\n`);
    assert.equal(await sh('cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us'), '20000\n');
    assert.equal((await pod('shaped')).status.qosClass, 'Burstable');
    await c.kubectlOk(['delete', 'pod', 'shaped', '--grace-period=1']);
    await c.kubectlOk(['delete', 'secret', 'creds']);
  });

  it('a memory hog is OOMKilled', async () => {
    await applyObj(c, 'default', podObj('hog', {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'tail /dev/zero'], resources: { limits: { memory: '24Mi' }, requests: { memory: '24Mi' } } }],
    }));
    const p = await eventually(async () => {
      const p = await pod('hog');
      return p.status.containerStatuses?.[0]?.state.terminated ? p : undefined;
    }, 'the hog to be killed', 90_000);
    assert.equal(p.status.containerStatuses![0].state.terminated!.reason, 'OOMKilled');
    assert.equal(p.status.containerStatuses![0].state.terminated!.exitCode, 137);
    assert.equal(p.status.phase, 'Failed');
    await c.kubectlOk(['delete', 'pod', 'hog', '--grace-period=1']);
  });

  it('a Job\'s pod exit code decides Complete vs Failed', async () => {
    const job = (name: string, code: number): Record<string, unknown> => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `exit ${code}`] }] } } },
    });
    await applyObj(c, 'default', job('job-ok', 0));
    await applyObj(c, 'default', job('job-bad', 3));
    await c.kubectlOk(['wait', '--for=condition=Complete', 'job/job-ok', '--timeout=90s'], { timeoutMs: 100_000 });
    await c.kubectlOk(['wait', '--for=condition=Failed', 'job/job-bad', '--timeout=90s'], { timeoutMs: 100_000 });
    const bad = await getJson<{ items: FullPod[] }>(c, ['get', 'pods', '-l', 'job-name=job-bad']);
    assert.equal(bad.items[0].status.containerStatuses![0].state.terminated!.exitCode, 3);
    assert.equal(bad.items[0].status.containerStatuses![0].state.terminated!.reason, 'Error');
    await c.kubectlOk(['delete', 'job', 'job-ok', 'job-bad']);
  });

  it('the seed CronJob\'s pod logs its hello', async () => {
    await c.kubectlOk(['apply', '-f', seed('cronjob-hello.yaml')]);
    await c.kubectlOk(['create', 'job', 'hello-now', '--from=cronjob/hello']);
    await c.kubectlOk(['wait', '--for=condition=Complete', 'job/hello-now', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.match(await c.kubectlOk(['logs', 'job/hello-now']), /Hello from the Kubernetes cluster/);
    // The Job is the CronJob's (ownerReference): deleting the CronJob takes it along.
    await c.kubectlOk(['delete', 'cronjob', 'hello']);
    await eventually(async () => ((await c.kubectl(['get', 'job', 'hello-now'])).code !== 0 ? true : undefined), 'the job to be collected with its CronJob');
  });

  it('a StatefulSet replacement pod reads what its predecessor wrote to the claim', async () => {
    await c.kubectlOk(['apply', '-f', seed('storageclass-my-storage-class.yaml')]);
    const sts = readFileSync(seed('statefulset-web.yaml'), 'utf8').replace(/replicas: 3/, 'replicas: 1');
    await c.kubectlOk(['apply', '-f', '-'], { input: sts });
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/web-0', '--timeout=90s'], { timeoutMs: 100_000 });
    const uid = (await pod('web-0')).metadata.uid;
    await c.kubectlOk(['exec', 'web-0', '--', 'sh', '-c', 'echo kept-across-pods > /usr/share/nginx/html/note.txt']);
    await c.kubectlOk(['delete', 'pod', 'web-0']);
    const next = await eventually(async () => {
      const p = await pod('web-0');
      return p.metadata.uid !== uid && isReady(p) ? p : undefined;
    }, 'web-0 to come back', 90_000);
    assert.notEqual(next.metadata.uid, uid);
    assert.equal(await c.kubectlOk(['exec', 'web-0', '--', 'cat', '/usr/share/nginx/html/note.txt']), 'kept-across-pods\n');
    await c.kubectlOk(['delete', 'statefulset', 'web']);
  });

  it('a pod trapping SIGTERM finishes within its grace period and leaves nothing on the node', async () => {
    await applyObj(c, 'default', podObj('graceful', {
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 1; done'] }],
    }));
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/graceful', '--timeout=60s'], { timeoutMs: 70_000 });
    const p = await pod('graceful');
    const uid = p.metadata.uid ?? '';
    const before = await c.nodeState();
    assert.ok(before.sandboxes.some((s) => s.podUid === uid), 'the sandbox exists while the pod runs');
    assert.ok(before.ipLeases.includes(p.status.podIP ?? '-'), 'the IP is leased while the pod runs');
    const podCgroups = (): string[] => ['memory', 'cpu', 'pids', 'cpuset', 'blkio'].flatMap((ctl) => findPodCgroups(`/sys/fs/cgroup/${ctl}/kubepods`, uid));
    assert.ok(podCgroups().length > 0, 'the pod cgroups exist while it runs');
    const began = Date.now();
    await c.kubectlOk(['delete', 'pod', 'graceful'], { timeoutMs: 60_000 });
    // The trap exits at once: far inside the 30 s grace, and no SIGKILL was needed.
    assert.ok(Date.now() - began < 25_000, `deletion took ${Date.now() - began} ms`);
    const left = await eventually(async () => {
      const s = await c.nodeState();
      return s.sandboxes.some((x) => x.podUid === uid) || podCgroups().length ? undefined : s;
    }, 'the sandbox and the pod cgroups to be removed', 30_000);
    assert.ok(!left.ipLeases.includes(p.status.podIP ?? '-'), 'the pod IP lease is released');
    assert.deepEqual(podCgroups(), [], 'no pod cgroup is left');
  });
});

function findPodCgroups(root: string, uid: string): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = join(dir, e.name);
      if (e.name === `pod${uid}`) found.push(p);
      else if (depth < 2) walk(p, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}
