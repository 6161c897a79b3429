import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { jobStrategy as s } from './job.js';

const uid = '3c1e8b2a-0000-4000-8000-000000000001';

function job(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid, creationTimestamp: '2024-01-01T00:00:00Z', ...meta },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } },
      ...spec,
    },
  };
}

/** What the apiserver does on create: defaults, then prepareForCreate (uid already set). */
function created(o: KubeObject): KubeObject {
  s.defaults(o);
  s.prepareForCreate(o);
  return o;
}
const errors = (o: KubeObject): string[] => s.validate(o).map(fieldErrorMessage);

test('defaults: completions/parallelism 1, backoffLimit 6, NonIndexed, suspend, replacement policy, manualSelector', () => {
  const o = job();
  s.defaults(o);
  const spec = o.spec as Record<string, any>;
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
  assert.equal(spec.manualSelector, false);
  assert.equal(spec.template.spec.dnsPolicy, 'ClusterFirst');
});

test('defaults: work-queue jobs keep completions unset; per-index backoff; pod failure policy', () => {
  const wq = job({ parallelism: 3 });
  s.defaults(wq);
  assert.equal((wq.spec as any).completions, undefined);
  assert.equal((wq.spec as any).parallelism, 3);
  const onlyCompletions = job({ completions: 5 });
  s.defaults(onlyCompletions);
  assert.equal((onlyCompletions.spec as any).parallelism, 1);
  const perIndex = job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 });
  s.defaults(perIndex);
  assert.equal((perIndex.spec as any).backoffLimit, 2147483647);
  const pfp = job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
  s.defaults(pfp);
  assert.equal((pfp.spec as any).podReplacementPolicy, 'Failed');
  assert.equal((pfp.spec as any).podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
});

test('create generates the selector and template labels; the Job shows its template labels', () => {
  const o = created(job());
  const spec = o.spec as Record<string, any>;
  assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.deepEqual(spec.template.metadata.labels, {
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': uid,
    'batch.kubernetes.io/controller-uid': uid,
  });
  assert.deepEqual(o.metadata.labels, spec.template.metadata.labels);
  assert.deepEqual(o.status, {});
  assert.deepEqual(errors(o), []);

  const labelled = created(job({}, { labels: { team: 'a' } }));
  assert.deepEqual(labelled.metadata.labels, { team: 'a' });
});

test('manualSelector: no generation, the user selector must match', () => {
  const o = created(job({ manualSelector: true, selector: { matchLabels: { app: 'x' } } }));
  assert.deepEqual(errors(o), ['spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`']);
  const noSelector = created(job({ manualSelector: true }));
  assert.deepEqual(errors(noSelector), ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`']);
});

test('a conflicting template label is reported', () => {
  const o = job();
  (o.spec as any).template.metadata = { labels: { 'job-name': 'other' } };
  created(o);
  assert.deepEqual(errors(o), [
    `spec.template.metadata.labels[job-name]: Invalid value: {"job-name":"other","batch.kubernetes.io/job-name":"pi","controller-uid":"${uid}","batch.kubernetes.io/controller-uid":"${uid}"}: must be 'pi'`,
  ]);
});

test('restartPolicy must be OnFailure or Never', () => {
  const always = job();
  (always.spec as any).template.spec.restartPolicy = 'Always';
  assert.deepEqual(errors(created(always)), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  const unset = job();
  delete (unset.spec as any).template.spec.restartPolicy;
  assert.deepEqual(errors(created(unset)), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
});

test('counts, completion mode and indexed limits', () => {
  assert.deepEqual(errors(created(job({ completions: -1, parallelism: -1, backoffLimit: -1 }))), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.completions: Invalid value: -1: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(errors(created(job({ completionMode: 'Indexed', parallelism: 2 }))), [
    'spec.completions: Required value: when completion mode is Indexed',
  ]);
  assert.deepEqual(errors(created(job({ completionMode: 'Sometimes' }))), [
    'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
  ]);
  assert.deepEqual(errors(created(job({ backoffLimitPerIndex: 1 }))), [
    'spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode',
  ]);
  const long = created(job({ completionMode: 'Indexed', completions: 10 }, { name: 'a'.repeat(62) }));
  assert.deepEqual(errors(long), [`metadata.name: Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-9`]);
});

test('pod failure policy rules', () => {
  const o = created(
    job({
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { operator: 'In', values: [3, 0, 3] } },
          { action: 'Retry', onPodConditions: [{ type: 'DisruptionTarget', status: 'Maybe' }] },
          { action: 'Ignore' },
        ],
      },
    }),
  );
  assert.deepEqual(errors(o), [
    'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
    'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,3]: must be ordered',
    'spec.podFailurePolicy.rules[1].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
    'spec.podFailurePolicy.rules[1].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    'spec.podFailurePolicy.rules[2]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
  ]);
  const onFailure = job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
  (onFailure.spec as any).template.spec.restartPolicy = 'OnFailure';
  assert.deepEqual(errors(created(onFailure)), [
    'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
  ]);
});

test('success policy on indexed jobs', () => {
  assert.deepEqual(errors(created(job({ successPolicy: { rules: [{ succeededCount: 1 }] } }))), [
    'spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode',
  ]);
  const o = created(job({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: '0,2-3', succeededCount: 4 }, { succeededIndexes: '3-1' }, {}] } }));
  assert.deepEqual(errors(o), [
    'spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 3 (the number of indexes in the specified succeededIndexes field)',
    'spec.successPolicy.rules[1].succeededIndexes: Invalid value: "3-1": error parsing succeededIndexes: non-increasing order, previous: 3, current: 1',
    'spec.successPolicy.rules[2]: Required value: at least one of succeededCount or succeededIndexes must be specified',
  ]);
});

test('updates: selector, template and completion mode immutable; suspended unstarted jobs may move', () => {
  const old = created(job({ suspend: true }));
  const next = structuredClone(old);
  (next.spec as any).template.spec.containers[0].image = 'perl:5.36';
  (next.spec as any).completionMode = 'Indexed';
  const msgs = s.validateUpdate(next, old).map(fieldErrorMessage);
  assert.equal(msgs.length, 2);
  assert.match(msgs[0], /^spec\.template: Invalid value: .*: field is immutable$/);
  assert.equal(msgs[1], 'spec.completionMode: Invalid value: "Indexed": field is immutable');
  const rescaled = structuredClone(old);
  (rescaled.spec as any).completions = 4;
  assert.deepEqual(s.validateUpdate(rescaled, old).map(fieldErrorMessage), ['spec.completions: Invalid value: 4: field is immutable']);
  const elastic = created(job({ completionMode: 'Indexed', completions: 2, parallelism: 2 }));
  const grown = structuredClone(elastic);
  (grown.spec as any).completions = 3;
  assert.deepEqual(s.validateUpdate(grown, elastic).map(fieldErrorMessage), [
    'spec.completions: Invalid value: 3: can only be modified in tandem with spec.parallelism',
  ]);
  (grown.spec as any).parallelism = 3;
  assert.deepEqual(s.validateUpdate(grown, elastic), []);

  const moved = structuredClone(old);
  (moved.spec as any).template.spec.nodeSelector = { zone: 'b' };
  assert.deepEqual(s.validateUpdate(moved, old), []);
  const started = structuredClone(old);
  started.status = { startTime: '2024-01-01T00:00:01Z' };
  assert.equal(s.validateUpdate(moved, started).length, 1);
});

test('table: STATUS, COMPLETIONS, DURATION', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  const running = created(job());
  running.status = { startTime: '2024-01-01T00:00:00Z', active: 1 };
  assert.deepEqual(s.table.row(running, now), ['pi', 'Running', '0/1', '10m', '10m', 'pi', 'perl:5.34', `batch.kubernetes.io/controller-uid=${uid}`]);
  const done = created(job({ completions: 3 }));
  done.status = {
    succeeded: 3,
    startTime: '2024-01-01T00:00:00Z',
    completionTime: '2024-01-01T00:00:42Z',
    conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }],
  };
  assert.deepEqual(s.table.row(done, now).slice(1, 4), ['Complete', '3/3', '42s']);
  const queue = created(job({ parallelism: 4 }));
  assert.deepEqual(s.table.row(queue, now).slice(1, 4), ['Running', '0/1 of 4', '']);
  queue.status = { conditions: [{ type: 'Suspended', status: 'True' }] };
  assert.equal(s.table.row(queue, now)[1], 'Suspended');
  queue.metadata.deletionTimestamp = '2024-01-01T00:09:00Z';
  assert.equal(s.table.row(queue, now)[1], 'Terminating');
  assert.deepEqual(s.table.columns.map((c) => c.name), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
});

test('status.successful field selector and the name warning', () => {
  const o = created(job());
  o.status = { succeeded: 2 };
  assert.equal(s.fieldSelectors['status.successful'](o), '2');
  assert.deepEqual(s.warnings(job({}, { name: 'pi.v2' })), [
    'metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]',
  ]);
  assert.deepEqual(s.warnings(job()), []);
});
