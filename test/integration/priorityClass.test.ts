// scheduling.k8s.io/v1 PriorityClass with the real kubectl: the two built-in classes exist
// from the first second and cannot be deleted, `kubectl get pc` prints upstream's columns,
// and the Priority admission plugin resolves a pod's priorityClassName into spec.priority
// and spec.preemptionPolicy (or refuses the pod with upstream's 403 texts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectlVersions, startCluster, type TestCluster } from '../support/cluster.js';

const cells = (line: string): string[] => line.trim().split(/\s{2,}/);
const rows = (out: string): string[][] => out.trim().split('\n').map(cells);

function podYaml(name: string, spec: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${spec}  containers:
  - name: c
    image: nginx:1.25
`;
}

describe('PriorityClass and Priority admission', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c.stop();
  });

  for (const v of kubectlVersions) {
    it(`kubectl ${v} get pc lists the built-in classes with upstream's columns`, async () => {
      const out = rows(await c.kubectlOk(['get', 'pc', 'system-cluster-critical', 'system-node-critical'], { version: v }));
      assert.deepEqual(out[0], ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
      assert.deepEqual(out.slice(1).map((r) => [r[0], r[1], r[2], r[4]]), [
        ['system-cluster-critical', '2000000000', 'false', 'PreemptLowerPriority'],
        ['system-node-critical', '2000001000', 'false', 'PreemptLowerPriority'],
      ]);
    });
  }

  it('api-resources and explain know the kind', async () => {
    const line = (await c.kubectlOk(['api-resources', '--api-group=scheduling.k8s.io'])).split('\n').find((l) => l.startsWith('priorityclasses'));
    assert.deepEqual(cells(line ?? ''), ['priorityclasses', 'pc', 'scheduling.k8s.io/v1', 'false', 'PriorityClass']);
    const explain = await c.kubectlOk(['explain', 'priorityclass']);
    assert.match(explain, /KIND:\s+PriorityClass/);
    assert.match(explain, /preemptionPolicy\s+<string>/);
    assert.match(explain, /value\s+<integer> -required-/);
  });

  it('a pod naming a class gets its priority and preemptionPolicy', async () => {
    await c.kubectlOk(['apply', '-f', '-'], {
      input: 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\npreemptionPolicy: Never\ndescription: important\n',
    });
    assert.equal(await c.kubectlOk(['get', 'pc', 'high', '-o', 'jsonpath={.value} {.preemptionPolicy} {.metadata.generation}']), '1000 Never 1');
    await c.kubectlOk(['apply', '-f', '-'], { input: podYaml('important', '  priorityClassName: high\n') });
    assert.equal(await c.kubectlOk(['get', 'pod', 'important', '-o', 'jsonpath={.spec.priority} {.spec.preemptionPolicy}']), '1000 Never');
    await c.kubectlOk(['apply', '-f', '-'], { input: podYaml('plain', '') });
    assert.equal(await c.kubectlOk(['get', 'pod', 'plain', '-o', 'jsonpath={.spec.priority} {.spec.preemptionPolicy}']), '0 PreemptLowerPriority');
  });

  it('refuses a missing class and a contradicting spec.priority with 403', async () => {
    const missing = await c.kubectl(['apply', '-f', '-'], { input: podYaml('orphan', '  priorityClassName: foo\n') });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Error from server \(Forbidden\): error when creating "STDIN": pods "orphan" is forbidden: no PriorityClass with name foo was found/);
    const contradicting = await c.kubectl(['create', '-f', '-'], { input: podYaml('liar', '  priorityClassName: high\n  priority: 5\n') });
    assert.match(contradicting.stderr, /pods "liar" is forbidden: the integer value of priority \(5\) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name/);
    const absent = await c.kubectl(['get', 'pod', 'orphan', 'liar']);
    assert.match(absent.stderr, /pods "orphan" not found/);
  });

  it('validates classes as upstream: value limit, reserved names, immutable value, protected built-ins', async () => {
    const huge = await c.kubectl(['create', 'priorityclass', 'huge', '--value=1000000001']);
    assert.match(huge.stderr, /PriorityClass\.scheduling\.k8s\.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000/);
    const reserved = await c.kubectl(['create', 'priorityclass', 'system-mine', '--value=10']);
    assert.match(reserved.stderr, /metadata\.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only\. error: system-mine is not a known system priority class/);
    const changed = await c.kubectl(['patch', 'pc', 'high', '--type=merge', '-p', '{"value":2000}']);
    assert.match(changed.stderr, /value: Forbidden: may not be changed in an update\./);
    const del = await c.kubectl(['delete', 'pc', 'system-node-critical']);
    assert.match(del.stderr, /Error from server \(Forbidden\): priorityclasses\.scheduling\.k8s\.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted/);
    assert.match(await c.kubectlOk(['get', 'pc', 'system-node-critical', '-o', 'name']), /priorityclass\.scheduling\.k8s\.io\/system-node-critical/);
  });

  it('a globalDefault class applies to pods without a class name; only one default may exist', async () => {
    await c.kubectlOk(['create', 'priorityclass', 'fallback', '--value=7', '--global-default']);
    const second = await c.kubectl(['create', 'priorityclass', 'another', '--value=8', '--global-default']);
    assert.match(second.stderr, /priorityclasses\.scheduling\.k8s\.io "another" is forbidden: PriorityClass fallback is already marked as default\. Only one default can exist/);
    await c.kubectlOk(['apply', '-f', '-'], { input: podYaml('defaulted', '') });
    assert.equal(await c.kubectlOk(['get', 'pod', 'defaulted', '-o', 'jsonpath={.spec.priorityClassName} {.spec.priority}']), 'fallback 7');
    await c.kubectlOk(['delete', 'pc', 'fallback']);
  });
});
