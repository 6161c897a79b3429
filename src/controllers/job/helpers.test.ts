// Table-driven checks of the Job controller's helpers against upstream's numbers and strings:
// completed-index intervals, back-off delays, pod failure policy matching, pod naming.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { backoffDelayMs, backoffRecordOf, podFinishedTime, remainingBackoffMs } from './backoff.js';
import { firstPendingIndexes, formatIndexes, parseIndexes, totalIndexes, withIndexes } from './indexes.js';
import { matchPodFailurePolicy } from './podFailurePolicy.js';
import { podGenerateNameWithIndex } from './podTemplate.js';
import { matchSuccessPolicy } from './successPolicy.js';
import { jobObject } from './testFixtures.js';

describe('completed indexes', () => {
  const cases: [number[], string][] = [
    [[], ''],
    [[0], '0'],
    [[0, 1, 2, 4], '0-2,4'],
    [[3, 4], '3,4'],
    [[1, 3, 4, 5, 7], '1,3-5,7'],
  ];
  for (const [indexes, text] of cases) {
    it(`${JSON.stringify(indexes)} ⇄ "${text}"`, () => {
      const oi = withIndexes([], indexes);
      assert.equal(formatIndexes(oi), text);
      assert.deepEqual(parseIndexes(text, 100), oi);
      assert.equal(totalIndexes(oi), indexes.length);
    });
  }

  it('parsing drops indexes at or past completions and skips corrupted intervals', () => {
    assert.equal(formatIndexes(parseIndexes('0-2,x,5-9,12', 7)), '0-2,5,6');
    assert.equal(formatIndexes(parseIndexes('1,2,3', 10)), '1-3');
  });

  it('first pending indexes skip succeeded and running ones', () => {
    assert.deepEqual(firstPendingIndexes(withIndexes([], [0, 2, 3]), 3, 6), [1, 4, 5]);
    assert.deepEqual(firstPendingIndexes(withIndexes([], [1]), 1, 6), [0]);
    assert.deepEqual(firstPendingIndexes([], 10, 3), [0, 1, 2]);
  });
});

describe('pod failure back-off', () => {
  it('doubles from 10 s and caps (6 min by default, configurable)', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelayMs(n)), [0, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000, 360_000]);
    assert.equal(backoffDelayMs(8, { maxBackoffMs: 600_000 }), 600_000);
    assert.equal(backoffDelayMs(7, { maxBackoffMs: 600_000 }), 600_000);
    assert.equal(backoffDelayMs(6, { maxBackoffMs: 600_000 }), 320_000);
  });

  const at = Date.parse('2024-01-01T00:00:00Z');
  const pod = (phase: string, finishedSec: number): KubeObject => ({
    metadata: { name: `p${finishedSec}`, creationTimestamp: '2024-01-01T00:00:00Z' },
    status: { phase, containerStatuses: [{ name: 'c', state: { terminated: { finishedAt: new Date(at + finishedSec * 1000).toISOString() } } }] },
  });
  const job = jobObject('b');

  it('counts failures after the last success and waits from the last failure', () => {
    const rec = backoffRecordOf(job, [pod('Failed', 1), pod('Succeeded', 5), pod('Failed', 10), pod('Failed', 20)]);
    assert.deepEqual(rec, { failuresAfterLastSuccess: 2, lastFailureTime: at + 20_000 });
    assert.equal(remainingBackoffMs(rec, at + 25_000), 15_000);
    assert.equal(remainingBackoffMs(rec, at + 40_000), 0);
    assert.deepEqual(backoffRecordOf(job, [pod('Failed', 1), pod('Succeeded', 5)]), { failuresAfterLastSuccess: 0 });
  });

  it('finish time falls back to Ready=False, then deletion minus grace, then creation', () => {
    const ready: KubeObject = { metadata: {}, status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-01-01T00:01:00Z' }] } };
    assert.equal(podFinishedTime(ready), Date.parse('2024-01-01T00:01:00Z'));
    const deleting: KubeObject = { metadata: { deletionTimestamp: '2024-01-01T00:02:00Z', deletionGracePeriodSeconds: 30 }, status: {} };
    assert.equal(podFinishedTime(deleting), Date.parse('2024-01-01T00:01:30Z'));
    assert.equal(podFinishedTime({ metadata: { creationTimestamp: '2024-01-01T00:00:05Z' } }), Date.parse('2024-01-01T00:00:05Z'));
  });
});

describe('pod failure policy', () => {
  const failed = (exitCode: number, conditions: unknown[] = []): KubeObject => ({
    metadata: { name: 'p', namespace: 'ns' },
    status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode } } }] },
  });
  const policy = {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [42] } },
    ],
  };

  it('rules match in order; messages are upstream\'s', () => {
    assert.deepEqual(matchPodFailurePolicy(policy, failed(1, [{ type: 'DisruptionTarget', status: 'True' }])), { countFailed: false, action: 'Ignore' });
    assert.deepEqual(matchPodFailurePolicy(policy, failed(42)), {
      failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
      countFailed: true,
      action: 'FailJob',
    });
    assert.deepEqual(matchPodFailurePolicy(policy, failed(3)), { countFailed: true, action: 'Count' });
    assert.deepEqual(matchPodFailurePolicy(undefined, failed(3)), { countFailed: true });
  });

  it('condition rules produce the pod-condition message', () => {
    const p = { rules: [{ action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue' }] }] };
    assert.equal(matchPodFailurePolicy(p, failed(1, [{ type: 'ConfigIssue', status: 'True' }])).failJobMessage, 'Pod ns/p has condition ConfigIssue matching FailJob rule at index 0');
  });

  it('exit code 0 never matches', () => {
    assert.deepEqual(matchPodFailurePolicy({ rules: [{ action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [1] } }] }, failed(0)), { countFailed: true });
  });
});

describe('naming and success policy', () => {
  it('indexed generateName is cut to 58 characters keeping the index', () => {
    assert.equal(podGenerateNameWithIndex('job', 3), 'job-3-');
    const long = 'a'.repeat(60);
    const name = podGenerateNameWithIndex(long, 12);
    assert.equal(name.length, 58);
    assert.ok(name.endsWith('-12-'));
  });

  it('success policy rules by indexes and by count', () => {
    const succeeded = withIndexes([], [0, 1, 2, 5]);
    assert.equal(matchSuccessPolicy({ rules: [{ succeededIndexes: '0-2' }] }, 10, succeeded), 'Matched rules at index 0');
    assert.equal(matchSuccessPolicy({ rules: [{ succeededIndexes: '3-9', succeededCount: 2 }, { succeededCount: 4 }] }, 10, succeeded), 'Matched rules at index 1');
    assert.equal(matchSuccessPolicy({ rules: [{ succeededIndexes: '3-9', succeededCount: 2 }] }, 10, succeeded), undefined);
  });
});
