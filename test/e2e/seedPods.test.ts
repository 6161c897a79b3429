// Real containers, issue 4 "Done means" 1 and 2: the seed's configmap-demo-pod runs in
// containerd with its ConfigMap env and volume (and sees the volume change after an edit);
// the seed nginx Deployment (a busybox-httpd stand-in pulled from a local registry through the
// docker.io mirror) answers HTTP on every pod IP from the host; logs -f, exec -it through a
// pseudo-terminal, cp both ways and port-forward work with kubectl 1.27 and 1.33.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlPath, repoRoot, run, type KubectlVersion } from '../support/cluster.js';
import { containerdSkipReason, startContainerdCluster, type ContainerdCluster } from '../support/containerdCluster.js';
import { eventually, getJson, isReady, podsOf, type Pod } from '../support/workloads.js';
import { rawApi } from '../support/rawApi.js';

const seed = (f: string): string => join(repoRoot(), 'test', 'fixtures', 'seed', f);
const skip = containerdSkipReason();

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

describe('seed pods in containerd', { skip }, () => {
  let c: ContainerdCluster;
  before(async () => {
    c = await startContainerdCluster();
  });
  after(async () => {
    await c?.dispose();
  });

  it('configmap-demo-pod: env, the ConfigMap volume, and the file follows an edit', async () => {
    await c.kubectlOk(['apply', '-f', seed('configmap-game-demo.yaml'), '-f', seed('pod-configmap-demo.yaml')]);
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/configmap-demo-pod', '--timeout=90s'], { timeoutMs: 100_000 });
    const env = await c.kubectlOk(['exec', 'configmap-demo-pod', '--', 'env']);
    assert.match(env, /^PLAYER_INITIAL_LIVES=3$/m);
    assert.match(env, /^UI_PROPERTIES_FILE_NAME=user-interface.properties$/m);
    const file = await c.kubectlOk(['exec', 'configmap-demo-pod', '--', 'cat', '/config/game.properties']);
    assert.equal(file, 'enemy.types=aliens,monsters\nplayer.maximum-lives=5\n');
    await c.kubectlOk(['patch', 'configmap', 'game-demo', '--type=merge', '-p', JSON.stringify({ data: { 'game.properties': 'enemy.types=robots\n' } })]);
    const changed = await eventually(
      async () => {
        const now = await c.kubectlOk(['exec', 'configmap-demo-pod', '--', 'cat', '/config/game.properties']);
        return now === 'enemy.types=robots\n' ? now : undefined;
      },
      'the ConfigMap volume to show the edit',
      60_000,
    );
    assert.equal(changed, 'enemy.types=robots\n');
    // The volume is read-only, as the manifest says.
    const write = await c.kubectl(['exec', 'configmap-demo-pod', '--', 'sh', '-c', 'echo x > /config/new']);
    assert.notEqual(write.code, 0);
    await c.kubectlOk(['delete', 'pod', 'configmap-demo-pod', '--grace-period=1']);
  });

  describe('the seed nginx Deployment', () => {
    let pods: Pod[];
    before(async () => {
      await c.kubectlOk(['apply', '-f', seed('deployment-nginx.yaml')]);
      await c.kubectlOk(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=120s'], { timeoutMs: 130_000 });
      pods = await podsOf(c, 'default', 'app=nginx');
      assert.equal(pods.length, 3);
      assert.ok(pods.every(isReady));
    });

    it('was pulled from the local registry through the docker.io mirror', () => {
      assert.ok(c.registry.manifestRequests('library/nginx').length > 0, 'no manifest request for library/nginx reached the registry');
    });

    it('answers HTTP on every pod IP from the host', async () => {
      for (const p of pods) {
        assert.match(p.status.podIP ?? '', /^10\.42\.0\.\d+$/);
        const r = await httpGet(`http://${p.status.podIP}/`);
        assert.equal(r.status, 200);
        assert.match(r.body, /Welcome to nginx!/);
      }
    });

    it('each pod sees its service account token, the cluster CA and its namespace, and the token works', async () => {
      const pod = pods[0];
      const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
      assert.equal(await c.kubectlOk(['exec', pod.metadata.name, '--', 'ls', dir]), 'ca.crt\nnamespace\ntoken\n');
      assert.equal(await c.kubectlOk(['exec', pod.metadata.name, '--', 'cat', `${dir}/namespace`]), 'default');
      assert.equal(await c.kubectlOk(['exec', pod.metadata.name, '--', 'cat', `${dir}/ca.crt`]), readFileSync(join(c.dataDir, 'tls', 'ca.crt'), 'utf8'));
      const token = await c.kubectlOk(['exec', pod.metadata.name, '--', 'cat', `${dir}/token`]);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string; 'kubernetes.io': { pod: { name: string; uid: string }; node: { name: string } } };
      assert.equal(claims.sub, 'system:serviceaccount:default:default');
      assert.deepEqual(claims['kubernetes.io'].pod, { name: pod.metadata.name, uid: pod.metadata.uid });
      assert.equal(claims['kubernetes.io'].node.name, pod.spec.nodeName);
      // busybox has no TLS client: the host presents the pod's token as the pod would.
      const asPod = await rawApi(c.url, c.dataDir).req('GET', '/api/v1/namespaces/default/pods', { anonymous: true, headers: { Authorization: `Bearer ${token}` } });
      assert.equal(asPod.status, 200);
    });

    it('kubectl top shows the node and the pods from CRI stats', async () => {
      const top = await eventually(async () => {
        const r = await c.kubectl(['top', 'pods', '-l', 'app=nginx', '--no-headers']);
        return r.code === 0 && r.stdout.trim().split('\n').length === 3 ? r.stdout : undefined;
      }, 'pod metrics', 60_000);
      for (const line of top.trim().split('\n')) assert.match(line.trim(), /^nginx-deployment-\S+\s+\d+m\s+\d+Mi$/);
      const node = await c.kubectlOk(['top', 'node', '--no-headers']);
      assert.match(node, /^\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    });

    for (const version of ['1.27', '1.33'] as KubectlVersion[]) {
      it(`exec, exit codes and stdin with kubectl ${version}`, async () => {
        const pod = pods[0].metadata.name;
        assert.equal(await c.kubectlOk(['exec', pod, '--', 'echo', 'hello'], { version }), 'hello\n');
        const failed = await c.kubectl(['exec', pod, '--', 'sh', '-c', 'exit 7'], { version });
        assert.equal(failed.code, 7);
        const piped = await c.kubectlOk(['exec', '-i', pod, '--', 'sh', '-c', 'tr a-z A-Z'], { version, input: 'shout\n' });
        assert.equal(piped, 'SHOUT\n');
      });

      it(`exec -it through a pseudo-terminal with kubectl ${version}`, async () => {
        const pod = pods[0].metadata.name;
        // `script` gives kubectl a real terminal; the shell inside sees a tty and echoes.
        const cmd = `${kubectlPath(version)} --kubeconfig ${c.kubeconfig} exec -it ${pod} -- sh -c 'test -t 0 && echo TTY-OK; read line; echo got-$line'`;
        const r = await run('script', ['-qec', cmd, '/dev/null'], { input: 'abc\n', timeoutMs: 30_000 });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /TTY-OK/);
        assert.match(r.stdout, /got-abc/);
      });

      it(`cp both ways with kubectl ${version}`, async () => {
        const pod = pods[0].metadata.name;
        const dir = mkdtempSync(join(tmpdir(), 'skiff-cp-'));
        try {
          writeFileSync(join(dir, 'up.txt'), `uploaded by ${version}\n`);
          await c.kubectlOk(['cp', join(dir, 'up.txt'), `${pod}:/tmp/up.txt`], { version });
          assert.equal(await c.kubectlOk(['exec', pod, '--', 'cat', '/tmp/up.txt']), `uploaded by ${version}\n`);
          await c.kubectlOk(['cp', `${pod}:/usr/share/nginx/html/index.html`, join(dir, 'down.html')], { version });
          assert.match(readFileSync(join(dir, 'down.html'), 'utf8'), /Welcome to nginx!/);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it(`port-forward with kubectl ${version}`, async () => {
        const pod = pods[0].metadata.name;
        const pf = spawn(kubectlPath(version), ['--kubeconfig', c.kubeconfig, 'port-forward', `pod/${pod}`, ':80', '--address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
        try {
          let out = '';
          pf.stdout.on('data', (d: Buffer) => (out += d.toString()));
          const port = await eventually(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(out)?.[1], 'port-forward to listen', 20_000);
          for (let i = 0; i < 3; i++) {
            const r = await httpGet(`http://127.0.0.1:${port}/`);
            assert.equal(r.status, 200);
            assert.match(r.body, /Welcome to nginx!/);
          }
        } finally {
          pf.kill('SIGTERM');
        }
      });
    }
  });

  it('logs, logs -f and --previous of a printing pod', async () => {
    await c.kubectlOk(['run', 'printer', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'for i in 1 2 3; do echo line-$i; done; echo err-line >&2; while true; do echo tick; sleep 1; done']);
    await c.kubectlOk(['wait', '--for=condition=Ready', 'pod/printer', '--timeout=60s'], { timeoutMs: 70_000 });
    const logs = await eventually(async () => {
      const out = await c.kubectlOk(['logs', 'printer']);
      // Two ticks: by then stderr's line is in the file too, wherever containerd put it.
      return out.includes('err-line') && (out.match(/tick/g) ?? []).length >= 2 ? out : undefined;
    }, 'the first lines to be logged');
    // stdout keeps its order; stderr is a separate pipe, interleaved as containerd read it.
    assert.match(logs.replace('err-line\n', ''), /^line-1\nline-2\nline-3\n(tick\n)*$/);
    assert.equal(await c.kubectlOk(['logs', 'printer', '--tail=1']), 'tick\n');
    const stamped = await c.kubectlOk(['logs', 'printer', '--timestamps', '--limit-bytes=200']);
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line-1$/m);
    assert.ok(Buffer.byteLength(stamped) <= 200);
    for (const version of ['1.27', '1.33'] as KubectlVersion[]) {
      const follow = spawn(kubectlPath(version), ['--kubeconfig', c.kubeconfig, 'logs', '-f', 'printer', '--tail=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        let out = '';
        follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
        // New ticks keep arriving while the process runs: follow streams, it does not just dump.
        await eventually(async () => ((out.match(/tick/g) ?? []).length >= 3 ? true : undefined), `logs -f (${version}) to stream new lines`, 20_000);
      } finally {
        follow.kill('SIGTERM');
      }
    }
    const prev = await c.kubectl(['logs', 'printer', '--previous']);
    assert.notEqual(prev.code, 0);
    assert.match(prev.stderr, /previous terminated container "printer" in pod "printer" not found/);
    await c.kubectlOk(['delete', 'pod', 'printer', '--grace-period=1']);
  });

  it('an unknown port-forward target and exec into a missing container explain themselves', async () => {
    const pods = await getJson<{ items: Pod[] }>(c, ['get', 'pods', '-l', 'app=nginx']);
    const pod = pods.items[0].metadata.name;
    const r = await c.kubectl(['exec', pod, '-c', 'nope', '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container nope is not valid for pod/);
    // A TCP port nobody listens on inside the pod: kubectl reports the error, skiff survives.
    const pf = spawn(kubectlPath('1.33'), ['--kubeconfig', c.kubeconfig, 'port-forward', `pod/${pod}`, ':9', '--address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      pf.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const port = await eventually(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 9/.exec(out)?.[1], 'port-forward to listen', 20_000);
      await new Promise<void>((resolve) => {
        const s = connect(Number(port), '127.0.0.1', () => s.write('x'));
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
    } finally {
      pf.kill('SIGTERM');
    }
    assert.equal(await c.kubectlOk(['exec', pod, '--', 'echo', 'still-here']), 'still-here\n');
  });
});
