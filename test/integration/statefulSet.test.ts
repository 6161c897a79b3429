// The seed StatefulSet on simulated nodes (issue 3, "Done means" 2): OrderedReady brings web-0
// up Running and Ready before web-1 is created (and web-1 before web-2), each replica gets
// its own claim `www-web-N` bound through the local-path provisioner to a PV pinned to the
// pod's node, scaling down removes the highest ordinals first and keeps every claim, and
// scaling back up re-uses the very same claims (upstream StatefulSet semantics with the
// default persistentVolumeClaimRetentionPolicy Retain/Retain). Driven by the real kubectl.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, startCluster, type TestCluster } from '../support/cluster.js';
import { streamKubectl, type KubectlStream } from '../support/kubectlStream.js';
import { eventually, getJson, isReady, podsOf, type List, type Meta, type Pod, type Workload } from '../support/workloads.js';

const seed = (f: string): string => join(repoRoot(), 'test', 'fixtures', 'seed', f);

interface Pvc {
  metadata: Meta;
  spec: { storageClassName?: string; volumeName?: string; accessModes?: string[] };
  status: { phase?: string };
}

interface Pv {
  metadata: Meta;
  spec: {
    storageClassName?: string;
    claimRef?: { name?: string; namespace?: string; uid?: string };
    nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } };
  };
  status: { phase?: string };
}

const watchLines = (out: string): string[] => out.split('\n').filter((l) => l.includes('|'));

interface Seen {
  phase: string;
  ready: boolean;
  terminating: boolean;
}

/**
 * Replays `type|name|deletionTimestamp|phase|ready` watch lines and, for every web-N (N ≥ 1)
 * that appears, records whether web-(N-1) was Running and Ready at that moment.
 */
function orderedCreation(lines: readonly string[]): { created: string[]; violations: string[] } {
  const pods = new Map<string, Seen>();
  const created: string[] = [];
  const violations: string[] = [];
  for (const line of lines) {
    const [type, name, deletion, phase, ready] = line.split('|');
    if (type === 'DELETED') {
      pods.delete(name);
      continue;
    }
    if (!pods.has(name)) {
      created.push(name);
      const m = /^web-(\d+)$/.exec(name);
      if (m && Number(m[1]) > 0) {
        const prev = pods.get(`web-${Number(m[1]) - 1}`);
        if (!prev || prev.phase !== 'Running' || !prev.ready || prev.terminating) violations.push(`${name} appeared while web-${Number(m[1]) - 1} was ${prev ? JSON.stringify(prev) : 'absent'}`);
      }
    }
    pods.set(name, { phase, ready: ready === 'True', terminating: deletion !== '' });
  }
  return { created, violations };
}

let c: TestCluster;
before(async () => {
  c = await startCluster({ controllers: true, extraArgs: ['--sim-nodes', '3'] });
});
after(async () => {
  await c.stop();
});

describe('the seed StatefulSet web with local-path volumes', () => {
  const ns = 'sts';
  const sts = ['-n', ns, 'statefulset/web'];
  const claims = async (): Promise<Pvc[]> => (await getJson<List<Pvc>>(c, ['get', 'pvc', '-n', ns])).items;
  let uids: Map<string, string>;

  before(async () => {
    await c.kubectlOk(['create', 'namespace', ns]);
  });

  it('creates web-0, web-1, web-2 in order, each Running and Ready before the next exists', async () => {
    const watch = streamKubectl(c, ['get', 'pods', '-n', ns, '-w', '--output-watch-events', '-o', 'jsonpath={.type}|{.object.metadata.name}|{.object.metadata.deletionTimestamp}|{.object.status.phase}|{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}']);
    try {
      await c.kubectlOk(['apply', '-f', seed('storageclass-my-storage-class.yaml')]);
      const applied = await c.kubectlOk(['apply', '-n', ns, '-f', seed('statefulset-web.yaml')]);
      assert.match(applied, /service\/nginx created/);
      assert.match(applied, /statefulset\.apps\/web created/);
      const status = await c.kubectlOk(['rollout', 'status', ...sts, '--timeout=60s'], { timeoutMs: 70_000 });
      // apps/v1 defaults rollingUpdate.partition to 0, so kubectl reports the partitioned form.
      assert.match(status, /partitioned roll out complete: 3 new pods have been updated\.\.\./);
      // The watch must itself have seen web-2 Running and Ready.
      await watch.waitFor((out) => watchLines(out).some((l) => /^(ADDED|MODIFIED)\|web-2\|\|Running\|True$/.test(l)), 'web-2 Running and Ready');
      const { created, violations } = orderedCreation(watchLines(watch.stdout));
      assert.deepEqual(created, ['web-0', 'web-1', 'web-2']);
      assert.deepEqual(violations, []);
    } finally {
      await watch.stop();
    }
    const s = await getJson<Workload>(c, ['get', ...sts]);
    assert.equal(s.status?.readyReplicas, 3);
    assert.equal(s.status?.replicas, 3);
  });

  it('gives each pod its own Bound claim www-web-N on a PV pinned to the pod\'s node', async () => {
    const pods = await podsOf(c, ns, 'app=nginx');
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
    const pvcs = await eventually(async () => {
      const l = await claims();
      return l.length === 3 && l.every((x) => x.status.phase === 'Bound') ? l : undefined;
    }, 'three Bound claims');
    const pvs = (await getJson<List<Pv>>(c, ['get', 'pv'])).items;
    uids = new Map();
    for (const pod of pods) {
      const name = `www-${pod.metadata.name}`;
      const pvc = pvcs.find((x) => x.metadata.name === name);
      assert.ok(pvc, `claim ${name}`);
      assert.equal(pvc.spec.storageClassName, 'my-storage-class');
      assert.deepEqual(pvc.spec.accessModes, ['ReadWriteOnce']);
      assert.equal(pvc.metadata.labels?.app, 'nginx');
      // The pod mounts exactly its own claim.
      const podFull = await getJson<Pod & { spec: { volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[] } }>(c, ['get', 'pod', '-n', ns, pod.metadata.name]);
      assert.equal(podFull.spec.volumes?.find((v) => v.name === 'www')?.persistentVolumeClaim?.claimName, name);
      const pv = pvs.find((v) => v.metadata.name === pvc.spec.volumeName);
      assert.ok(pv, `PV ${pvc.spec.volumeName} of ${name}`);
      assert.equal(pv.status.phase, 'Bound');
      assert.equal(pv.spec.storageClassName, 'my-storage-class');
      assert.equal(pv.spec.claimRef?.name, name);
      assert.equal(pv.spec.claimRef?.namespace, ns);
      assert.equal(pv.spec.claimRef?.uid, pvc.metadata.uid);
      const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms ?? [];
      assert.deepEqual(terms, [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [pod.spec.nodeName] }] }]);
      assert.ok(pod.spec.nodeName?.startsWith('sim-node-'));
      uids.set(name, pvc.metadata.uid ?? '');
    }
    assert.equal(new Set(pvcs.map((x) => x.spec.volumeName)).size, 3, 'three distinct volumes');
  });

  it('scale to 1 removes web-2 then web-1 and keeps all three claims', async () => {
    const watch = streamKubectl(c, ['get', 'pods', '-n', ns, '-w', '--output-watch-events', '-o', 'jsonpath={.type}|{.object.metadata.name}|{.object.metadata.deletionTimestamp}{"\\n"}']);
    let stream: KubectlStream | undefined = watch;
    try {
      await watch.waitFor((out) => watchLines(out).length >= 3, 'the initial pods');
      assert.match(await c.kubectlOk(['scale', ...sts, '--replicas=1']), /statefulset\.apps\/web scaled/);
      await watch.waitFor((out) => ['web-1', 'web-2'].every((n) => watchLines(out).some((l) => l.startsWith(`DELETED|${n}|`))), 'web-1 and web-2 deleted', 60_000);
      const lines = watchLines(watch.stdout);
      // OrderedReady scale-down: web-1 is not touched until web-2 is gone.
      const firstTouch = (n: string): number => lines.findIndex((l) => l.startsWith(`MODIFIED|${n}|`) && l.split('|')[2] !== '' || l.startsWith(`DELETED|${n}|`));
      const web2Gone = lines.findIndex((l) => l.startsWith('DELETED|web-2|'));
      assert.ok(firstTouch('web-2') >= 0 && web2Gone >= 0);
      assert.ok(firstTouch('web-1') > web2Gone, `web-1 was terminated before web-2 was gone:\n${lines.join('\n')}`);
      assert.ok(!lines.some((l) => l.startsWith('DELETED|web-0|')), 'web-0 stays');
      await watch.stop();
      stream = undefined;
    } finally {
      await stream?.stop();
    }
    const pods = await podsOf(c, ns, 'app=nginx');
    assert.deepEqual(pods.map((p) => p.metadata.name), ['web-0']);
    const pvcs = await claims();
    assert.deepEqual(pvcs.map((x) => x.metadata.name).sort(), ['www-web-0', 'www-web-1', 'www-web-2']);
    for (const pvc of pvcs) {
      assert.equal(pvc.status.phase, 'Bound');
      assert.equal(pvc.metadata.uid, uids.get(pvc.metadata.name));
      assert.equal(pvc.metadata.deletionTimestamp, undefined);
    }
    const s = await eventually(async () => {
      const s = await getJson<Workload>(c, ['get', ...sts]);
      return s.status?.replicas === 1 ? s : undefined;
    }, 'status.replicas 1');
    assert.equal(s.status?.readyReplicas, 1);
  });

  it('scaling back to 3 re-uses the same claims', async () => {
    await c.kubectlOk(['scale', ...sts, '--replicas=3']);
    await c.kubectlOk(['rollout', 'status', ...sts, '--timeout=60s'], { timeoutMs: 70_000 });
    const pods = await eventually(async () => {
      const pods = await podsOf(c, ns, 'app=nginx');
      return pods.length === 3 && pods.every((p) => isReady(p) && p.status.phase === 'Running') ? pods : undefined;
    }, 'three Running and Ready pods');
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
    const pvcs = await claims();
    assert.equal(pvcs.length, 3, 'no new claims');
    for (const pvc of pvcs) {
      assert.equal(pvc.metadata.uid, uids.get(pvc.metadata.name), `${pvc.metadata.name} is the original claim`);
      assert.equal(pvc.status.phase, 'Bound');
    }
    // A pod re-created on a claim whose local volume lives on one node must land on that node.
    const pvs = (await getJson<List<Pv>>(c, ['get', 'pv'])).items;
    for (const pod of pods) {
      const pvc = pvcs.find((x) => x.metadata.name === `www-${pod.metadata.name}`)!;
      const pv = pvs.find((v) => v.metadata.name === pvc.spec.volumeName)!;
      assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0].matchExpressions?.[0].values, [pod.spec.nodeName]);
    }
  });
});
