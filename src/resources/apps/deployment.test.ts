import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { deploymentStrategy as s } from './deployment.js';

function deployment(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
      ...spec,
    },
  };
}

const defaulted = (o: KubeObject): KubeObject => {
  s.defaults(o);
  return o;
};
const errors = (o: KubeObject): string[] => s.validate(defaulted(o)).map(fieldErrorMessage);

test('defaults: replicas, RollingUpdate 25%/25%, history, deadline, pod template', () => {
  const o = defaulted(deployment());
  const spec = o.spec as Record<string, any>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.equal(spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
});

test('defaults: Recreate gets no rollingUpdate; explicit values are kept', () => {
  const o = defaulted(deployment({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 }));
  const spec = o.spec as Record<string, any>;
  assert.equal(spec.replicas, 0);
  assert.deepEqual(spec.strategy, { type: 'Recreate' });
  assert.equal(spec.revisionHistoryLimit, 0);
});

test('a well-formed deployment validates', () => {
  assert.deepEqual(errors(deployment()), []);
});

test('selector must match the template labels', () => {
  const o = deployment();
  (o.spec as any).template.metadata.labels = { app: 'other' };
  assert.deepEqual(errors(o), ['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`']);
});

test('missing and empty selectors', () => {
  const missing = deployment();
  delete (missing.spec as any).selector;
  assert.deepEqual(errors(missing), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(errors(deployment({ selector: {} })), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
});

test('replicas and rolling update limits', () => {
  assert.deepEqual(errors(deployment({ replicas: -1 })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(errors(deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ]);
  assert.deepEqual(errors(deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: '110%' } } })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%',
  ]);
  assert.deepEqual(errors(deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'x' } } })), [
    `spec.strategy.rollingUpdate.maxSurge: Invalid value: "x": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
  ]);
});

test('Recreate forbids rollingUpdate; unknown strategy types are unsupported', () => {
  assert.deepEqual(errors(deployment({ strategy: { type: 'Recreate', rollingUpdate: {} } })), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]);
  assert.deepEqual(errors(deployment({ strategy: { type: 'BlueGreen' } })), [
    'spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"',
  ]);
});

test('template rules: restartPolicy Always, no activeDeadlineSeconds, progress deadline above minReady', () => {
  const o = deployment();
  (o.spec as any).template.spec.restartPolicy = 'Never';
  (o.spec as any).template.spec.activeDeadlineSeconds = 5;
  assert.deepEqual(errors(o), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
  ]);
  assert.deepEqual(errors(deployment({ minReadySeconds: 600 })), [
    'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
  ]);
});

test('selector is immutable', () => {
  const old = defaulted(deployment());
  const next = defaulted(deployment({ selector: { matchLabels: { app: 'web', tier: 'x' } } }));
  assert.deepEqual(s.validateUpdate(next, old).map(fieldErrorMessage), [
    'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable',
  ]);
  assert.deepEqual(s.validateUpdate(defaulted(deployment()), old), []);
});

test('status is the server\'s: cleared on create, kept on update; status update keeps spec and labels', () => {
  const o = deployment();
  o.status = { replicas: 3 };
  s.prepareForCreate(o);
  assert.deepEqual(o.status, {});

  const old = defaulted(deployment());
  old.status = { replicas: 2 };
  old.metadata.labels = { a: 'b' };
  const next = defaulted(deployment({ replicas: 5 }));
  next.status = { replicas: 9 };
  s.prepareForUpdate(next, old);
  assert.deepEqual(next.status, { replicas: 2 });

  const st = defaulted(deployment({ replicas: 7 }));
  st.status = { replicas: 4 };
  st.metadata.labels = { changed: 'yes' };
  s.prepareForStatusUpdate(st, old);
  assert.equal((st.spec as any).replicas, 1);
  assert.deepEqual(st.status, { replicas: 4 });
  assert.deepEqual(st.metadata.labels, { a: 'b' });
});

test('an annotation-only change moves the generation on', () => {
  const old = defaulted(deployment());
  old.metadata.generation = 3;
  const next = defaulted(deployment());
  next.metadata.generation = 3;
  next.metadata.annotations = { 'kubernetes.io/change-cause': 'x' };
  s.prepareForUpdate(next, old);
  assert.equal(next.metadata.generation, 4);
});

test('table: READY x/y, UP-TO-DATE, AVAILABLE, AGE and the wide columns', () => {
  const o = defaulted(deployment({ replicas: 3 }));
  o.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  const now = Date.parse('2024-01-01T00:05:00Z');
  assert.deepEqual(
    s.table.columns.map((c) => [c.name, c.priority]),
    [['Name', 0], ['Ready', 0], ['Up-to-date', 0], ['Available', 0], ['Age', 0], ['Containers', 1], ['Images', 1], ['Selector', 1]],
  );
  assert.deepEqual(s.table.row(o, now), ['web', '2/3', 3, 2, '5m', 'nginx', 'nginx:1.25', 'app=web']);
  assert.deepEqual(s.table.row(defaulted(deployment({ replicas: 1 })), now).slice(1, 4), ['0/1', 0, 0]);
});

test('scale paths and discovery names', () => {
  assert.deepEqual(s.scale, { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', selectorPath: 'spec.selector' });
  assert.deepEqual([s.plural, s.singular, s.shortNames, s.categories, s.namespaced], ['deployments', 'deployment', ['deploy'], ['all'], true]);
});
