import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { daemonSetStrategy as s, templateGenerationAnnotation } from './daemonset.js';

function ds(spec: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = {
    metadata: { name: 'agent', namespace: 'kube-system', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { nodeSelector: { 'kubernetes.io/os': 'linux', a: 'b' }, containers: [{ name: 'agent', image: 'agent:1' }] },
      },
      ...spec,
    },
  };
  s.defaults(o);
  return o;
}
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);

test('defaults: RollingUpdate maxUnavailable 1 / maxSurge 0 and history 10', () => {
  const spec = ds().spec as Record<string, any>;
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
});

test('validation messages', () => {
  assert.deepEqual(errors(ds()), []);
  assert.deepEqual(errors(ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } })), [
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
  ]);
  assert.deepEqual(errors(ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } })), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "10%": may not be set when maxUnavailable is non-zero',
  ]);
  assert.deepEqual(errors(ds({ updateStrategy: { type: 'Rolling' } })), [
    'spec.updateStrategy: Unsupported value: {"type":"Rolling"}: supported values: "RollingUpdate", "OnDelete"',
  ]);
  assert.deepEqual(errors(ds({ selector: {} })), ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset']);
  const noSelector = ds();
  delete (noSelector.spec as any).selector;
  assert.deepEqual(errors(noSelector), ['spec.template.metadata.labels: Invalid value: {"app":"agent"}: `selector` does not match template `labels`']);
  const noImage = ds();
  delete (noImage.spec as any).template.spec.containers[0].image;
  assert.deepEqual(errors(noImage), ['spec.template.spec.containers[0].image: Required value']);
});

test('template generation annotation: 1 on create, +1 on template change, kept otherwise', () => {
  const o = ds();
  s.prepareForCreate(o);
  assert.equal(o.metadata.annotations?.[templateGenerationAnnotation], '1');
  assert.deepEqual(o.status, {});

  const scaled = ds({ minReadySeconds: 5 });
  scaled.metadata.annotations = { [templateGenerationAnnotation]: '7' };
  s.prepareForUpdate(scaled, o);
  assert.equal(scaled.metadata.annotations[templateGenerationAnnotation], '1');

  const changed = ds();
  (changed.spec as any).template.spec.containers[0].image = 'agent:2';
  s.prepareForUpdate(changed, o);
  assert.equal(changed.metadata.annotations?.[templateGenerationAnnotation], '2');
});

test('selector immutable; table cells', () => {
  assert.equal(s.validateUpdate(ds({ selector: { matchLabels: { app: 'agent2' } } }), ds()).length, 1);
  const o = ds();
  o.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  assert.deepEqual(s.table.row(o, Date.parse('2024-01-01T01:00:00Z')), [
    'agent', 3, 3, 2, 3, 2, 'a=b,kubernetes.io/os=linux', '60m', 'agent', 'agent:1', 'app=agent',
  ]);
  const bare = ds();
  delete (bare.spec as any).template.spec.nodeSelector;
  assert.equal(s.table.row(bare, 0)[6], '<none>');
});
