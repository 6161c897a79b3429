// Real containers, issue 4 "Done means" 6: killing `skiff server` with SIGKILL and starting it
// again on the same data dir leaves the running containers running — the same container IDs,
// no restarts, the same process answering — and the new agent adopts them (it keeps reporting
// them and can still exec into them and stop them). And containerd itself killed with SIGKILL
// under a running skiff is started again; the containers under their shims keep running.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { containerdSkipReason, startContainerdCluster, type ContainerdCluster } from '../support/containerdCluster.js';
import { applyObj, eventually, getJson, isReady, type Pod } from '../support/workloads.js';

const skip = containerdSkipReason();

interface StatusPod extends Pod {
  status: Pod['status'] & { containerStatuses?: Array<{ containerID?: string; restartCount: number; state: { running?: { startedAt?: string } } }> };
}

/** Runs a busybox pod that records when its process started, and waits until it is Ready. */
async function startRecordingPod(c: ContainerdCluster, name: string): Promise<void> {
  await applyObj(c, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'date +%s%N > /tmp/started; sleep 3600'] }] },
  });
  await c.kubectlOk(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
}

describe('skiff restart adopts running containers', { skip }, () => {
  let c: ContainerdCluster;
  before(async () => {
    c = await startContainerdCluster();
  });
  after(async () => {
    await c?.dispose();
  });

  it('kill -9 and restart: same containers, still running, still managed', async () => {
    await startRecordingPod(c, 'survivor');
    const before = await getJson<StatusPod>(c, ['get', 'pod', 'survivor']);
    const started = await c.kubectlOk(['exec', 'survivor', '--', 'cat', '/tmp/started']);

    await c.kill();
    await c.restart();

    // The agent re-reports the pod from what containerd still runs.
    const after = await eventually(async () => {
      const p = await getJson<StatusPod>(c, ['get', 'pod', 'survivor']);
      return isReady(p) && p.status.containerStatuses?.[0]?.containerID ? p : undefined;
    }, 'the pod to be reported Ready again', 60_000);
    assert.equal(after.status.containerStatuses![0].containerID, before.status.containerStatuses![0].containerID);
    assert.equal(after.status.containerStatuses![0].restartCount, 0);
    assert.equal(after.status.podIP, before.status.podIP);
    assert.equal(await c.kubectlOk(['exec', 'survivor', '--', 'cat', '/tmp/started']), started, 'the same process instance');
    await c.kubectlOk(['delete', 'pod', 'survivor', '--grace-period=1'], { timeoutMs: 60_000 });
    const state = await eventually(async () => {
      const s = await c.nodeState();
      return s.sandboxes.some((x) => x.podUid === before.metadata.uid) ? undefined : s;
    }, 'the adopted sandbox to be removed', 30_000);
    assert.ok(state);
  });

  it('containerd killed -9 is started again; running containers keep running and new pods start', async () => {
    await startRecordingPod(c, 'steady');
    const started = await c.kubectlOk(['exec', 'steady', '--', 'cat', '/tmp/started']);
    const pidFile = join(c.dataDir, 'containerd', 'containerd.pid');
    const oldPid = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(oldPid, 'SIGKILL');

    const newPid = await eventually(async () => {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      return pid > 0 && pid !== oldPid ? pid : undefined;
    }, 'a new containerd', 30_000);
    assert.notEqual(newPid, oldPid);
    // Exec goes through the new containerd to the same process instance.
    const again = await eventually(async () => {
      const r = await c.kubectl(['exec', 'steady', '--', 'cat', '/tmp/started']);
      return r.code === 0 ? r.stdout : undefined;
    }, 'exec through the new containerd', 30_000);
    assert.equal(again, started);
    const p = await getJson<StatusPod>(c, ['get', 'pod', 'steady']);
    assert.equal(p.status.containerStatuses?.[0]?.restartCount, 0);
    await startRecordingPod(c, 'afterwards');
    await c.kubectlOk(['delete', 'pod', 'steady', 'afterwards', '--grace-period=1'], { timeoutMs: 60_000 });
  });
});
