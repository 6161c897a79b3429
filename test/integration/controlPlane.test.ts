// The control plane as a user meets it (issue 3, "Done means" 1 and 6): the seed Deployment
// rolls out, updates, rolls back, pauses, restarts and scales on simulated nodes exactly as
// `kubectl rollout` expects, and a Service's EndpointSlices list exactly the ready pods.
// Driven by the real kubectl (1.33, and `rollout status` with 1.27 too).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, startCluster, type TestCluster } from '../support/cluster.js';
import { streamKubectl } from '../support/kubectlStream.js';
import { applyObj, deploymentManifest, eventually, getJson, isReady, podsOf, type List, type Workload } from '../support/workloads.js';

const seedDeployment = join(repoRoot(), 'test', 'fixtures', 'seed', 'deployment-nginx.yaml');

interface PodState {
  terminating: boolean;
  ready: boolean;
  finished: boolean;
}

/** Replays `kubectl get pods -w --output-watch-events` lines (type|name|deletionTimestamp|phase|ready). */
function replay(lines: string[], from: number): { maxPods: number; minAvailable: number; events: number } {
  const pods = new Map<string, PodState>();
  let maxPods = 0;
  let minAvailable = Infinity;
  lines.forEach((line, i) => {
    const [type, name, deletion, phase, ready] = line.split('|');
    if (type === 'DELETED') pods.delete(name);
    else pods.set(name, { terminating: deletion !== '', ready: ready === 'True', finished: phase === 'Succeeded' || phase === 'Failed' });
    const live = [...pods.values()].filter((p) => !p.terminating && !p.finished);
    maxPods = Math.max(maxPods, live.length);
    if (i >= from) minAvailable = Math.min(minAvailable, live.filter((p) => p.ready).length);
  });
  return { maxPods, minAvailable, events: lines.length - from };
}

const watchLines = (out: string): string[] => out.split('\n').filter((l) => l.includes('|'));

// One cluster for the file; each suite works in its own namespace.
let c: TestCluster;
before(async () => {
  c = await startCluster({ controllers: true, extraArgs: ['--sim-nodes', '3'] });
});
after(async () => {
  await c.stop();
});

describe('Deployment rollouts on simulated nodes', () => {
  const ns = 'rollout';
  const deploy = ['-n', ns, 'deployment/nginx-deployment'];
  const replicaSets = async (): Promise<Workload[]> => (await getJson<List<Workload>>(c, ['get', 'rs', '-n', ns, '-l', 'app=nginx'])).items;
  const imageOf = (w: Workload): string => w.spec.template!.spec.containers[0].image;

  before(async () => {
    await c.kubectlOk(['create', 'namespace', ns]);
  });

  it('rolls out the seed deployment (3/3 ready) and updates it within maxSurge/maxUnavailable', async () => {
    const watch = streamKubectl(c, ['get', 'pods', '-n', ns, '-w', '--output-watch-events', '-o', 'jsonpath={.type}|{.object.metadata.name}|{.object.metadata.deletionTimestamp}|{.object.status.phase}|{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}']);
    try {
      await c.kubectlOk(['apply', '-n', ns, '-f', seedDeployment]);
      const status = await c.kubectlOk(['rollout', 'status', ...deploy, '--timeout=60s'], { timeoutMs: 70_000 });
      assert.match(status, /deployment "nginx-deployment" successfully rolled out/);
      const d = await getJson<Workload>(c, ['get', ...deploy]);
      assert.equal(d.status?.readyReplicas, 3);
      assert.equal(d.status?.availableReplicas, 3);
      assert.equal(d.status?.updatedReplicas, 3);
      assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
      const rs1 = await replicaSets();
      assert.equal(rs1.length, 1);
      assert.match(rs1[0].metadata.name, /^nginx-deployment-[a-z0-9]+$/);

      // Wait until the watch itself has seen the three ready pods before changing the image.
      const readyInWatch = (out: string): boolean => {
        const ready = new Set<string>();
        for (const l of watchLines(out)) {
          const [type, name, del, , rd] = l.split('|');
          if (type === 'DELETED' || del !== '' || rd !== 'True') ready.delete(name);
          else ready.add(name);
        }
        return ready.size === 3;
      };
      await watch.waitFor(readyInWatch, 'three ready pods');
      const from = watchLines(watch.stdout).length;

      await c.kubectlOk(['set', 'image', ...deploy, 'nginx=nginx:1.16.1']);
      const status27 = await c.kubectlOk(['rollout', 'status', ...deploy, '--timeout=60s'], { version: '1.27', timeoutMs: 70_000 });
      assert.match(status27, /deployment "nginx-deployment" successfully rolled out/);
      const rs2 = await replicaSets();
      assert.equal(rs2.length, 2);
      const fresh = rs2.find((r) => imageOf(r) === 'nginx:1.16.1');
      const old = rs2.find((r) => imageOf(r) === 'nginx:1.14.2');
      assert.ok(fresh && old);
      assert.equal(fresh.status?.readyReplicas, 3);
      assert.equal(old.spec.replicas, 0);
      assert.equal(fresh.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
      // The watch must have seen every old pod go away.
      await watch.waitFor((out) => old.metadata.name !== undefined && watchLines(out).filter((l) => l.startsWith('DELETED|' + old.metadata.name)).length === 3, 'the old pods deleted');
      const r = replay(watchLines(watch.stdout), from);
      assert.ok(r.events > 0);
      assert.ok(r.maxPods <= 4, `saw ${r.maxPods} pods at once (maxSurge 25% of 3 allows 4)`);
      assert.ok(r.minAvailable >= 2, `saw only ${r.minAvailable} available pods`);
      const pods = await podsOf(c, ns, 'app=nginx');
      assert.equal(pods.filter((p) => !p.metadata.deletionTimestamp).length, 3);
      assert.ok(pods.every((p) => p.spec.containers[0].image === 'nginx:1.16.1'));
    } finally {
      await watch.stop();
    }
  });

  it('rollout history shows two revisions and undo goes back to the first template', async () => {
    const history = await c.kubectlOk(['rollout', 'history', ...deploy]);
    const revisions = history.split('\n').filter((l) => /^\d+\s/.test(l)).map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(revisions, ['1', '2']);
    const rev1 = await c.kubectlOk(['rollout', 'history', ...deploy, '--revision=1']);
    assert.match(rev1, /nginx:1\.14\.2/);

    assert.match(await c.kubectlOk(['rollout', 'undo', ...deploy]), /rolled back/);
    await c.kubectlOk(['rollout', 'status', ...deploy, '--timeout=60s'], { timeoutMs: 70_000 });
    const d = await getJson<Workload>(c, ['get', ...deploy]);
    assert.equal(imageOf(d), 'nginx:1.14.2');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    // The first ReplicaSet is re-used (same pod-template-hash) and becomes revision 3.
    const rs = await replicaSets();
    assert.equal(rs.length, 2);
    const back = rs.find((r) => imageOf(r) === 'nginx:1.14.2')!;
    assert.equal(back.spec.replicas, 3);
    assert.equal(back.status?.readyReplicas, 3);
    const after = await c.kubectlOk(['rollout', 'history', ...deploy]);
    assert.deepEqual(after.split('\n').filter((l) => /^\d+\s/.test(l)).map((l) => l.split(/\s+/)[0]), ['2', '3']);
  });

  it('a paused deployment does not roll out template changes until resumed', async () => {
    assert.match(await c.kubectlOk(['rollout', 'pause', ...deploy]), /paused/);
    await c.kubectlOk(['set', 'image', ...deploy, 'nginx=nginx:1.17.0']);
    const d = await eventually(async () => {
      const d = await getJson<Workload>(c, ['get', ...deploy]);
      const progressing = d.status?.conditions?.find((x) => x.type === 'Progressing');
      return d.status?.observedGeneration === d.metadata.generation && progressing?.reason === 'DeploymentPaused' ? d : undefined;
    }, 'the controller to observe the paused deployment');
    assert.equal(d.spec.paused, true);
    assert.ok(!(await replicaSets()).some((r) => imageOf(r) === 'nginx:1.17.0'), 'no ReplicaSet for the paused template');
    assert.ok((await podsOf(c, ns, 'app=nginx')).every((p) => p.spec.containers[0].image === 'nginx:1.14.2'));

    assert.match(await c.kubectlOk(['rollout', 'resume', ...deploy]), /resumed/);
    await c.kubectlOk(['rollout', 'status', ...deploy, '--timeout=60s'], { timeoutMs: 70_000 });
    const fresh = (await replicaSets()).find((r) => imageOf(r) === 'nginx:1.17.0');
    assert.equal(fresh?.status?.readyReplicas, 3);
  });

  it('rollout restart replaces every pod through a new ReplicaSet', async () => {
    const before = new Set((await podsOf(c, ns, 'app=nginx')).map((p) => p.metadata.name));
    assert.match(await c.kubectlOk(['rollout', 'restart', ...deploy]), /restarted/);
    await c.kubectlOk(['rollout', 'status', ...deploy, '--timeout=60s'], { timeoutMs: 70_000 });
    const d = await getJson<Workload>(c, ['get', ...deploy]);
    assert.ok(d.spec.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    const pods = await eventually(async () => {
      const live = (await podsOf(c, ns, 'app=nginx')).filter((p) => !p.metadata.deletionTimestamp);
      return live.length === 3 ? live : undefined;
    }, 'three live pods');
    assert.ok(pods.every((p) => !before.has(p.metadata.name)), 'every pod is new');
    assert.ok(pods.every(isReady));
  });

  it('scale --replicas=10 reaches 10 ready pods', async () => {
    assert.match(await c.kubectlOk(['scale', ...deploy, '--replicas=10']), /scaled/);
    await c.kubectlOk(['rollout', 'status', ...deploy, '--timeout=60s'], { timeoutMs: 70_000 });
    const d = await getJson<Workload>(c, ['get', ...deploy]);
    assert.equal(d.status?.readyReplicas, 10);
    assert.equal(d.status?.availableReplicas, 10);
    const pods = (await podsOf(c, ns, 'app=nginx')).filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(pods.length, 10);
    assert.ok(pods.every((p) => isReady(p) && p.status.phase === 'Running' && p.spec.nodeName));
    const wide = await c.kubectlOk(['get', 'deploy', 'nginx-deployment', '-n', ns]);
    assert.match(wide, /nginx-deployment\s+10\/10\s+10\s+10\s/);
  });
});

interface EndpointSlice {
  metadata: { name: string; labels?: Record<string, string> };
  addressType: string;
  endpoints: { addresses: string[]; conditions: { ready?: boolean; serving?: boolean; terminating?: boolean }; nodeName?: string; targetRef?: { kind: string; name: string } }[] | null;
  ports: { name?: string; port: number; protocol: string }[] | null;
}

describe('Service endpoints on simulated nodes', () => {
  const ns = 'endpoints';
  before(async () => {
    await c.kubectlOk(['create', 'namespace', ns]);
  });

  it('lists exactly the ready pods; an unready pod is listed with ready=false', async () => {
    await applyObj(c, ns, deploymentManifest('web', { replicas: 3, labels: { tier: 'web' } }));
    await applyObj(c, ns, deploymentManifest('lagging', { replicas: 1, labels: { tier: 'web' }, annotations: { 'skiff.dev/sim-unready': 'true' } }));
    await applyObj(c, ns, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { tier: 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    });
    await c.kubectlOk(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    const unready = await eventually(async () => {
      const [p] = await podsOf(c, ns, 'app=lagging');
      return p?.status.phase === 'Running' && p.status.podIP ? p : undefined;
    }, 'the unready pod running');
    assert.equal(isReady(unready), false);

    const expectSlices = async (readyCount: number): Promise<void> => {
      const ready = (await podsOf(c, ns, 'app=web')).filter((p) => isReady(p) && !p.metadata.deletionTimestamp);
      assert.equal(ready.length, readyCount);
      const slices = await eventually(async () => {
        const items = (await getJson<List<EndpointSlice>>(c, ['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=web'])).items;
        const eps = items.flatMap((s) => s.endpoints ?? []);
        const readyNames = eps.filter((e) => e.conditions.ready).map((e) => e.targetRef?.name).sort();
        return readyNames.length === readyCount && eps.length === readyCount + 1 ? items : undefined;
      }, `${readyCount} ready endpoints`);
      const eps = slices.flatMap((s) => s.endpoints ?? []);
      assert.deepEqual(eps.filter((e) => e.conditions.ready).map((e) => e.targetRef?.name).sort(), ready.map((p) => p.metadata.name).sort());
      assert.deepEqual(eps.filter((e) => e.conditions.ready).map((e) => e.addresses[0]).sort(), ready.map((p) => p.status.podIP).sort());
      const notReady = eps.filter((e) => !e.conditions.ready);
      assert.deepEqual(notReady.map((e) => e.targetRef?.name), [unready.metadata.name]);
      assert.deepEqual(notReady[0].addresses, [unready.status.podIP]);
      assert.equal(notReady[0].conditions.serving, false);
      assert.equal(notReady[0].conditions.terminating, false);
      for (const s of slices) {
        assert.equal(s.addressType, 'IPv4');
        assert.equal(s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
        assert.deepEqual(s.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
      }
    };
    await expectSlices(3);

    // The legacy Endpoints object agrees: ready addresses and the unready one apart.
    const endpoints = await getJson<{ subsets: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports: { name?: string; port: number }[] }[] }>(c, ['get', 'endpoints', 'web', '-n', ns]);
    assert.equal(endpoints.subsets.length, 1);
    assert.equal(endpoints.subsets[0].addresses?.length, 3);
    assert.deepEqual(endpoints.subsets[0].notReadyAddresses?.map((a) => a.ip), [unready.status.podIP]);
    assert.deepEqual(endpoints.subsets[0].ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);

    await c.kubectlOk(['scale', '-n', ns, 'deployment/web', '--replicas=2']);
    await eventually(async () => ((await podsOf(c, ns, 'app=web')).length === 2 ? true : undefined), 'two web pods');
    await expectSlices(2);
  });
});
