// A simulated node losing its heartbeat (issue 3, "Done means" 7): with
// --node-monitor-grace-period 5 the node lifecycle controller marks a silent node Ready=Unknown
// ("NotReady" in kubectl), taints it node.kubernetes.io/unreachable (NoSchedule and
// NoExecute), evicts a pod whose unreachable toleration (tolerationSeconds 2) runs out, and
// its Deployment re-creates it on another node; when the heartbeat comes back the node is
// Ready again and the taints go. The heartbeat is cut with the sim-only node annotation
// skiff.dev/sim-disconnect=true (src/server/agents.ts). Driven by the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { applyObj, deploymentManifest, eventually, getJson, isReady, podsOf, type Condition, type List, type Pod } from '../support/workloads.js';

interface Taint {
  key: string;
  effect: string;
  value?: string;
  timeAdded?: string;
}

interface Node {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { taints?: Taint[]; unschedulable?: boolean };
  status: { conditions?: (Condition & { lastHeartbeatTime?: string })[] };
}

interface KubeEvent {
  reason: string;
  message: string;
  involvedObject: { name: string; kind: string };
}

const UNREACHABLE = 'node.kubernetes.io/unreachable';
const target = 'sim-node-1';

let c: TestCluster;
before(async () => {
  c = await startCluster({ controllers: true, extraArgs: ['--sim-nodes', '3', '--node-monitor-grace-period', '5'] });
});
after(async () => {
  await c.stop();
});

const node = (name: string): Promise<Node> => getJson<Node>(c, ['get', 'node', name]);
const ready = (n: Node): Condition | undefined => n.status.conditions?.find((x) => x.type === 'Ready');
const unreachable = (n: Node): Taint[] => (n.spec.taints ?? []).filter((t) => t.key === UNREACHABLE);

describe('a simulated node that stops heartbeating', () => {
  const ns = 'lifecycle';
  let original: Pod;

  before(async () => {
    await c.kubectlOk(['create', 'namespace', ns]);
    await eventually(async () => {
      const nodes = (await getJson<List<Node>>(c, ['get', 'nodes'])).items;
      return nodes.length === 3 && nodes.every((n) => ready(n)?.status === 'True') ? nodes : undefined;
    }, 'three Ready nodes');
  });

  it('keeps healthy nodes Ready under a 5 s grace period', async () => {
    // Two grace periods: the sim nodes renew their Lease often enough for the short grace.
    await new Promise((r) => setTimeout(r, 10_000));
    const nodes = (await getJson<List<Node>>(c, ['get', 'nodes'])).items;
    for (const n of nodes) {
      assert.equal(ready(n)?.status, 'True', `${n.metadata.name} stayed Ready`);
      assert.deepEqual(unreachable(n), []);
    }
  });

  it('places a Deployment pod tolerating unreachable for 2 s on sim-node-1', async () => {
    // Only sim-node-1 is schedulable while the pod is placed.
    await c.kubectlOk(['cordon', 'sim-node-2', 'sim-node-3']);
    const d = deploymentManifest('evictee');
    const podSpec = (d.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    podSpec.tolerations = [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }];
    await applyObj(c, ns, d);
    original = await eventually(async () => {
      const pods = await podsOf(c, ns, 'app=evictee');
      return pods.length === 1 && pods[0].status.phase === 'Running' && isReady(pods[0]) ? pods[0] : undefined;
    }, 'the evictee pod Running and Ready');
    assert.equal(original.spec.nodeName, target);
    // The explicit toleration is kept; admission adds only the default not-ready one (300 s).
    const full = await getJson<Pod & { spec: { tolerations?: { key?: string; effect?: string; tolerationSeconds?: number }[] } }>(c, ['get', 'pod', '-n', ns, original.metadata.name]);
    assert.deepEqual(full.spec.tolerations?.filter((t) => t.key === UNREACHABLE), [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }]);
    await c.kubectlOk(['uncordon', 'sim-node-2', 'sim-node-3']);
  });

  it('marks the silent node NotReady (Ready=Unknown) with the unreachable taints', async () => {
    await c.kubectlOk(['annotate', 'node', target, 'skiff.dev/sim-disconnect=true']);
    const n = await eventually(async () => {
      const n = await node(target);
      return ready(n)?.status === 'Unknown' && unreachable(n).some((t) => t.effect === 'NoExecute') ? n : undefined;
    }, `${target} Ready=Unknown with the unreachable NoExecute taint`, 20_000);
    const cond = ready(n)!;
    assert.equal(cond.reason, 'NodeStatusUnknown');
    assert.equal(cond.message, 'Kubelet stopped posting node status.');
    assert.deepEqual(unreachable(n).map((t) => t.effect).sort(), ['NoExecute', 'NoSchedule']);
    assert.ok(unreachable(n).every((t) => typeof t.timeAdded === 'string'), 'taints carry timeAdded');
    const table = await c.kubectlOk(['get', 'node', target]);
    assert.match(table, new RegExp(`^${target}\\s+NotReady\\s`, 'm'));
    // The other nodes are untouched.
    for (const other of ['sim-node-2', 'sim-node-3']) {
      const o = await node(other);
      assert.equal(ready(o)?.status, 'True');
      assert.deepEqual(unreachable(o), []);
    }
  });

  it('evicts the pod after its 2 s toleration and re-creates it on another node', async () => {
    const evicted = await eventually(async () => {
      const p = await getJson<List<Pod & { metadata: { deletionTimestamp?: string } }>>(c, ['get', 'pods', '-n', ns, '--field-selector', `metadata.name=${original.metadata.name}`]);
      // On a disconnected node the kubelet cannot finish the deletion: the pod stays Terminating.
      return p.items[0]?.metadata.deletionTimestamp ? p.items[0] : undefined;
    }, 'the pod on the silent node marked for deletion', 20_000);
    const disruption = evicted.status.conditions?.find((x) => x.type === 'DisruptionTarget');
    assert.equal(disruption?.status, 'True');
    assert.equal(disruption?.reason, 'DeletionByTaintManager');
    const replacement = await eventually(async () => {
      const pods = await podsOf(c, ns, 'app=evictee');
      return pods.find((p) => p.metadata.uid !== original.metadata.uid && !p.metadata.deletionTimestamp && p.status.phase === 'Running' && isReady(p));
    }, 'a replacement pod Running and Ready', 20_000);
    assert.ok(replacement.spec.nodeName === 'sim-node-2' || replacement.spec.nodeName === 'sim-node-3', `replacement on ${replacement.spec.nodeName}`);
    const events = (await getJson<List<KubeEvent>>(c, ['get', 'events', '-n', ns])).items;
    assert.ok(
      events.some((e) => e.reason === 'TaintManagerEviction' && e.involvedObject.name === original.metadata.name && e.message === `Marking for deletion Pod ${ns}/${original.metadata.name}`),
      `TaintManagerEviction event in ${JSON.stringify(events.map((e) => e.reason))}`,
    );
  });

  it('brings the node back Ready without the taints once the heartbeat returns', async () => {
    await c.kubectlOk(['annotate', 'node', target, 'skiff.dev/sim-disconnect-']);
    const n = await eventually(async () => {
      const n = await node(target);
      return ready(n)?.status === 'True' && unreachable(n).length === 0 ? n : undefined;
    }, `${target} Ready again without the unreachable taints`, 20_000);
    assert.equal(ready(n)?.reason, 'KubeletReady');
    assert.match(await c.kubectlOk(['get', 'node', target]), new RegExp(`^${target}\\s+Ready\\s`, 'm'));
    // The reconnected kubelet finishes the eviction: the old pod goes away, one replica remains.
    const pods = await eventually(async () => {
      const pods = await podsOf(c, ns, 'app=evictee');
      return pods.length === 1 && pods[0].metadata.uid !== original.metadata.uid ? pods : undefined;
    }, 'the evicted pod gone', 20_000);
    assert.ok(isReady(pods[0]));
  });
});
