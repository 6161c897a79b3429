import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeNode, makePod } from './fixtures.js';
import { PodInfo } from './podInfo.js';
import { Snapshot } from './snapshot.js';

describe('PodInfo requests', () => {
  it('sums containers and takes the largest init container (upstream example: 3 cpu, 3G)', () => {
    const pod = makePod('p', {
      spec: {
        initContainers: [
          { name: 'i1', resources: { requests: { cpu: '2', memory: '1G' } } },
          { name: 'i2', resources: { requests: { cpu: '2', memory: '3G' } } },
        ],
        containers: [
          { name: 'c1', resources: { requests: { cpu: '2', memory: '1G' } } },
          { name: 'c2', resources: { requests: { cpu: '1', memory: '1G' } } },
        ],
      },
    });
    const pi = new PodInfo(pod);
    assert.equal(pi.requests.milliCPU, 3000);
    assert.equal(pi.requests.memory, 3_000_000_000);
  });

  it('adds sidecars to the sum and to every later init step, then overhead', () => {
    const pod = makePod('p', {
      spec: {
        initContainers: [
          { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } },
          { name: 'init', resources: { requests: { cpu: '2' } } },
        ],
        containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }],
        overhead: { cpu: '100m' },
      },
    });
    // max(1 + 0.5, 2 + 0.5) + 0.1
    assert.equal(new PodInfo(pod).requests.milliCPU, 2600);
  });

  it('counts missing requests as 0 for fit but 100m / 200Mi for spreading', () => {
    const pi = new PodInfo(makePod('p'));
    assert.equal(pi.requests.milliCPU, 0);
    assert.equal(pi.requests.memory, 0);
    assert.equal(pi.nonZeroCPU, 100);
    assert.equal(pi.nonZeroMemory, 200 * 1024 * 1024);
  });

  it('falls back to limits like apiserver defaulting and rounds cpu up to millicores', () => {
    const pi = new PodInfo(makePod('p', { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '0.0005', memory: '1Mi' } } }] } }));
    assert.equal(pi.requests.milliCPU, 1);
    assert.equal(pi.requests.memory, 1024 * 1024);
  });

  it('keeps extended resources and host ports', () => {
    const pi = new PodInfo(
      makePod('p', {
        spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }], resources: { requests: { 'example.com/gpu': '2' } } }] },
      }),
    );
    assert.equal(pi.requests.scalar?.get('example.com/gpu'), 2);
    assert.deepEqual(pi.hostPorts, [{ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }]);
  });
});

describe('Snapshot', () => {
  it('parses allocatable and sums bound, non-terminated pods per node', () => {
    const s = Snapshot.build(
      [makeNode('n1', { cpu: '2', memory: '4Gi', pods: '10', ephemeralStorage: '10Gi' })],
      [
        makePod('a', { nodeName: 'n1', cpu: '500m', memory: '1Gi' }),
        makePod('b', { nodeName: 'n1', cpu: '250m' }),
        makePod('done', { nodeName: 'n1', cpu: '1', status: { phase: 'Succeeded' } }),
        makePod('pending', { cpu: '1' }),
      ],
    );
    const n = s.nodeInfo('n1');
    assert.ok(n);
    assert.deepEqual([n.allocatable.milliCPU, n.allocatable.memory, n.allocatable.pods, n.allocatable.ephemeralStorage], [2000, 4 * 1024 ** 3, 10, 10 * 1024 ** 3]);
    assert.equal(n.requested.milliCPU, 750);
    assert.equal(n.requested.memory, 1024 ** 3);
    assert.equal(n.nonZeroRequested.memory, 1024 ** 3 + 200 * 1024 * 1024);
    assert.deepEqual([...n.pods.keys()].sort(), ['default/a', 'default/b']);
  });

  it('removes a pod once it terminates', () => {
    const s = Snapshot.build([makeNode('n1')], [makePod('a', { nodeName: 'n1', cpu: '1' })]);
    s.setPod(makePod('a', { nodeName: 'n1', cpu: '1', status: { phase: 'Failed' } }));
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 0);
    assert.equal(s.numPods, 0);
  });

  it('assume counts a pod at once; the bound copy confirms it; forget undoes only assumed pods', () => {
    const s = Snapshot.build([makeNode('n1'), makeNode('n2')]);
    const pod = makePod('a', { cpu: '1' });
    s.assume(pod, 'n1');
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 1000);
    assert.equal(s.isAssumed(pod), true);
    // An unbound update while the bind is in flight leaves the assumption alone.
    s.setPod(pod);
    assert.equal(s.nodeOf(pod), 'n1');
    s.forget(pod);
    assert.equal(s.nodeInfo('n1')?.requested.milliCPU, 0);

    s.assume(pod, 'n2');
    s.setPod(makePod('a', { cpu: '1', nodeName: 'n2' }));
    assert.equal(s.isAssumed(pod), false);
    s.forget(pod);
    assert.equal(s.nodeInfo('n2')?.requested.milliCPU, 1000, 'a confirmed pod is not forgotten');
  });

  it('keeps pods bound to an unknown node on a ghost entry until the node arrives', () => {
    const s = Snapshot.build([], [makePod('a', { nodeName: 'late', cpu: '1', owner: 'rs' })]);
    assert.equal(s.nodeInfo('late'), undefined);
    assert.equal(s.numNodes, 0);
    s.setNode(makeNode('late', { labels: { 'topology.kubernetes.io/zone': 'z1' } }));
    assert.equal(s.nodeInfo('late')?.requested.milliCPU, 1000);
    assert.equal(s.ownerPodsInZone('uid-rs', 'z1'), 1);
    s.removeNode('late');
    assert.equal(s.numNodes, 0);
    assert.equal(s.ownerPodsInZone('uid-rs', 'z1'), 0);
  });

  it('tracks host ports with the 0.0.0.0 wildcard', () => {
    const s = Snapshot.build(
      [makeNode('n1')],
      [makePod('a', { nodeName: 'n1', spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80, hostIP: '10.0.0.1' }] }] } })],
    );
    const n = s.nodeInfo('n1');
    assert.ok(n);
    assert.equal(n.portConflicts('10.0.0.1', 'TCP', 80), true);
    assert.equal(n.portConflicts('0.0.0.0', 'TCP', 80), true);
    assert.equal(n.portConflicts('10.0.0.2', 'TCP', 80), false);
    assert.equal(n.portConflicts('10.0.0.1', 'UDP', 80), false);
    s.removePod('default/a');
    assert.equal(n.portConflicts('0.0.0.0', 'TCP', 80), false);
  });

  it('removes nodes in O(1) and keeps the rest in the filtering list', () => {
    const s = Snapshot.build([makeNode('a'), makeNode('b'), makeNode('c')]);
    s.removeNode('a');
    assert.deepEqual(s.nodes().map((n) => n.name).sort(), ['b', 'c']);
    assert.equal(s.nodeInfo('a'), undefined);
    s.setNode(makeNode('a'));
    assert.equal(s.numNodes, 3);
  });

  it('moves owner×zone counts when a node is relabelled', () => {
    const s = Snapshot.build([makeNode('n1', { labels: { 'topology.kubernetes.io/zone': 'a' } })], [makePod('p', { nodeName: 'n1', owner: 'rs' })]);
    assert.equal(s.ownerPodsInZone('uid-rs', 'a'), 1);
    s.setNode(makeNode('n1', { labels: { 'topology.kubernetes.io/zone': 'b' } }));
    assert.equal(s.ownerPodsInZone('uid-rs', 'a'), 0);
    assert.equal(s.ownerPodsInZone('uid-rs', 'b'), 1);
  });
});
