// Clean-up and node operations on simulated nodes (issue 3, "Done means" 5 and 7): deleting a
// namespace empties and removes it; deleting a Deployment cascades to its ReplicaSets and
// pods in the background, keeps them with --cascade=orphan and waits for them with
// --cascade=foreground; `kubectl cordon` keeps new pods off a node and `kubectl drain` evicts
// its pods, which their ReplicaSet recreates elsewhere. Driven by the real kubectl 1.33.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { applyObj, deploymentManifest, eventually, getJson, isReady, podsOf, type List, type Meta, type Workload } from '../support/workloads.js';

let c: TestCluster;
before(async () => {
  c = await startCluster({ controllers: true, extraArgs: ['--sim-nodes', '3'] });
});
after(async () => {
  await c.stop();
});

const rollout = (ns: string, name: string): Promise<string> => c.kubectlOk(['rollout', 'status', '-n', ns, `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
const replicaSetsOf = async (ns: string, selector: string): Promise<Workload[]> => (await getJson<List<Workload>>(c, ['get', 'rs', '-n', ns, '-l', selector])).items;

describe('deleting a namespace', () => {
  it('removes everything in it, then the namespace', async () => {
    const ns = 'doomed';
    await c.kubectlOk(['create', 'namespace', ns]);
    await applyObj(c, ns, deploymentManifest('app', { replicas: 2 }));
    await c.kubectlOk(['create', 'configmap', '-n', ns, 'settings', '--from-literal=a=1']);
    await c.kubectlOk(['create', 'service', 'clusterip', 'app', '-n', ns, '--tcp=80:80']);
    await c.kubectlOk(['create', 'job', '-n', ns, 'once', '--image=busybox']);
    await rollout(ns, 'app');
    const out = await c.kubectlOk(['delete', 'namespace', ns, '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(out, /namespace "doomed" deleted/);
    const gone = await c.kubectl(['get', 'namespace', ns]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /namespaces "doomed" not found/);
    // Nothing of it is left anywhere in the cluster.
    for (const kind of ['pods', 'replicasets', 'deployments', 'configmaps', 'services', 'jobs', 'endpointslices', 'serviceaccounts']) {
      const left = await getJson<List<{ metadata: Meta }>>(c, ['get', kind, '-A', '--field-selector', `metadata.namespace=${ns}`]);
      assert.deepEqual(left.items.map((i) => i.metadata.name), [], kind);
    }
  });

  it('reports Terminating while it empties (kubectl delete --wait=false)', async () => {
    const ns = 'draining-ns';
    await c.kubectlOk(['create', 'namespace', ns]);
    await applyObj(c, ns, deploymentManifest('app', { replicas: 2 }));
    await rollout(ns, 'app');
    await c.kubectlOk(['delete', 'namespace', ns, '--wait=false']);
    const phase = await c.kubectl(['get', 'namespace', ns, '-o', 'jsonpath={.status.phase}']);
    // Either still emptying (Terminating) or already gone; never Active after the delete.
    if (phase.code === 0) assert.equal(phase.stdout, 'Terminating');
    await c.kubectlOk(['wait', '--for=delete', `namespace/${ns}`, '--timeout=60s'], { timeoutMs: 70_000 });
  });
});

describe('deleting a Deployment', () => {
  const ns = 'cascade';
  before(async () => {
    await c.kubectlOk(['create', 'namespace', ns]);
  });

  it('removes its ReplicaSets and pods (background)', async () => {
    await applyObj(c, ns, deploymentManifest('bg', { replicas: 3 }));
    await rollout(ns, 'bg');
    assert.equal((await replicaSetsOf(ns, 'app=bg')).length, 1);
    await c.kubectlOk(['delete', '-n', ns, 'deployment/bg']);
    await eventually(async () => ((await replicaSetsOf(ns, 'app=bg')).length === 0 ? true : undefined), 'the ReplicaSet collected');
    await eventually(async () => ((await podsOf(c, ns, 'app=bg')).length === 0 ? true : undefined), 'the pods collected');
  });

  it('keeps them with --cascade=orphan, without owner references', async () => {
    await applyObj(c, ns, deploymentManifest('orphans', { replicas: 2 }));
    await rollout(ns, 'orphans');
    const [rs] = await replicaSetsOf(ns, 'app=orphans');
    const podsBefore = (await podsOf(c, ns, 'app=orphans')).map((p) => p.metadata.uid).sort();
    await c.kubectlOk(['delete', '-n', ns, 'deployment/orphans', '--cascade=orphan']);
    const gone = await c.kubectl(['get', '-n', ns, 'deployment/orphans']);
    assert.notEqual(gone.code, 0);
    const left = await eventually(async () => {
      const [r] = await replicaSetsOf(ns, 'app=orphans');
      return r && (r.metadata.ownerReferences ?? []).length === 0 ? r : undefined;
    }, 'the ReplicaSet orphaned');
    assert.equal(left.metadata.uid, rs.metadata.uid);
    assert.ok(!left.metadata.deletionTimestamp);
    assert.equal(left.status?.readyReplicas, 2);
    const pods = await podsOf(c, ns, 'app=orphans');
    assert.deepEqual(pods.map((p) => p.metadata.uid).sort(), podsBefore);
    assert.ok(pods.every((p) => !p.metadata.deletionTimestamp && isReady(p)));
    assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid), 'pods still belong to the ReplicaSet');
  });

  it('--cascade=foreground removes the pods and ReplicaSets before the Deployment', async () => {
    await applyObj(c, ns, deploymentManifest('fg', { replicas: 3 }));
    await rollout(ns, 'fg');
    const [rs] = await replicaSetsOf(ns, 'app=fg');
    assert.equal(rs.metadata.ownerReferences?.[0]?.blockOwnerDeletion, true);
    // kubectl delete waits for the Deployment to be gone; with foreground propagation that is
    // only after every dependent (ReplicaSet, and through it every pod) is gone.
    const out = await c.kubectlOk(['delete', '-n', ns, 'deployment/fg', '--cascade=foreground', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(out, /deployment\.apps "fg" deleted/);
    assert.deepEqual(await replicaSetsOf(ns, 'app=fg'), []);
    assert.deepEqual((await podsOf(c, ns, 'app=fg')).map((p) => p.metadata.name), []);
  });

  it('foreground deletion keeps the owner with the foregroundDeletion finalizer while dependents remain', async () => {
    // A dependent with a finalizer of its own holds the owner back.
    await applyObj(c, ns, deploymentManifest('held', { replicas: 1 }));
    await rollout(ns, 'held');
    const [rs] = await replicaSetsOf(ns, 'app=held');
    await c.kubectlOk(['patch', '-n', ns, 'rs', rs.metadata.name, '--type=merge', '-p', JSON.stringify({ metadata: { finalizers: ['example.com/hold'] } })]);
    await c.kubectlOk(['delete', '-n', ns, 'deployment/held', '--cascade=foreground', '--wait=false']);
    const owner = await eventually(async () => {
      const d = await getJson<Workload>(c, ['get', '-n', ns, 'deployment/held']);
      const r = (await replicaSetsOf(ns, 'app=held'))[0];
      return r?.metadata.deletionTimestamp ? d : undefined;
    }, 'the ReplicaSet marked for deletion');
    assert.ok(owner.metadata.deletionTimestamp);
    assert.deepEqual(owner.metadata.finalizers, ['foregroundDeletion']);
    await c.kubectlOk(['patch', '-n', ns, 'rs', rs.metadata.name, '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/metadata/finalizers' }])]);
    await c.kubectlOk(['wait', '-n', ns, '--for=delete', 'deployment/held', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.deepEqual(await replicaSetsOf(ns, 'app=held'), []);
  });
});

interface Node {
  metadata: Meta;
  spec: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
}

describe('cordon and drain', () => {
  const ns = 'nodes';
  before(async () => {
    await c.kubectlOk(['create', 'namespace', ns]);
  });

  it('cordon marks a node SchedulingDisabled and new pods avoid it', async () => {
    const nodes = (await getJson<List<Node>>(c, ['get', 'nodes'])).items.map((n) => n.metadata.name).sort();
    assert.equal(nodes.length, 3);
    const target = nodes[0];
    assert.match(await c.kubectlOk(['cordon', target]), new RegExp(`node/${target} cordoned`));
    try {
      const n = await getJson<Node>(c, ['get', 'node', target]);
      assert.equal(n.spec.unschedulable, true);
      assert.ok(n.spec.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
      assert.match(await c.kubectlOk(['get', 'node', target]), new RegExp(`${target}\\s+Ready,SchedulingDisabled\\s`));
      await applyObj(c, ns, deploymentManifest('spread', { replicas: 9 }));
      await rollout(ns, 'spread');
      const pods = await podsOf(c, ns, 'app=spread');
      assert.equal(pods.length, 9);
      assert.ok(pods.every((p) => p.spec.nodeName && p.spec.nodeName !== target), 'no pod on the cordoned node');
    } finally {
      assert.match(await c.kubectlOk(['uncordon', target]), /uncordoned/);
    }
    await eventually(async () => {
      const n = await getJson<Node>(c, ['get', 'node', target]);
      return !n.spec.unschedulable && !n.spec.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable') ? true : undefined;
    }, 'the unschedulable taint removed');
    await c.kubectlOk(['delete', '-n', ns, 'deployment/spread']);
  });

  it('drain evicts a node\'s pods and their ReplicaSet recreates them elsewhere', async () => {
    await applyObj(c, ns, deploymentManifest('movers', { replicas: 6 }));
    await rollout(ns, 'movers');
    const before = await podsOf(c, ns, 'app=movers');
    const counts = new Map<string, number>();
    for (const p of before) counts.set(p.spec.nodeName!, (counts.get(p.spec.nodeName!) ?? 0) + 1);
    const [target] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const evicted = before.filter((p) => p.spec.nodeName === target).map((p) => p.metadata.name);
    assert.ok(evicted.length > 0);
    try {
      const r = await c.kubectl(['drain', target, '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=60s'], { timeoutMs: 70_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`node/${target} drained`));
      for (const name of evicted) assert.match(r.stdout, new RegExp(`pod/${name} evicted`));
      assert.equal((await getJson<Node>(c, ['get', 'node', target])).spec.unschedulable, true);
      await rollout(ns, 'movers');
      const after = await eventually(async () => {
        const live = (await podsOf(c, ns, 'app=movers')).filter((p) => !p.metadata.deletionTimestamp);
        return live.length === 6 && live.every(isReady) ? live : undefined;
      }, 'six ready pods again');
      assert.ok(after.every((p) => p.spec.nodeName !== target), 'nothing runs on the drained node');
      assert.ok(after.every((p) => !evicted.includes(p.metadata.name)));
    } finally {
      await c.kubectlOk(['uncordon', target]);
    }
  });
});
