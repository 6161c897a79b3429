import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { replicaSetStrategy as s } from './replicaset.js';

function rs(spec: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = {
    metadata: { name: 'web-5d4f', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      template: { metadata: { labels: { app: 'web', tier: 'a' } }, spec: { containers: [{ name: 'c', image: 'busybox' }, { name: 'd', image: 'nginx' }] } },
      ...spec,
    },
  };
  s.defaults(o);
  return o;
}

test('defaults replicas to 1 and the pod template', () => {
  const o = rs();
  assert.equal((o.spec as any).replicas, 1);
  assert.equal((o.spec as any).template.spec.dnsPolicy, 'ClusterFirst');
});

test('validation: replicas, minReadySeconds, selector wording', () => {
  assert.deepEqual(s.validate(rs()), []);
  assert.deepEqual(s.validate(rs({ replicas: -2, minReadySeconds: -1 })).map(fieldErrorMessage), [
    'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
  ]);
  // Upstream's ReplicaSet message says "deployment" too.
  assert.deepEqual(s.validate(rs({ selector: { matchLabels: {} } })).map(fieldErrorMessage), [
    'spec.selector: Invalid value: {"matchLabels":{}}: empty selector is invalid for deployment',
  ]);
  assert.deepEqual(s.validate(rs({ selector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } })).map(fieldErrorMessage), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'spec.selector: Invalid value: {"matchExpressions":[{"key":"tier","operator":"In"}]}: invalid label selector',
  ]);
});

test('selector is immutable on update', () => {
  assert.equal(s.validateUpdate(rs({ selector: { matchLabels: { app: 'web' } } }), rs()).length, 1);
});

test('table cells and the status.replicas field selector', () => {
  const o = rs({ replicas: 3 });
  o.status = { replicas: 3, readyReplicas: 1 };
  const now = Date.parse('2024-01-03T00:00:00Z');
  assert.deepEqual(s.table.row(o, now), ['web-5d4f', 3, 3, 1, '2d', 'c,d', 'busybox,nginx', 'app=web,tier in (a,b)']);
  assert.deepEqual(s.table.columns.map((c) => c.name), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
  assert.equal(s.fieldSelectors['status.replicas'](o), '3');
  assert.equal(s.fieldSelectors['status.replicas'](rs()), '0');
});
