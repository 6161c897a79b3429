import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyStrategicMergePatch } from './smpApply.js';
import { createThreeWayStrategicMergePatch, createTwoWayStrategicMergePatch } from './smpDiff.js';
import { deepFreeze, deploymentSchema, podSchema } from './testSchemas.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test access to nested JSON

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function podConfig(image: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
  };
}

/** What kubectl apply feeds CreateThreeWayMergePatch: modified carries the new annotation. */
function withLastApplied(config: Obj): Obj {
  const copy = structuredClone(config);
  copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [LAST_APPLIED]: `${JSON.stringify(config)}\n` };
  return copy;
}

/** The live object: the applied config plus server-set fields and defaults. */
function live(config: Obj): Obj {
  const obj = withLastApplied(config);
  obj.metadata.uid = 'u-1';
  obj.metadata.resourceVersion = '42';
  for (const c of obj.spec.containers) {
    c.imagePullPolicy = 'IfNotPresent';
    for (const p of c.ports ?? []) p.protocol = 'TCP';
  }
  obj.spec.restartPolicy = 'Always';
  obj.status = { phase: 'Running' };
  return obj;
}

describe('createTwoWayStrategicMergePatch', () => {
  it('image change: $setElementOrder plus the changed element with its merge key', () => {
    const patch = createTwoWayStrategicMergePatch(podConfig('nginx:1.14.2'), podConfig('nginx:1.16.1'), podSchema);
    assert.deepEqual(patch, {
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.16.1', name: 'nginx' }] },
    });
  });

  it('removed container: a $patch: delete element', () => {
    const original = podConfig('nginx');
    original.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    const patch = createTwoWayStrategicMergePatch(original, podConfig('nginx'), podSchema);
    assert.deepEqual(patch, {
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'sidecar', $patch: 'delete' }] },
    });
  });

  it('removed finalizer: deletion list and order list', () => {
    const original = { metadata: { finalizers: ['a', 'b', 'c'] } };
    const patch = createTwoWayStrategicMergePatch(original, { metadata: { finalizers: ['a', 'c'] } }, podSchema);
    assert.deepEqual(patch, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a', 'c'] } });
  });

  it('RollingUpdate to Recreate: $retainKeys and a null for the dropped key', () => {
    const original = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const patch = createTwoWayStrategicMergePatch(original, { spec: { strategy: { type: 'Recreate' } } }, deploymentSchema);
    assert.deepEqual(patch, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
  });

  it('removed label is null; unchanged documents give an empty patch', () => {
    const patch = createTwoWayStrategicMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: '1' } } }, podSchema);
    assert.deepEqual(patch, { metadata: { labels: { b: null } } });
    assert.deepEqual(createTwoWayStrategicMergePatch(podConfig('x'), podConfig('x'), podSchema), {});
  });

  it('reordered containers: only $setElementOrder', () => {
    const original = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const patch = createTwoWayStrategicMergePatch(original, { spec: { containers: [{ name: 'b' }, { name: 'a' }] } }, podSchema);
    assert.deepEqual(patch, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } });
  });

  const roundTrips: [string, Obj, Obj][] = [
    ['env and ports edits', podConfig('a'), { ...podConfig('a'), spec: { containers: [{ name: 'nginx', image: 'b', env: [{ name: 'X', value: '1' }] }] } }],
    ['added and removed containers', podConfig('a'), { ...podConfig('a'), spec: { containers: [{ name: 'other', image: 'b' }, { name: 'nginx', image: 'a', ports: [{ containerPort: 80 }] }] } }],
    ['volume source swap', { spec: { volumes: [{ name: 'v', emptyDir: {} }] } }, { spec: { volumes: [{ name: 'v', configMap: { name: 'c' } }] } }],
    ['finalizers reordered and extended', { metadata: { finalizers: ['b', 'a'] } }, { metadata: { finalizers: ['a', 'c', 'b'] } }],
  ];
  for (const [name, original, modified] of roundTrips) {
    it(`round trip: ${name}`, () => {
      const patch = createTwoWayStrategicMergePatch(deepFreeze(original), deepFreeze(modified), podSchema);
      assert.deepEqual(applyStrategicMergePatch(original, patch, podSchema), modified);
    });
  }

  it('volume source swap carries $retainKeys on the element', () => {
    const patch = createTwoWayStrategicMergePatch(
      { spec: { volumes: [{ name: 'v', emptyDir: {} }] } },
      { spec: { volumes: [{ name: 'v', configMap: { name: 'c' } }] } },
      podSchema,
    );
    assert.deepEqual(patch, {
      spec: {
        '$setElementOrder/volumes': [{ name: 'v' }],
        volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'c' }, emptyDir: null, name: 'v' }],
      },
    });
  });
});

describe('createThreeWayStrategicMergePatch (kubectl apply)', () => {
  it('image change on a Pod: exactly what kubectl sends', () => {
    const before = podConfig('nginx:1.14.2');
    const after = podConfig('nginx:1.16.1');
    const current = live(before);
    const modified = withLastApplied(after);
    const patch = createThreeWayStrategicMergePatch(before, modified, current, podSchema);
    assert.deepEqual(patch, {
      metadata: { annotations: { [LAST_APPLIED]: modified.metadata.annotations[LAST_APPLIED] } },
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.16.1', name: 'nginx' }] },
    });
    const result = applyStrategicMergePatch(current, patch, podSchema) as Obj;
    assert.equal(result.spec.containers[0].image, 'nginx:1.16.1');
    assert.equal(result.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(result.metadata.annotations[LAST_APPLIED], modified.metadata.annotations[LAST_APPLIED]);
    assert.deepEqual(result.status, { phase: 'Running' });
  });

  it('drops what the previous configuration set, keeps server defaults', () => {
    const before = podConfig('nginx');
    before.metadata.labels = { app: 'web', tier: 'front' };
    const after = podConfig('nginx');
    after.metadata.labels = { app: 'web' };
    const current = live(before);
    current.metadata.labels.addedByController = 'yes';
    const patch = createThreeWayStrategicMergePatch(before, withLastApplied(after), current, podSchema);
    assert.deepEqual((patch as Obj).metadata.labels, { tier: null });
    const result = applyStrategicMergePatch(current, patch, podSchema) as Obj;
    assert.deepEqual(result.metadata.labels, { app: 'web', addedByController: 'yes' });
  });

  it('removing a container deletes it, keeping defaulted fields of the others', () => {
    const before = podConfig('nginx');
    before.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    const after = podConfig('nginx');
    const current = live(before);
    const patch = createThreeWayStrategicMergePatch(before, withLastApplied(after), current, podSchema);
    assert.deepEqual((patch as Obj).spec, {
      '$setElementOrder/containers': [{ name: 'nginx' }],
      containers: [{ name: 'sidecar', $patch: 'delete' }],
    });
    const result = applyStrategicMergePatch(current, patch, podSchema) as Obj;
    assert.deepEqual(result.spec.containers, current.spec.containers.slice(0, 1));
  });

  it('Deployment strategy RollingUpdate → Recreate clears the live rollingUpdate', () => {
    const base = (strategy: Obj): Obj => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1, strategy, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const before = base({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } });
    const after = base({ type: 'Recreate' });
    const current = withLastApplied(before);
    current.spec.strategy.rollingUpdate.maxUnavailable = '25%';
    const patch = createThreeWayStrategicMergePatch(before, withLastApplied(after), current, deploymentSchema);
    assert.deepEqual((patch as Obj).spec, { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } });
    const result = applyStrategicMergePatch(current, patch, deploymentSchema) as Obj;
    assert.deepEqual(result.spec.strategy, { type: 'Recreate' });
  });

  it('adding a finalizer the server already extended keeps the server one', () => {
    const before = { metadata: { name: 'x', finalizers: ['a'] } };
    const after = { metadata: { name: 'x', finalizers: ['a', 'b'] } };
    const current = { metadata: { name: 'x', finalizers: ['a', 'server'] } };
    const patch = createThreeWayStrategicMergePatch(before, after, current, podSchema);
    assert.deepEqual(patch, { metadata: { '$setElementOrder/finalizers': ['a', 'b'], finalizers: ['b'] } });
    const result = applyStrategicMergePatch(current, patch, podSchema) as Obj;
    assert.deepEqual(result.metadata.finalizers, ['a', 'b', 'server']);
  });
});
