// CriRuntime against a real containerd started by startContainerd in a temp dir, with a
// busybox image built and imported locally (no registry). Needs root and the Debian
// packages (containerd, runc, containernetworking-plugins, iptables, busybox-static); skipped
// otherwise. Uses its own bridge and a /24 no server uses, and removes every sandbox, the
// containerd process, its shims, mounts, the bridge and the temp dir afterwards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { arr } from '../../resources/shared/access.js';
import { ContainerConfigError, type PodConfigSource } from '../podConfig/index.js';
import { CriClient } from './criClient.js';
import { killShims, removeAllSandboxes, removeDataDir, startContainerd, type RunningContainerd } from './containerd.js';
import { CriRuntime } from './criRuntime.js';
import { FakeClient } from '../../client/testing/fakeClient.js';
import { importImageArchive } from '../images/importImage.js';
import { buildImageParts, writeImageArchive } from '../images/ociImage.js';
import { ensurePauseImage, PAUSE_IMAGE } from '../images/pauseImage.js';
import { containerdSkipReason } from '../images/testContainerd.js';
import { startOciRegistry } from '../../../test/support/ociRegistry.js';

const BUSYBOX = 'localhost/skiff-cri-test/busybox:1';
const BRIDGE = 'skiffcrit0';
const POD_CIDR = '10.42.254.0/24';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

let seq = 0;
function pod(spec: Record<string, unknown>, name = `p${++seq}`): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `0000cafe-0000-4000-8000-${String(Date.now() % 1e6).padStart(6, '0')}${String(seq).padStart(6, '0')}` },
    spec: { restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', ...spec },
  } as KubeObject;
}

const skip = containerdSkipReason();

describe('CriRuntime on containerd', { skip, timeout: 180_000 }, () => {
  let dir = '';
  let containerd: RunningContainerd | undefined;
  let runtime: CriRuntime | undefined;
  const prepared: string[] = [];
  const cleaned: string[] = [];
  const podConfig: PodConfigSource = {
    async preparePod(p) {
      prepared.push(p.metadata.uid ?? '');
    },
    async containerConfig(_p, c, podIP) {
      const strings = (v: unknown): string[] => arr(v).filter((s): s is string => typeof s === 'string');
      return { env: [{ key: 'POD_IP', value: podIP ?? '' }], command: strings(c.command), args: strings(c.args), mounts: [] };
    },
    podDir: (uid) => join(dir, 'pods', uid),
    async cleanupPod(uid) {
      cleaned.push(uid);
    },
    close() {},
  };
  const start = (): Promise<RunningContainerd> =>
    startContainerd({ dataDir: join(dir, 'containerd'), podCIDR: POD_CIDR, bridgeName: BRIDGE, sandboxImage: PAUSE_IMAGE, log: () => undefined });
  const rt = (): CriRuntime => {
    assert.ok(runtime);
    return runtime;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cri-'));
    containerd = await start();
    await ensurePauseImage(containerd.socket);
    const archive = join(dir, 'images.tar');
    writeImageArchive(archive, { name: BUSYBOX, busybox: true, config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] } });
    await importImageArchive(containerd.socket, archive);
    runtime = new CriRuntime({ endpoint: containerd.socket, podConfig, podLogRoot: join(dir, 'logs'), clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local', nodeName: 'cri-test' });
  });

  after(async () => {
    runtime?.close();
    const socket = join(dir, 'containerd', 'containerd.sock');
    if (containerd && existsSync(socket)) {
      const cri = new CriClient(socket, { timeoutMs: 30_000 });
      await removeAllSandboxes(cri).catch(() => undefined);
      cri.close();
    }
    await containerd?.stop().catch(() => undefined);
    killShims(socket);
    spawnSync('ip', ['link', 'del', BRIDGE]);
    if (dir) await removeDataDir(dir);
  });

  it('reports containerd through CRI Version', async () => {
    const v = await rt().version();
    assert.equal(v.runtimeName, 'containerd');
    assert.match(v.runtimeVersion, /\d/);
    const cap = await rt().capacity();
    assert.match(cap.cpu, /^\d+$/);
    assert.match(cap.memory, /^\d+(Ki|Mi|Gi)?$/);
    assert.equal(cap.pods, '110');
  });

  it('runs a pod: sandbox IP in the CIDR, HTTP from the host, exec, exit codes, logs, adoption, teardown', async () => {
    const r = rt();
    const p = pod({
      containers: [
        { name: 'web', image: BUSYBOX, command: ['sh', '-c', 'mkdir -p /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 8080 -h /www'] },
        { name: 'fail', image: BUSYBOX, command: ['sh', '-c', 'echo bye; exit 3'], terminationMessagePolicy: 'FallbackToLogsOnError' },
      ],
    });
    assert.ok(await r.imageStatus(BUSYBOX), 'the imported image is present');
    const sb = await r.runPodSandbox(p);
    assert.deepEqual(prepared.at(-1), p.metadata.uid);
    assert.match(sb.podIP ?? '', /^10\.42\.254\.\d+$/);
    const spec = p.spec as { containers: Array<Record<string, unknown>> };

    const web = await r.createContainer(sb.sandboxId, p, spec.containers[0], 0);
    await r.startContainer(web);
    const body = await until('HTTP from the pod', async () => httpGet(sb.podIP ?? '', 8080));
    assert.equal(body.trim(), 'hello-from-pod');

    const st = await r.containerStatus(web);
    assert.equal(st?.state, 'running');
    assert.equal(st?.restartCount, 0);
    assert.equal(st?.image, BUSYBOX);
    assert.ok(st?.imageRef);
    assert.ok(st?.startedAt && st.startedAt > Date.now() - 600_000);

    const hi = await r.streaming.execSync(web, ['echo', 'hi'], 10);
    assert.deepEqual({ code: hi.exitCode, out: hi.stdout.toString(), timedOut: hi.timedOut }, { code: 0, out: 'hi\n', timedOut: false });
    const env = await r.streaming.execSync(web, ['sh', '-c', 'echo $POD_IP; exit 7'], 10);
    assert.equal(env.stdout.toString().trim(), sb.podIP);
    assert.equal(env.exitCode, 7);
    const slow = await r.streaming.execSync(web, ['sleep', '30'], 1);
    assert.equal(slow.timedOut, true);
    assert.match(await r.streaming.execUrl(web, { cmd: ['sh'], tty: false, stdin: true, stdout: true, stderr: true }), /^http:\/\/127\.0\.0\.1:\d+\/exec\/\S+$/);
    assert.match(await r.streaming.portForwardUrl(sb.sandboxId, [8080]), /^http:\/\/127\.0\.0\.1:\d+\/portforward\/\S+$/);

    const fail = await r.createContainer(sb.sandboxId, p, spec.containers[1], 0);
    await r.startContainer(fail);
    const done = await until('the failing container to exit', async () => {
      const s = await r.containerStatus(fail);
      return s?.state === 'exited' ? s : undefined;
    });
    assert.equal(done.exitCode, 3);
    assert.equal(done.reason, 'Error');
    assert.equal(done.message, 'bye\n', 'FallbackToLogsOnError takes the log tail');
    const logPath = r.streaming.containerLogPath(p, 'fail', 0);
    assert.match(readFileSync(logPath, 'utf8'), /^\S+Z stdout F bye\n$/);

    const listed = await r.listContainers({ sandboxId: sb.sandboxId });
    assert.deepEqual(listed.map((c) => [c.name, c.state, c.podUid]).sort(), [['fail', 'exited', p.metadata.uid], ['web', 'running', p.metadata.uid]]);
    const sandboxes = await r.listPodSandboxes();
    assert.deepEqual(sandboxes.map((s) => [s.id, s.podUid, s.state, s.podIP]), [[sb.sandboxId, p.metadata.uid, 'ready', sb.podIP]]);

    // A second start while it runs adopts it; a restart keeps the pod's containers running.
    const again = await start();
    assert.equal(again.adopted, true);
    assert.equal(again.pid, containerd?.pid);
    await containerd?.stop();
    containerd = await start();
    assert.equal(containerd.adopted, false);
    assert.notEqual(containerd.pid, again.pid);
    assert.equal((await r.containerStatus(web))?.state, 'running');
    assert.equal((await httpGet(sb.podIP ?? '', 8080)).trim(), 'hello-from-pod');

    await r.removeContainer(fail);
    assert.equal(await r.containerStatus(fail), undefined);
    assert.equal(existsSync(logPath), false, 'the log goes with the container');
    await r.stopContainer(fail, 0);
    await r.removeContainer(fail);

    await r.stopPodSandbox(sb.sandboxId);
    await r.removePodSandbox(sb.sandboxId);
    assert.deepEqual(await r.listPodSandboxes(), []);
    assert.equal(await r.containerStatus(web), undefined);
    assert.deepEqual(cleaned, [p.metadata.uid]);
    await r.stopPodSandbox(sb.sandboxId);
    await r.removePodSandbox(sb.sandboxId);
  });

  it('applies limits in the pod QoS cgroup and lets config errors through unchanged', async () => {
    const r = rt();
    const limited = { name: 'limited', image: BUSYBOX, command: ['sleep', '600'], resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } } };
    const p = pod({ containers: [limited, { name: 'bad', image: BUSYBOX }, { name: 'nonroot', image: BUSYBOX, securityContext: { runAsNonRoot: true } }] });
    const sb = await r.runPodSandbox(p);
    try {
      const id = await r.createContainer(sb.sandboxId, p, limited, 0);
      await r.startContainer(id);
      const cg = `/sys/fs/cgroup/memory/kubepods/burstable/pod${p.metadata.uid}/${id}/memory.limit_in_bytes`;
      assert.equal(readFileSync(cg, 'utf8').trim(), String(64 * 1024 * 1024));
      const quota = `/sys/fs/cgroup/cpu/kubepods/burstable/pod${p.metadata.uid}/${id}/cpu.cfs_quota_us`;
      assert.equal(readFileSync(quota, 'utf8').trim(), '50000');

      const spec = p.spec as { containers: Array<Record<string, unknown>> };
      const boom = new ContainerConfigError('configmap "x" not found');
      const failing: PodConfigSource = { ...podConfig, containerConfig: async () => Promise.reject(boom) };
      const r2 = new CriRuntime({ endpoint: containerd?.socket ?? '', podConfig: failing, podLogRoot: join(dir, 'logs'), clusterDomain: 'cluster.local', nodeName: 'cri-test' });
      try {
        await assert.rejects(r2.createContainer(sb.sandboxId, p, spec.containers[1], 0), (e) => e === boom);
      } finally {
        r2.close();
      }
      await assert.rejects(r.createContainer(sb.sandboxId, p, spec.containers[2], 0), (e: unknown) => {
        assert.ok(e instanceof ContainerConfigError);
        assert.equal(e.message, `container has runAsNonRoot and image will run as root (pod: "${p.metadata.name}_default(${p.metadata.uid})", container: nonroot)`);
        return true;
      });
    } finally {
      await r.stopPodSandbox(sb.sandboxId);
      await r.removePodSandbox(sb.sandboxId);
    }
    assert.equal(existsSync(`/sys/fs/cgroup/memory/kubepods/burstable/pod${p.metadata.uid}`), false, 'the pod cgroup is removed with the pod');
  });

  it('pulls with the pod\'s imagePullSecrets from a registry that wants credentials', async () => {
    const reg = await startOciRegistry({ basicAuth: { username: 'skiff', password: 'pw' } });
    const fake = new FakeClient();
    const r2 = new CriRuntime({ endpoint: containerd?.socket ?? '', client: fake, podConfig, podLogRoot: join(dir, 'logs'), clusterDomain: 'cluster.local', nodeName: 'cri-test' });
    try {
      const image = `${reg.host}/private/busybox:1`;
      reg.add(buildImageParts({ name: image, busybox: true, config: { Cmd: ['sh'] } }));
      const auths = { [reg.host]: { auth: Buffer.from('skiff:pw').toString('base64') } };
      await fake.create({ group: '', version: 'v1', resource: 'secrets' }, {
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
      } as KubeObject);
      assert.equal(await r2.imageStatus(image), undefined);
      await assert.rejects(r2.pullImage(image, pod({ containers: [] })), /^Error: rpc error: code = \w+ desc = .*401 Unauthorized/);
      const ref = await r2.pullImage(image, pod({ imagePullSecrets: [{ name: 'absent' }, { name: 'regcred' }], containers: [] }));
      assert.match(ref, /^(sha256:|.*@sha256:)[0-9a-f]{64}$/);
      assert.equal(await r2.imageStatus(image), ref);
      assert.ok(reg.manifestRequests('private/busybox').some((q) => q.status === 200 && q.headers.authorization === `Basic ${Buffer.from('skiff:pw').toString('base64')}`));
      await r2.cri.removeImage(image);
    } finally {
      r2.close();
      await reg.close();
    }
  });

  it('gives a host-network pod no pod IP and an empty hostname', async () => {
    const r = rt();
    const p = pod({ hostNetwork: true, containers: [{ name: 'c', image: BUSYBOX, command: ['sleep', '600'] }] });
    const sb = await r.runPodSandbox(p);
    try {
      assert.equal(sb.podIP, undefined);
      const spec = p.spec as { containers: Array<Record<string, unknown>> };
      const id = await r.createContainer(sb.sandboxId, p, spec.containers[0], 0);
      await r.startContainer(id);
      const host = await r.streaming.execSync(id, ['hostname'], 10);
      assert.equal(host.stdout.toString().trim(), spawnSync('hostname', { encoding: 'utf8' }).stdout.trim());
    } finally {
      await r.stopPodSandbox(sb.sandboxId);
      await r.removePodSandbox(sb.sandboxId);
    }
  });
});
